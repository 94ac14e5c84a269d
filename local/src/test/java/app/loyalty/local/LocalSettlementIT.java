package app.loyalty.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.shared.domain.settlement.MerchantTerms;
import app.loyalty.shared.domain.settlement.PartnerAgreement;
import app.loyalty.shared.domain.settlement.Settlement;
import app.loyalty.shared.domain.settlement.SettlementCalculator;
import app.loyalty.shared.domain.settlement.SettlementEntry;
import app.loyalty.shared.runtime.AwsClients;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Issue 10's "done means" for settlement, over HTTP on the local runtime as the README's curl tour does it: two
 * merchants in one program under a partner agreement; a member earns at A and spends at B; the operator closes the
 * month and reads a settlement in which A owes B exactly the agreed amount, equal to a recompute from the ledger
 * (the member's own ledger partition, read straight from DynamoDB Local). A merchant the agreement leaves out is
 * refused, and the monthly schedule finds the month closed already.
 */
class LocalSettlementIT {
    private static final String OPERATOR_KEY = "settlement-operator-key-0123456789";
    /** A: fee 2.0 cents per 100 points issued (20 per 1,000); B: reimbursed 0.5 cents a point (500 per 1,000). */
    private static final String AGREEMENT = """
            {"merchants":{"%s":{"issue":true,"redeem":true,"issueFeePer1000":20,"reimbursementPer1000":400},
                          "%s":{"issue":true,"redeem":true,"issueFeePer1000":30,"reimbursementPer1000":500}}}""";
    private static LocalRuntime runtime;
    private static LocalApi api;

    @BeforeAll
    static void start() {
        runtime = LocalApi.startRuntime(OPERATOR_KEY);
        api = new LocalApi(runtime.url(), ContractValidator.repositoryContract());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static String merchant(String programId, String name, String key) {
        LocalApi.Response merchant = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, key,
                "{\"name\":\"" + name + "\"}");
        assertThat(merchant.status()).as(merchant.body()).isEqualTo(201);
        return merchant.json().get("merchantId").asText() + " " + merchant.json().get("apiKey").asText();
    }

    @Test
    void memberEarnsAtAAndSpendsAtB_operatorClosesTheMonth_aOwesBTheAgreedAmount_equalToARecomputeFromTheLedger() {
        assertThat(api.post("/_local/clock", null, null, "{\"now\": \"2026-11-10T12:00:00Z\"}").status()).isEqualTo(200);
        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "settle-program-0001",
                "{\"name\":\"High Street\",\"currency\":\"EUR\",\"rules\":{\"pendingDays\":0}}");
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        String programId = program.json().get("programId").asText();
        String[] coffee = merchant(programId, "Coffee A", "settle-merchant-a01").split(" ");
        String[] books = merchant(programId, "Books B", "settle-merchant-b01").split(" ");
        String[] outsider = merchant(programId, "Outsider C", "settle-merchant-c01").split(" ");
        LocalApi.Response agreement = api.put("/v1/programs/" + programId + "/agreement", OPERATOR_KEY,
                "settle-agreement-01", AGREEMENT.formatted(coffee[0], books[0]));
        assertThat(agreement.status()).as(agreement.body()).isEqualTo(200);

        LocalApi.Response member = api.post("/v1/members", coffee[1], "settle-enrol-00001",
                "{\"profile\":{\"name\":\"Ada Lovelace\",\"phone\":\"+447700900123\"}}");
        assertThat(member.status()).as(member.body()).isEqualTo(201);
        String memberId = member.json().get("memberId").asText();
        // Earn 1,000 points at A (1 point per 1.00).
        LocalApi.Response earn = api.post("/v1/purchases", coffee[1], "settle-earn-000001",
                "{\"memberId\":\"" + memberId + "\",\"orderId\":\"coffee-1\",\"total\":{\"amount\":100000,\"currency\":\"EUR\"}}");
        assertThat(earn.status()).as(earn.body()).isEqualTo(201);
        assertThat(earn.json().get("pointsEarned").asLong()).isEqualTo(1_000);
        // The merchant outside the agreement may not issue.
        LocalApi.Response refused = api.post("/v1/purchases", outsider[1], "settle-outsider-001",
                "{\"memberId\":\"" + memberId + "\",\"orderId\":\"c-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("type").asText()).endsWith("/partner-not-allowed");

        // Spend 400 of them at B: hold, then capture.
        assertThat(api.post("/_local/clock", null, null, "{\"now\": \"2026-11-20T15:00:00Z\"}").status()).isEqualTo(200);
        LocalApi.Response hold = api.post("/v1/redemptions", books[1], "settle-hold-000001",
                "{\"memberId\":\"" + memberId + "\",\"orderId\":\"books-1\",\"points\":400}");
        assertThat(hold.status()).as(hold.body()).isEqualTo(201);
        LocalApi.Response capture = api.post("/v1/redemptions/" + hold.json().get("redemptionId").asText() + "/capture",
                books[1], "settle-capture-0001", "");
        assertThat(capture.status()).as(capture.body()).isEqualTo(200);

        // The operator closes November once it is over.
        assertThat(api.post("/_local/clock", null, null, "{\"now\": \"2026-12-01T00:10:00Z\"}").status()).isEqualTo(200);
        LocalApi.Response closed = api.post("/v1/programs/" + programId + "/settlements", OPERATOR_KEY,
                "settle-close-2026-11", "{\"period\":\"2026-11\"}");
        assertThat(closed.status()).as(closed.body()).isEqualTo(201);

        LocalApi.Response read = api.get("/v1/programs/" + programId + "/settlements/2026-11", OPERATOR_KEY);
        assertThat(read.status()).isEqualTo(200);
        JsonNode settlement = read.json();
        assertThat(settlement.get("positions")).hasSize(1);
        JsonNode position = settlement.get("positions").get(0);
        assertThat(position.get("debtorId").asText()).isEqualTo(coffee[0]);
        assertThat(position.get("creditorId").asText()).isEqualTo(books[0]);
        assertThat(position.get("points").asLong()).isEqualTo(400);
        assertThat(position.get("amount").asLong()).as("400 points x 500 / 1,000").isEqualTo(200);

        // Recompute from the member's ledger entries, read straight from the table with the agreed terms.
        Settlement recomputed = recompute(programId, memberId, new PartnerAgreement(Map.of(
                coffee[0], new MerchantTerms(true, true, 20, 400, null, null),
                books[0], new MerchantTerms(true, true, 30, 500, null, null))));
        assertThat(recomputed.positions()).containsExactly(new Settlement.Position(coffee[0], books[0], 400, 200));
        assertThat(recomputed.line(coffee[0]).netPosition()).isEqualTo(-200);
        for (JsonNode line : settlement.get("merchants")) {
            Settlement.MerchantLine expected = recomputed.line(line.get("merchantId").asText());
            assertThat(line.get("issued").asLong()).isEqualTo(expected.issued());
            assertThat(line.get("redeemedAt").asLong()).isEqualTo(expected.redeemedAt());
            assertThat(line.get("feesOwed").asLong()).isEqualTo(expected.feesOwed());
            assertThat(line.get("netPosition").asLong()).isEqualTo(expected.netPosition());
        }

        LocalApi.Response csv = api.get("/v1/programs/" + programId + "/settlements/2026-11?format=csv", OPERATOR_KEY);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.body()).contains("2026-11," + coffee[0] + "," + books[0] + ",,,,,,,,,,,-200,EUR");

        // Merchant A reads its own part: its line and its position against B, the same net as the operator's;
        // B's line and terms are left out. As CSV too. Another program's merchant gets 404.
        LocalApi.Response own = api.get("/v1/programs/" + programId + "/settlements/2026-11", coffee[1]);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(own.json().get("merchantId").asText()).isEqualTo(coffee[0]);
        assertThat(own.json().get("merchants")).singleElement()
                .satisfies(line -> assertThat(line.get("merchantId").asText()).isEqualTo(coffee[0]));
        JsonNode operatorsLineOfA = null;
        for (JsonNode line : settlement.get("merchants")) {
            if (line.get("merchantId").asText().equals(coffee[0])) {
                operatorsLineOfA = line;
            }
        }
        assertThat(own.json().get("merchants").get(0)).isEqualTo(operatorsLineOfA);
        JsonNode netAgainstB = own.json().at("/merchants/0/partners/0");
        assertThat(netAgainstB.get("partnerId").asText()).isEqualTo(books[0]);
        assertThat(netAgainstB.get("amount").asLong()).as("A owes B 200, as in the operator's settlement").isEqualTo(-200);
        assertThat(own.json().get("positions")).singleElement().isEqualTo(position);
        assertThat(own.json().get("terms").fieldNames()).toIterable().containsExactly(coffee[0]);
        assertThat(own.body()).doesNotContain("\"merchantId\":\"" + books[0]);
        LocalApi.Response ownCsv = api.get("/v1/programs/" + programId + "/settlements/2026-11?format=csv", coffee[1]);
        assertThat(ownCsv.status()).isEqualTo(200);
        assertThat(ownCsv.body()).contains("2026-11," + coffee[0] + "," + books[0] + ",,,,,,,,,,,-200,EUR")
                .doesNotContain("2026-11," + books[0] + ",");
        LocalApi.Response otherProgram = api.post("/v1/programs", OPERATOR_KEY, "settle-program-0002",
                "{\"name\":\"Elsewhere\",\"currency\":\"EUR\"}");
        String[] stranger = merchant(otherProgram.json().get("programId").asText(), "Stranger", "settle-merchant-x01")
                .split(" ");
        assertThat(api.get("/v1/programs/" + programId + "/settlements/2026-11", stranger[1]).status())
                .as("another program's merchant").isEqualTo(404);

        LocalApi.Response liability = api.get("/v1/programs/" + programId + "/liability", OPERATOR_KEY);
        assertThat(liability.status()).as(liability.body()).isEqualTo(200);
        assertThat(liability.json().get("totalOutstandingPoints").asLong()).isEqualTo(600);

        assertThat(api.post("/v1/programs/" + programId + "/settlements", OPERATOR_KEY, "settle-close-again-1",
                "{\"period\":\"2026-11\"}").status()).as("closed months never change").isEqualTo(409);
        LocalApi.Response run = api.post("/_local/schedules/MonthlySettlement", null, null, "");
        assertThat(run.status()).as(run.body()).isEqualTo(200);
        assertThat(api.awaitEvent("SettlementClosed", "programId", programId).at("/detail/cleared").asLong())
                .isEqualTo(200);
    }

    private static Settlement recompute(String programId, String memberId, PartnerAgreement agreement) {
        try (DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder().endpointOverride(runtime.dynamoEndpoint()))) {
            List<SettlementEntry> entries = new ArrayList<>();
            dynamo.query(QueryRequest.builder().tableName(System.getProperty("TABLE_NAME"))
                    .keyConditionExpression("PK = :pk AND begins_with(SK, :entry)")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(MemberRepository.memberPk(memberId)),
                            ":entry", Attr.s(LedgerEntryItems.ENTRY_PREFIX))).build())
                    .items().forEach(item -> entries.add(LedgerEntryItems.settlementEntry(item)));
            return SettlementCalculator.settle(programId, "2026-11", Instant.parse("2026-11-01T00:00:00Z"),
                    Instant.parse("2026-12-01T00:00:00Z"), "EUR", agreement, entries);
        }
    }
}
