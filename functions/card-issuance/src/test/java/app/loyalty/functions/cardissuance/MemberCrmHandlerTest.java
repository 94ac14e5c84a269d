package app.loyalty.functions.cardissuance;

import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.member.ContactHasher;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The member CRM routes (docs/members.md) against DynamoDB Local, every exchange held to openapi.yaml. */
class MemberCrmHandlerTest {
    private static final String ADA = """
            {"profile":{"name":"Ada Lovelace","phone":"+447700900123","email":"Ada@Example.com","birthDate":"1990-12-10",
             "preferences":{"language":"en","shoeSize":"38"}},
             "consents":{"sms":true,"email":false,"push":false},"externalId":"crm-4711"}""";
    /** Every personal value Ada's enrolment or updates store, as an erasure must leave none of them anywhere. */
    private static final List<String> ADA_PII = List.of("Ada Lovelace", "+447700900123", "ada@example.com",
            "Ada@Example.com", "1990-12-10", "shoeSize", "crm-4711", "+447700900999", "ada.l@example.org", "Ada King");

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private Caller merchant;
    private Caller sameProgramsOtherMerchant;
    private Caller otherProgramsMerchant;
    private int keys;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        handler = ContractChecked.handler(new CardIssuanceHandler(context, new ContactHasher(ContactHasher.TEST_KEY)));
        // Real-shaped ids: the events carry them and are held to their schemas (docs/events/).
        merchant = Caller.merchant(Ids.newId("mch"), createProgram(Ids.newId("prg")));
        sameProgramsOtherMerchant = Caller.merchant(Ids.newId("mch"), merchant.programId());
        otherProgramsMerchant = Caller.merchant(Ids.newId("mch"), createProgram(Ids.newId("prg")));
    }

    /** Every event a test made (MemberEnrolled, CardIssued, PointsAdjusted, MemberErased) matches docs/events/. */
    @org.junit.jupiter.api.AfterEach
    void everyEventMatchesItsSchema() {
        assertThat(app.loyalty.shared.testing.EventSchemas.violations(outboxEvents().stream()
                .map(app.loyalty.shared.events.Outbox::decode).toList())).isEmpty();
    }

    // --- uniqueness -------------------------------------------------------------------------------------------------

    @Test
    void enrol_refusesSecondMemberWithSamePhone_namingTheExistingMember() {
        String ada = memberId(enrol(merchant, ADA));

        APIGatewayV2HTTPResponse again = enrol(merchant, """
                {"profile":{"name":"Someone Else","phone":"+447700900123"}}""");

        assertProblem(again, 409, "member-exists");
        assertThat(json(again).get("memberId").asText()).isEqualTo(ada);
        assertThat(json(again).get("matchedOn").asText()).isEqualTo("phone");
        assertThat(items("PROFILE")).hasSize(1);
        assertThat(items("CARD")).as("nothing of the refused enrolment is written").hasSize(1);
    }

    @Test
    void enrol_refusesSameEmailInAnotherCase_andAnotherMerchantOfTheProgramSeesTheMemberToo() {
        String ada = memberId(enrol(merchant, ADA));

        APIGatewayV2HTTPResponse again = enrol(sameProgramsOtherMerchant, """
                {"profile":{"name":"Ada","email":"  ada@EXAMPLE.com "}}""".replace("  ada@EXAMPLE.com ", "ADA@example.COM"));

        assertProblem(again, 409, "member-exists");
        assertThat(json(again).get("memberId").asText()).isEqualTo(ada);
        assertThat(json(again).get("matchedOn").asText()).isEqualTo("email");
    }

    @Test
    void contactsAreUniquePerProgram_andExternalIdsPerMerchant() {
        enrol(merchant, ADA);

        assertThat(enrol(otherProgramsMerchant, ADA).getStatusCode()).as("another program").isEqualTo(201);
        APIGatewayV2HTTPResponse sameId = enrol(merchant, """
                {"profile":{"name":"Bob","phone":"+447700900555"},"externalId":"crm-4711"}""");
        assertProblem(sameId, 409, "member-exists");
        assertThat(json(sameId).get("matchedOn").asText()).isEqualTo("externalId");
        assertThat(enrol(sameProgramsOtherMerchant, """
                {"profile":{"name":"Bob","phone":"+447700900555"},"externalId":"crm-4711"}""").getStatusCode())
                .as("another merchant's customer id space").isEqualTo(201);
    }

    @Test
    void uniquenessItems_holdAKeyedHashNeverTheContact() {
        enrol(merchant, ADA);

        List<Map<String, AttributeValue>> unique = items("UNIQUE");
        assertThat(unique).hasSize(3);
        assertThat(unique.toString()).doesNotContain("447700900123", "example.com", "crm-4711");
        // The key is keyed: the same phone under another key gives another item key.
        String otherKeyDigest = new ContactHasher("x".repeat(40)).hash(ContactHasher.Kind.PHONE, "+447700900123");
        assertThat(unique.toString()).doesNotContain(otherKeyDigest)
                .contains(new ContactHasher(ContactHasher.TEST_KEY).hash(ContactHasher.Kind.PHONE, "+447700900123"));
    }

    // --- lookup and list ----------------------------------------------------------------------------------------------

    @Test
    void lookUp_findsTheMemberByEmailPhoneAndExternalId_andNothingForOthers() {
        String ada = memberId(enrol(merchant, ADA));

        assertThat(lookUp(merchant, "email", " ADA@example.com")).containsExactly(ada);
        assertThat(lookUp(merchant, "phone", "+447700900123")).containsExactly(ada);
        assertThat(lookUp(merchant, "phone", " 447700900123")).as("a + sent unencoded arrives as a space").containsExactly(ada);
        assertThat(lookUp(merchant, "externalId", "crm-4711")).containsExactly(ada);
        assertThat(lookUp(sameProgramsOtherMerchant, "externalId", "crm-4711")).as("another merchant's id").isEmpty();
        assertThat(lookUp(otherProgramsMerchant, "email", "ada@example.com")).as("another program").isEmpty();
        assertThat(lookUp(merchant, "email", "nobody@example.com")).isEmpty();
        assertProblem(handler.handleRequest(get("GET /v1/members", Map.of(),
                Map.of("email", "ada@example.com", "phone", "+447700900123"), merchant), null), 400, "validation-failed");
    }

    @Test
    void list_pagesEveryMemberOnceAcrossShards_andFiltersByTagAndEnrolment() {
        Set<String> enrolled = new HashSet<>();
        for (int i = 0; i < 9; i++) {
            clock.advance(Duration.ofHours(1));
            enrolled.add(memberId(enrol(merchant, "{\"profile\":{\"name\":\"M" + i + "\",\"phone\":\"+44770090" + (1000 + i) + "\"}}")));
        }
        Instant afterFirstSix = clock.instant().minus(Duration.ofMinutes(150));
        String tagged = enrolled.iterator().next();
        patch(tagged, "{\"tags\":[\"vip\"]}");

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> query = new HashMap<>(Map.of("limit", "2"));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonNode page = json(handler.handleRequest(get("GET /v1/members", Map.of(), query, merchant), null));
            page.get("members").forEach(m -> seen.add(m.get("memberId").asText()));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 50);

        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(enrolled);
        assertThat(listIds(Map.of("tag", "vip"))).containsExactly(tagged);
        assertThat(listIds(Map.of("enrolledFrom", afterFirstSix.toString()))).hasSize(3);
        assertThat(listIds(Map.of("tier", "nonexistent"))).isEmpty();
        assertProblem(handler.handleRequest(get("GET /v1/members", Map.of(), Map.of("cursor", "bm9wZQ"), merchant), null),
                400, "validation-failed");
    }

    // --- statement and adjustments ----------------------------------------------------------------------------------

    @Test
    void statement_pagesTheLedgerNewestFirst_withKindsReasonsAndDateFilter() {
        String ada = memberId(enrol(merchant, ADA));
        for (int i = 1; i <= 5; i++) {
            clock.advance(Duration.ofDays(1));
            assertThat(adjust(ada, "{\"points\":" + (i * 100) + ",\"reason\":\"goodwill\"}").getStatusCode()).isEqualTo(201);
        }
        clock.advance(Duration.ofDays(1));
        assertThat(adjust(ada, "{\"points\":-250,\"reason\":\"correction\"}").getStatusCode()).isEqualTo(201);

        JsonNode first = statement(ada, Map.of("limit", "4"));
        JsonNode second = statement(ada, Map.of("limit", "4", "cursor", first.get("nextCursor").asText()));

        assertThat(first.get("entries")).hasSize(4);
        assertThat(first.at("/entries/0/points").asLong()).isEqualTo(-250);
        assertThat(first.at("/entries/0/kind").asText()).isEqualTo("adjust");
        assertThat(first.at("/entries/0/reason").asText()).isEqualTo("correction");
        assertThat(first.at("/entries/0/actor").asText()).isEqualTo("operator");
        assertThat(second.get("entries")).hasSize(2);
        assertThat(second.has("nextCursor")).isFalse();
        assertThat(second.at("/entries/1/points").asLong()).as("oldest last").isEqualTo(100);
        JsonNode window = statement(ada, Map.of("from", "2026-11-25", "to", "2026-11-27"));
        assertThat(window.get("entries")).extracting(e -> e.get("points").asLong()).containsExactly(300L, 200L);
        JsonNode member = json(handler.handleRequest(get("GET /v1/members/{memberId}", Map.of("memberId", ada), Map.of(), merchant), null));
        assertThat(member.at("/balance/available").asLong()).isEqualTo(1500 - 250);
    }

    @Test
    void adjust_neverTakesTheBalanceBelowZero_andIsIdempotent() {
        String ada = memberId(enrol(merchant, ADA));
        APIGatewayV2HTTPResponse give = adjust(ada, "adjust-key-0001", "{\"points\":100,\"reason\":\"goodwill\"}");
        APIGatewayV2HTTPResponse replay = adjust(ada, "adjust-key-0001", "{\"points\":100,\"reason\":\"goodwill\"}");

        APIGatewayV2HTTPResponse tooMuch = adjust(ada, "{\"points\":-101,\"reason\":\"correction\"}");

        assertThat(replay.getBody()).isEqualTo(give.getBody());
        assertProblem(tooMuch, 422, "insufficient-points");
        assertThat(json(tooMuch).get("pointsAvailable").asLong()).isEqualTo(100);
        assertThat(json(adjust(ada, "{\"points\":-100,\"reason\":\"correction\"}")).at("/balance/available").asLong()).isZero();
        assertThat(items("ENTRY#")).hasSize(2);
        assertProblem(handler.handleRequest(post("POST /v1/programs/{programId}/members/{memberId}/adjustments",
                Map.of("programId", otherProgramsMerchant.programId(), "memberId", ada), Caller.operator(), "adjust-key-0009",
                "{\"points\":5,\"reason\":\"goodwill\"}"), null), 404, "not-found");
        assertProblem(handler.handleRequest(post("POST /v1/programs/{programId}/members/{memberId}/adjustments",
                Map.of("programId", merchant.programId(), "memberId", ada), merchant, "adjust-key-0010",
                "{\"points\":5,\"reason\":\"goodwill\"}"), null), 403, "forbidden");
    }

    // --- PATCH -------------------------------------------------------------------------------------------------------

    @Test
    void patch_movesTheUniquenessOfAChangedPhone_andRefusesAnotherMembersEmail() {
        String ada = memberId(enrol(merchant, ADA));
        String bob = memberId(enrol(merchant, "{\"profile\":{\"name\":\"Bob\",\"email\":\"bob@example.com\"}}"));

        JsonNode changed = json(patch(ada, """
                {"profile":{"phone":"+447700900999"},"consents":{"sms":false,"email":true},"tags":["vip","b2b"]}"""));
        APIGatewayV2HTTPResponse taken = patch(ada, "{\"profile\":{\"email\":\"BOB@example.com\"}}");

        assertThat(changed.at("/profile/phone").asText()).isEqualTo("+447700900999");
        assertThat(changed.at("/consents/email").asBoolean()).isTrue();
        assertThat(changed.get("tags")).extracting(JsonNode::asText).containsExactly("b2b", "vip");
        assertProblem(taken, 409, "member-exists");
        assertThat(json(taken).get("memberId").asText()).isEqualTo(bob);
        assertThat(lookUp(merchant, "phone", "+447700900999")).containsExactly(ada);
        assertThat(lookUp(merchant, "phone", "+447700900123")).as("the old phone is released").isEmpty();
        assertThat(enrol(merchant, "{\"profile\":{\"name\":\"New\",\"phone\":\"+447700900123\"}}").getStatusCode()).isEqualTo(201);
        assertThat(items("UNIQUE")).as("ada: phone, email, id; bob: email; new: phone").hasSize(5);
    }

    // --- erasure -----------------------------------------------------------------------------------------------------

    @Test
    void erase_leavesNoPersonalDataInAnyItem_keepsTheLedger_andBlocksTheCard() {
        JsonNode enrolled = json(enrol(merchant, ADA));
        String ada = enrolled.get("memberId").asText();
        String card = enrolled.at("/card/cardNumber").asText();
        adjust(ada, "{\"points\":700,\"reason\":\"goodwill\"}");
        patch(ada, "{\"profile\":{\"name\":\"Ada King\",\"phone\":\"+447700900999\",\"email\":\"ada.l@example.org\"},\"tags\":[\"vip\"]}");
        assertThat(allItems().toString()).as("the personal data is there before").contains("Ada King", "+447700900999");

        APIGatewayV2HTTPResponse erased = erase(ada, "erase-key-0001");
        APIGatewayV2HTTPResponse again = erase(ada, "erase-key-0002");

        assertThat(erased.getStatusCode()).isEqualTo(200);
        assertThat(json(erased).get("blockedCards")).extracting(JsonNode::asText).containsExactly(card);
        assertThat(again.getStatusCode()).isEqualTo(200);
        String everything = allItems().toString();
        for (String pii : ADA_PII) {
            assertThat(everything).as("no item holds " + pii).doesNotContain(pii);
        }
        assertThat(items("UNIQUE")).as("every uniqueness item of the member is gone").isEmpty();
        JsonNode member = json(handler.handleRequest(get("GET /v1/members/{memberId}", Map.of("memberId", ada), Map.of(), merchant), null));
        assertThat(member.get("status").asText()).isEqualTo("erased");
        assertThat(member.has("profile")).isFalse();
        assertThat(member.at("/balance/available").asLong()).as("the ledger stays: totals unchanged").isEqualTo(700);
        assertThat(statement(ada, Map.of()).get("entries")).hasSize(1);
        JsonNode cardView = json(handler.handleRequest(get("GET /v1/cards/{cardNumber}", Map.of("cardNumber", card), Map.of(), merchant), null));
        assertThat(cardView.get("status").asText()).isEqualTo("blocked");
        assertThat(cardView.get("blockReason").asText()).isEqualTo("erased");
        assertThat(listIds(Map.of())).as("out of the member index").isEmpty();
        assertProblem(patch(ada, "{\"tags\":[\"x\"]}"), 410, "member-erased");
        assertProblem(adjust(ada, "{\"points\":5,\"reason\":\"goodwill\"}"), 410, "member-erased");
        assertThat(enrol(merchant, ADA).getStatusCode()).as("the contacts are free again").isEqualTo(201);
        assertThat(outboxEvents()).anySatisfy(e -> assertThat(e).contains("\"detailType\":\"MemberErased\"").contains(ada));
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    private APIGatewayV2HTTPResponse enrol(Caller caller, String body) {
        return handler.handleRequest(post("POST /v1/members", caller, "enrol-key-" + ++keys, body), null);
    }

    private APIGatewayV2HTTPResponse patch(String memberId, String body) {
        // TestRequests.post builds any method's event from its route key; PATCH takes a body and a key as POST does.
        return handler.handleRequest(post("PATCH /v1/members/{memberId}", Map.of("memberId", memberId), merchant,
                "patch-key-" + ++keys, body), null);
    }

    private APIGatewayV2HTTPResponse adjust(String memberId, String body) {
        return adjust(memberId, "adjust-key-" + ++keys, body);
    }

    private APIGatewayV2HTTPResponse adjust(String memberId, String key, String body) {
        return handler.handleRequest(post("POST /v1/programs/{programId}/members/{memberId}/adjustments",
                Map.of("programId", merchant.programId(), "memberId", memberId), Caller.operator(), key, body), null);
    }

    private APIGatewayV2HTTPResponse erase(String memberId, String key) {
        return handler.handleRequest(post("POST /v1/programs/{programId}/members/{memberId}/erasure",
                Map.of("programId", merchant.programId(), "memberId", memberId), Caller.operator(), key, ""), null);
    }

    private JsonNode statement(String memberId, Map<String, String> query) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(get("GET /v1/members/{memberId}/statement",
                Map.of("memberId", memberId), query, merchant), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return json(response);
    }

    private List<String> lookUp(Caller caller, String key, String value) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(get("GET /v1/members", Map.of(), Map.of(key, value), caller), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        json(response).get("members").forEach(m -> ids.add(m.get("memberId").asText()));
        return ids;
    }

    private List<String> listIds(Map<String, String> query) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(get("GET /v1/members", Map.of(), query, merchant), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        json(response).get("members").forEach(m -> ids.add(m.get("memberId").asText()));
        return ids;
    }

    private static String memberId(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        return json(response).get("memberId").asText();
    }

    private String createProgram(String programId) {
        Instant now = clock.instant();
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program(programId, "Coffee Club", "EUR", ProgramRules.DEFAULT, now, now, 1))).build());
        return programId;
    }

    private List<Map<String, AttributeValue>> allItems() {
        // A Scan is fine in a test on its own small table; production code never scans.
        return context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items();
    }

    private List<Map<String, AttributeValue>> items(String sortKeyPrefix) {
        return allItems().stream().filter(item -> item.get(TableSchema.SK).s().startsWith(sortKeyPrefix)).toList();
    }

    private List<String> outboxEvents() {
        return allItems().stream().filter(item -> item.containsKey(TableSchema.OUTBOX))
                .flatMap(item -> item.get(TableSchema.OUTBOX).l().stream().map(AttributeValue::s)).toList();
    }
}
