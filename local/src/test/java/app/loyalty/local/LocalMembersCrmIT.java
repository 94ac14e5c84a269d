package app.loyalty.local;

import app.loyalty.shared.runtime.AwsClients;
import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Members as a CRM on the bundle as bin/local runs it (docs/members.md), through the gateway with the README's calls:
 * a duplicate enrolment refused with the existing member, lookup by each key, statement paging with an order's
 * returns, and an erasure that leaves no personal data in any item or event while the program's totals stay put.
 */
class LocalMembersCrmIT {
    private static final String OPERATOR_KEY = "crm-operator-key-0123456789";
    private static LocalRuntime runtime;
    private static LocalApi api;
    private static String programId;
    private static String merchantKey;
    private static String adaId;

    @BeforeAll
    static void start() {
        runtime = LocalApi.startRuntime(OPERATOR_KEY);
        api = new LocalApi(runtime.url(), ContractValidator.repositoryContract());
        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "crm-program-0001",
                "{\"name\":\"Coffee Club\",\"currency\":\"EUR\",\"rules\":{\"pendingDays\":0}}");
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        programId = program.json().get("programId").asText();
        merchantKey = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "crm-merchant-0001",
                "{\"name\":\"Bean Bar\"}").json().get("apiKey").asText();
        LocalApi.Response ada = api.post("/v1/members", merchantKey, "crm-enrol-ada-01", """
                {"profile":{"name":"Ada Lovelace","phone":"+447700900123","email":"ada@example.com"},
                 "consents":{"sms":false,"email":true,"push":false},"externalId":"shop-cust-17"}""");
        assertThat(ada.status()).as(ada.body()).isEqualTo(201);
        adaId = ada.json().get("memberId").asText();
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void aDuplicateEnrolment_isRefusedWithTheExistingMember() {
        LocalApi.Response again = api.post("/v1/members", merchantKey, "crm-enrol-dup-01",
                "{\"profile\":{\"name\":\"A. Lovelace\",\"email\":\"ADA@example.com\"}}");

        assertThat(again.status()).as(again.body()).isEqualTo(409);
        assertThat(again.json().get("type").asText()).endsWith("/member-exists");
        assertThat(again.json().get("memberId").asText()).isEqualTo(adaId);
    }

    @Test
    void lookUp_findsTheMemberByEachKey() {
        for (String query : List.of("email=Ada%40Example.com", "phone=%2B447700900123", "externalId=shop-cust-17")) {
            LocalApi.Response found = api.get("/v1/members?" + query, merchantKey);
            assertThat(found.status()).as(found.body()).isEqualTo(200);
            assertThat(found.json().get("members")).as(query).singleElement()
                    .satisfies(m -> assertThat(m.get("memberId").asText()).isEqualTo(adaId));
        }
        assertThat(api.get("/v1/members?email=nobody%40example.com", merchantKey).json().get("members")).isEmpty();
    }

    @Test
    void statement_pagesEveryEntry_andTheOrderShowsItsReturn() {
        String member = enrol("crm-enrol-stmt-1", "Grace Hopper", "+447700900201", "grace@example.com");
        purchase(member, "stmt-1", 10_000);
        purchase(member, "stmt-2", 20_000);
        LocalApi.Response returned = api.post("/v1/purchases/stmt-2/returns", merchantKey, "crm-return-0001",
                "{\"returnId\":\"r-1\",\"amount\":5000}");
        assertThat(returned.status()).as(returned.body()).isEqualTo(201);
        LocalApi.Response adjusted = api.post("/v1/programs/" + programId + "/members/" + member + "/adjustments",
                OPERATOR_KEY, "crm-adjust-0001", "{\"points\":40,\"reason\":\"goodwill\"}");
        assertThat(adjusted.status()).as(adjusted.body()).isEqualTo(201);

        List<JsonNode> entries = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            LocalApi.Response page = api.get("/v1/members/" + member + "/statement?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), merchantKey);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().get("entries").forEach(entries::add);
            cursor = page.json().hasNonNull("nextCursor") ? page.json().get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isGreaterThan(1);
        assertThat(entries).extracting(e -> e.get("kind").asText()).containsExactly("adjust", "return", "earn", "earn");
        long balance = api.get("/v1/members/" + member, merchantKey).json().at("/balance/available").asLong();
        assertThat(entries.stream().mapToLong(e -> e.get("points").asLong()).sum()).isEqualTo(balance);
        JsonNode order = api.get("/v1/purchases/stmt-2", merchantKey).json();
        assertThat(order.get("points").asLong()).isEqualTo(200);
        assertThat(order.get("returns")).singleElement().satisfies(r -> assertThat(r.get("points").asLong()).isEqualTo(50));
        assertThat(order.get("reversedPoints").asLong()).isEqualTo(50);
    }

    @Test
    void erasure_leavesNoPersonalDataAnywhere_whileTheProgramTotalsStay() {
        String bob = enrol("crm-enrol-bob-01", "Robert Tables", "+447700900777", "bobby.tables@example.net");
        LocalApi.Response patched = api.patch("/v1/members/" + bob, merchantKey, "crm-patch-bob-01",
                "{\"profile\":{\"preferences\":{\"language\":\"en\",\"favouriteDrink\":\"flat white\"}},\"tags\":[\"regular\"],"
                        + "\"externalId\":\"shop-cust-99\"}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        String card = api.get("/v1/members/" + bob, merchantKey).json().at("/card/cardNumber").asText();
        purchase(bob, "bob-1", 30_000);
        long programPointsBefore = programPoints(List.of(adaId, bob));

        LocalApi.Response erased = api.post("/v1/programs/" + programId + "/members/" + bob + "/erasure",
                OPERATOR_KEY, "crm-erase-bob-01", "");

        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(programPoints(List.of(adaId, bob))).as("the ledger stays under the pseudonymous id").isEqualTo(programPointsBefore);
        assertThat(api.get("/v1/purchases/bob-1", merchantKey).json().get("points").asLong()).isEqualTo(300);
        JsonNode member = api.get("/v1/members/" + bob, merchantKey).json();
        assertThat(member.get("status").asText()).isEqualTo("erased");
        assertThat(member.has("profile")).isFalse();
        assertThat(api.get("/v1/members?phone=%2B447700900777", merchantKey).json().get("members")).isEmpty();
        LocalApi.Response byCard = api.post("/v1/purchases", merchantKey, "crm-bob-card-01",
                "{\"cardNumber\":\"" + card + "\",\"orderId\":\"bob-2\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}");
        assertThat(byCard.status()).as(byCard.body()).isEqualTo(409);
        assertThat(byCard.json().get("type").asText()).endsWith("/card-blocked");
        LocalApi.Response byId = api.post("/v1/purchases", merchantKey, "crm-bob-id-01",
                "{\"memberId\":\"" + bob + "\",\"orderId\":\"bob-3\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}");
        assertThat(byId.status()).as(byId.body()).isEqualTo(410);
        assertThat(api.awaitEvent("MemberErased", "memberId", bob).at("/detail/blockedCards/0").asText()).isEqualTo(card);

        List<String> bobsData = List.of("Robert Tables", "+447700900777", "447700900777", "bobby.tables@example.net",
                "flat white", "favouriteDrink", "shop-cust-99");
        String everyItem;
        try (DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder())) {
            // A Scan is fine for a test's own small table; production code never scans.
            everyItem = dynamo.scan(ScanRequest.builder().tableName(runtime.template().table().name()).build())
                    .items().toString();
        }
        String everyEvent = api.events().toString();
        for (String value : bobsData) {
            assertThat(everyItem).as("no item of the table holds " + value).doesNotContain(value);
            assertThat(everyEvent).as("no archived event holds " + value).doesNotContain(value);
        }
        assertThat(everyItem).as("Ada's data is untouched").contains("Ada Lovelace");
    }

    /** What the program's ledger holds for these members: the sum of their balances and of their statements. */
    private static long programPoints(List<String> memberIds) {
        long total = 0;
        for (String id : memberIds) {
            long balance = api.get("/v1/members/" + id, merchantKey).json().at("/balance/available").asLong();
            long entries = 0;
            for (JsonNode entry : api.get("/v1/members/" + id + "/statement?limit=100", merchantKey).json().get("entries")) {
                entries += entry.get("points").asLong();
            }
            assertThat(entries).as("statement of %s adds up to its balance", id).isEqualTo(balance);
            total += balance;
        }
        return total;
    }

    private static String enrol(String key, String name, String phone, String email) {
        LocalApi.Response enrolled = api.post("/v1/members", merchantKey, key,
                "{\"profile\":{\"name\":\"" + name + "\",\"phone\":\"" + phone + "\",\"email\":\"" + email + "\"}}");
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
        return enrolled.json().get("memberId").asText();
    }

    private static void purchase(String memberId, String orderId, long amount) {
        LocalApi.Response purchase = api.post("/v1/purchases", merchantKey, "crm-buy-" + orderId,
                "{\"memberId\":\"" + memberId + "\",\"orderId\":\"" + orderId + "\",\"total\":{\"amount\":" + amount
                        + ",\"currency\":\"EUR\"}}");
        assertThat(purchase.status()).as(purchase.body()).isEqualTo(201);
    }
}
