package app.loyalty.functions.cardissuance;

import app.loyalty.shared.testing.ContractChecked;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import app.loyalty.shared.domain.member.CardNumber;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

class CardIssuanceHandlerTest {
    private static final String ENROL = """
            {"profile":{"name":"Ada Lovelace","phone":"+447700900123","email":"ada@example.com","birthDate":"1990-12-10"},
             "consents":{"sms":true,"email":false,"push":false},"kind":"customer"}""";

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    /** Every exchange is held to openapi.yaml (ContractChecked). */
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private Caller merchant;
    private Caller otherProgramsMerchant;

    /** The table the handler runs on: in-process DynamoDB Local here; {@link CardIssuanceIT} runs every test on the emulator. */
    AppContext newContext(java.time.Clock clock) {
        return TestContexts.appContext(clock);
    }

    @BeforeEach
    void setUp() {
        context = newContext(clock);
        handler = ContractChecked.handler(new CardIssuanceHandler(context));
        merchant = Caller.merchant("mch_a", createProgram("prg_a"));
        otherProgramsMerchant = Caller.merchant("mch_b", createProgram("prg_b"));
    }

    @ParameterizedTest
    @Event(value = "api/enrol-member.json", type = APIGatewayV2HTTPEvent.class)
    void enrol_answersMemberWithValidFirstCard_forRealShapedEvent(APIGatewayV2HTTPEvent event) {
        event.getRequestContext().getAuthorizer().setLambda(new HashMap<>(merchant.toAuthorizerContext()));

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        JsonNode member = json(response);
        assertThat(member.get("programId").asText()).isEqualTo(merchant.programId());
        assertThat(member.get("kind").asText()).isEqualTo("customer");
        assertThat(CardNumber.isValid(member.at("/card/cardNumber").asText())).isTrue();
        assertThat(member.at("/balance/available").asLong()).isZero();
        assertThat(member.has("profile")).as("enrolment answers no PII: it is stored for replays").isFalse();
    }

    @Test
    void enrol_keepsPersonalDataOutOfTheIdempotencyRecord_whileReadShowsIt() {
        String memberId = json(enrol("pii-key-00001", ENROL)).get("memberId").asText();

        assertThat(itemsWithSortKey("IDEMPOTENCY").toString())
                .doesNotContain("Ada", "+447700900123", "ada@example.com", "1990-12-10");
        JsonNode read = json(handler.handleRequest(
                get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(), merchant), null));
        assertThat(read.at("/profile/phone").asText()).isEqualTo("+447700900123");
    }

    @Test
    void enrol_replaysStoredResponseAndCreatesNoSecondMember_whenIdempotencyKeyRepeated() {
        APIGatewayV2HTTPResponse first = enrol("enrol-key-0001", ENROL);
        APIGatewayV2HTTPResponse replay = enrol("enrol-key-0001", ENROL);

        assertThat(replay.getStatusCode()).isEqualTo(201);
        assertThat(replay.getBody()).isEqualTo(first.getBody());
        assertThat(replay.getHeaders()).containsEntry("Idempotent-Replayed", "true");
        assertThat(itemsWithSortKey("PROFILE")).hasSize(1);
        assertThat(itemsWithSortKey("CARD")).hasSize(1);
    }

    @Test
    void enrol_isScopedPerMerchant_soAnotherMerchantsSameKeyEnrolsItsOwnMember() {
        enrol("shared-key-0001", ENROL);
        APIGatewayV2HTTPResponse other = handler.handleRequest(
                post("POST /v1/members", otherProgramsMerchant, "shared-key-0001", ENROL), null);

        assertThat(other.getStatusCode()).isEqualTo(201);
        assertThat(itemsWithSortKey("PROFILE")).hasSize(2);
    }

    @Test
    void enrol_is422AndWritesNothing_whenKeyReusedWithAnotherBody() {
        enrol("enrol-key-0002", ENROL);
        APIGatewayV2HTTPResponse reused = enrol("enrol-key-0002", ENROL.replace("Ada Lovelace", "Charles Babbage"));

        assertProblem(reused, 422, "idempotency-key-reused");
        assertThat(itemsWithSortKey("PROFILE")).hasSize(1);
    }

    @Test
    void enrol_is400_withoutIdempotencyKey() {
        assertProblem(enrol(null, ENROL), 400, "idempotency-key-missing");
        assertThat(itemsWithSortKey("PROFILE")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\"},\"vip\":true}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"07700 900123\"}}",
            "{\"profile\":{\"name\":\"Ada\",\"email\":\"not-an-address\"}}",
            "{\"profile\":{\"name\":\"Ada\"}}",
            "{\"profile\":{\"name\":\"\",\"phone\":\"+447700900123\"}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"birthDate\":\"2999-01-01\"}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\"},\"kind\":\"vip\"}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\"},\"consents\":{\"sms\":\"yes\"}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"preferences\":{\"language\":null}}}",
            "{\"consents\":{\"sms\":true}}",
            "{\"profile\":{\"name\":\"Ada\\u202e\",\"phone\":\"+447700900123\"}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"preferences\":{\"language\":5}}}",
            "{\"profile\":{\"name\":\"Ada\\ud800\",\"phone\":\"+447700900123\"}}",
            "{\"profile\":{\"name\":\"\\ude00Ada\",\"phone\":\"+447700900123\"}}",
            "{\"profile\":{\"name\":\"Ada\\u2066\",\"phone\":\"+447700900123\"}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"preferences\":{\"language\":\"en\\u0000\"}}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"preferences\":{\"language\":\"en\\udbff\"}}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"preferences\":{\"language\":\"\\u202een\"}}}",
            // Dates are YYYY-MM-DD only (openapi.yaml format: date), as the contract fuzz found Jackson lenient.
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"birthDate\":\" 1990-12-10\"}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"birthDate\":\"1990-12-10T00:00:00Z\"}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"birthDate\":[1990,12,10]}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"birthDate\":\"1990-02-30\"}}",
            "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\"},\"kind\":\" staff\"}"})
    void enrol_is400AndWritesNothing_forInvalidInput(String body) {
        APIGatewayV2HTTPResponse response = enrol("invalid-key-0001", body);

        assertProblem(response, 400, "validation-failed");
        assertThat(json(response).get("detail").asText()).isNotBlank();
        assertThat(itemsWithSortKey("PROFILE")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1990,12,10]", "660787200", "\"660787200\"", "\"1990-12-10T00:00:00Z\"", "\"10.12.1990\"",
            "\"1990-2-1\"", "\"1990-02-30\"", "\"\"", "{\"year\":1990}"})
    void enrol_is400NamingTheField_forABirthDateNotWrittenAsYyyyMmDd(String birthDate) {
        APIGatewayV2HTTPResponse response = enrol("birthdate-key-01",
                "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\",\"birthDate\":" + birthDate + "}}");

        assertProblem(response, 400, "validation-failed");
        assertThat(json(response).get("detail").asText())
                .isEqualTo("'profile.birthDate' must be a date as YYYY-MM-DD, such as 1990-12-10");
        assertThat(itemsWithSortKey("PROFILE")).isEmpty();
    }

    @Test
    void enrol_storesNamesAndPreferencesInNfc() {
        String memberId = json(enrol("nfc-key-000001", """
                {"profile":{"name":"Zoe\u0308 Lovelace","phone":"+447700900123","preferences":{"city":"Ko\u0308ln"}}}"""))
                .get("memberId").asText();

        JsonNode read = json(handler.handleRequest(
                get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(), merchant), null));

        assertThat(read.at("/profile/name").asText()).isEqualTo("Zo\u00eb Lovelace");
        assertThat(read.at("/profile/preferences/city").asText()).isEqualTo("K\u00f6ln");
    }

    @Test
    void readMember_showsTierAndDiscountFromTheRollingSpendPurchasesKeep() {
        Instant now = clock.instant();
        ProgramRules rules = new ProgramRules(null, null, 14, null,
                new ProgramRules.Discount(ProgramRules.Discount.Scheme.CUMULATIVE, 0,
                        List.of(new ProgramRules.Discount.Step(0, 0), new ProgramRules.Discount.Step(10_000, 500)), 90, 5000),
                List.of(new ProgramRules.Tier("base", 0), new ProgramRules.Tier("gold", 10_000)));
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program("prg_tiers", "Tiers", "EUR", rules, now, now, 1))).build());
        Caller tiers = Caller.merchant("mch_t", "prg_tiers");
        String memberId = json(handler.handleRequest(post("POST /v1/members", tiers, "tier-key-0001", ENROL), null))
                .get("memberId").asText();
        // what purchase-accrual keeps on the profile: net spend by UTC day; 2026-08-20 is outside the 90-day window
        context.dynamo().updateItem(b -> b.tableName(context.tableName())
                .key(app.loyalty.shared.store.MemberRepository.profileKey(memberId))
                .updateExpression("SET spendByDay = :days")
                .expressionAttributeValues(Map.of(":days", AttributeValue.fromM(Map.of(
                        "2026-08-20", AttributeValue.fromN("50000"), "2026-10-05", AttributeValue.fromN("6000"),
                        "2026-11-20", AttributeValue.fromN("4000"))))));

        JsonNode read = json(handler.handleRequest(
                get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(), tiers), null));

        assertThat(read.get("rollingSpend").asLong()).isEqualTo(10_000);
        assertThat(read.get("tier").asText()).isEqualTo("gold");
        assertThat(read.get("discountBp").asInt()).isEqualTo(500);
    }

    @Test
    void readMember_countsALegacyMonthBucketOnItsLastDay_untilTheNextWriteConvertsIt() {
        Instant now = clock.instant();
        ProgramRules rules = new ProgramRules(null, null, 14, null,
                new ProgramRules.Discount(ProgramRules.Discount.Scheme.CUMULATIVE, 0,
                        List.of(new ProgramRules.Discount.Step(0, 0), new ProgramRules.Discount.Step(10_000, 500)), 90, 5000),
                List.of(new ProgramRules.Tier("base", 0), new ProgramRules.Tier("gold", 10_000)));
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program("prg_legacy", "Legacy", "EUR", rules, now, now, 1))).build());
        Caller legacy = Caller.merchant("mch_l", "prg_legacy");
        String memberId = json(handler.handleRequest(post("POST /v1/members", legacy, "legacy-key-0001", ENROL), null))
                .get("memberId").asText();
        // a profile written before the day figures: month buckets only. June (last day 30 June) is out of the window.
        context.dynamo().updateItem(b -> b.tableName(context.tableName())
                .key(app.loyalty.shared.store.MemberRepository.profileKey(memberId))
                .updateExpression("SET spendByMonth = :months REMOVE spendByDay")
                .expressionAttributeValues(Map.of(":months", AttributeValue.fromM(Map.of(
                        "2026-06", AttributeValue.fromN("50000"), "2026-10", AttributeValue.fromN("6000"),
                        "2026-11", AttributeValue.fromN("4000"))))));

        JsonNode read = json(handler.handleRequest(
                get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(), legacy), null));

        assertThat(read.get("rollingSpend").asLong()).isEqualTo(10_000);
        assertThat(read.at("/discount/discountBp").asInt()).isEqualTo(500);
        // October's 60.00 counts as spent on 31 October: it leaves the 90-day window on 29 January
        assertThat(read.at("/discount/keep/by").asText()).isEqualTo("2027-01-28");
    }

    @Test
    void enrol_treatsAConsentLeftOutAsNoConsent() {
        JsonNode member = json(enrol("consent-key-0001",
                "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\"},\"consents\":{\"sms\":true}}"));

        assertThat(member.at("/consents/sms").asBoolean()).isTrue();
        assertThat(member.at("/consents/email").asBoolean()).isFalse();
        assertThat(member.at("/consents/push").asBoolean()).isFalse();
    }

    @Test
    void readMember_is404_forAnIdLongerThanAnyId() {
        assertProblem(handler.handleRequest(get("GET /v1/members/{memberId}", Map.of("memberId", "m".repeat(3000)),
                Map.of(), merchant), null), 404, "not-found");
    }

    @Test
    void enrol_is400_forMalformedJson() {
        assertProblem(enrol("malformed-key-0001", "{\"profile\":"), 400, "malformed-json");
    }

    @Test
    void enrol_is413_forOversizeBody() {
        String huge = ENROL.replace("Ada Lovelace", "A".repeat(ApiRequest.MAX_BODY_BYTES));
        assertProblem(enrol("huge-key-00001", huge), 413, "payload-too-large");
    }

    @Test
    void enrol_is403_forOperatorKey() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                post("POST /v1/members", Caller.operator(), "operator-key-01", ENROL), null);
        assertProblem(response, 403, "forbidden");
    }

    @Test
    void enrol_writesMemberEnrolledAndCardIssuedToOutbox_withoutPersonalData() {
        String memberId = json(enrol("outbox-key-0001", ENROL)).get("memberId").asText();

        List<String> outbox = itemsWithSortKey("IDEMPOTENCY").getFirst().get(TableSchema.OUTBOX).l().stream()
                .map(AttributeValue::s).toList();

        assertThat(outbox).hasSize(2);
        assertThat(outbox.get(0)).contains("\"MemberEnrolled\"", memberId);
        assertThat(outbox.get(1)).contains("\"CardIssued\"", memberId);
        assertThat(String.join("", outbox)).doesNotContain("Ada", "+447700900123", "ada@example.com", "1990-12-10");
    }

    @Test
    void readMember_andCard_areNotFound_forAnotherProgramsMerchant() {
        JsonNode member = json(enrol("scope-key-0001", ENROL));
        String memberId = member.get("memberId").asText();
        String cardNumber = member.at("/card/cardNumber").asText();

        assertThat(handler.handleRequest(get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(), merchant), null)
                .getStatusCode()).isEqualTo(200);
        assertProblem(handler.handleRequest(
                get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(), otherProgramsMerchant), null), 404, "not-found");
        assertProblem(handler.handleRequest(
                get("GET /v1/cards/{cardNumber}", Map.of("cardNumber", cardNumber), Map.of(), otherProgramsMerchant), null), 404, "not-found");
        assertProblem(handler.handleRequest(post("POST /v1/cards/{cardNumber}/replace", Map.of("cardNumber", cardNumber),
                otherProgramsMerchant, "foreign-replace-01", "{}"), null), 404, "not-found");
        assertThat(readCard(cardNumber).getStatusCode()).isEqualTo(200);
    }

    @Test
    void readCard_is400_forNumberWithWrongCheckDigit() {
        assertProblem(readCard("8000000000000004"), 400, "validation-failed");
    }

    @Test
    void replaceCard_blocksOldCardAndMovesMemberToNewNumber() {
        JsonNode member = json(enrol("replace-key-0001", ENROL));
        String oldCard = member.at("/card/cardNumber").asText();

        APIGatewayV2HTTPResponse replaced = handler.handleRequest(post("POST /v1/cards/{cardNumber}/replace",
                Map.of("cardNumber", oldCard), merchant, "replace-card-0001", "{\"reason\":\"stolen\"}"), null);

        assertThat(replaced.getStatusCode()).isEqualTo(201);
        String newCard = json(replaced).get("cardNumber").asText();
        assertThat(newCard).isNotEqualTo(oldCard);
        assertThat(CardNumber.isValid(newCard)).isTrue();
        assertThat(json(readCard(oldCard)).get("status").asText()).isEqualTo("blocked");
        assertThat(json(readCard(newCard)).get("memberId").asText()).isEqualTo(member.get("memberId").asText());
        JsonNode reread = json(handler.handleRequest(get("GET /v1/members/{memberId}",
                Map.of("memberId", member.get("memberId").asText()), Map.of(), merchant), null));
        assertThat(reread.at("/card/cardNumber").asText()).isEqualTo(newCard);
    }

    @Test
    void readCard_answersABlockedCardWithWhenWhyAndItsReplacement_soACheckoutScanningItLearnsWhatItIs() {
        JsonNode member = json(enrol("blocked-key-0001", ENROL));
        String oldCard = member.at("/card/cardNumber").asText();
        Instant issuedAt = clock.instant();
        clock.advance(java.time.Duration.ofDays(3));
        String newCard = json(handler.handleRequest(post("POST /v1/cards/{cardNumber}/replace",
                Map.of("cardNumber", oldCard), merchant, "blocked-card-0001", "{\"reason\":\"stolen\"}"), null))
                .get("cardNumber").asText();

        APIGatewayV2HTTPResponse response = readCard(oldCard);

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode card = json(response);
        assertThat(card.get("cardNumber").asText()).isEqualTo(oldCard);
        assertThat(card.get("memberId").asText()).isEqualTo(member.get("memberId").asText());
        assertThat(card.get("status").asText()).isEqualTo("blocked");
        assertThat(Instant.parse(card.get("issuedAt").asText())).isEqualTo(issuedAt);
        assertThat(Instant.parse(card.get("blockedAt").asText())).isEqualTo(clock.instant());
        assertThat(card.get("blockReason").asText()).isEqualTo("stolen");
        assertThat(card.get("replacedBy").asText()).isEqualTo(newCard);
        JsonNode active = json(readCard(newCard));
        assertThat(active.get("status").asText()).isEqualTo("active");
        assertThat(active.has("blockedAt") || active.has("blockReason") || active.has("replacedBy")).isFalse();
    }

    @Test
    void readCard_isStill404_forAnotherProgramsBlockedCard() {
        String oldCard = json(enrol("blocked-key-0002", ENROL)).at("/card/cardNumber").asText();
        handler.handleRequest(post("POST /v1/cards/{cardNumber}/replace", Map.of("cardNumber", oldCard), merchant,
                "blocked-card-0002", ""), null);

        assertProblem(handler.handleRequest(get("GET /v1/cards/{cardNumber}", Map.of("cardNumber", oldCard), Map.of(),
                otherProgramsMerchant), null), 404, "not-found");
        assertThat(json(readCard(oldCard)).get("blockReason").asText()).as("the default reason").isEqualTo("lost");
    }

    @Test
    void replaceCard_refusesBlockedCard_butReplaysTheFirstReplacement() {
        String oldCard = json(enrol("replace-key-0002", ENROL)).at("/card/cardNumber").asText();
        var replace = post("POST /v1/cards/{cardNumber}/replace", Map.of("cardNumber", oldCard), merchant, "replace-card-0002", "");
        APIGatewayV2HTTPResponse first = handler.handleRequest(replace, null);

        APIGatewayV2HTTPResponse replay = handler.handleRequest(replace, null);
        APIGatewayV2HTTPResponse again = handler.handleRequest(post("POST /v1/cards/{cardNumber}/replace",
                Map.of("cardNumber", oldCard), merchant, "replace-card-0003", ""), null);

        assertThat(replay.getBody()).isEqualTo(first.getBody());
        assertProblem(again, 409, "card-blocked");
        assertThat(itemsWithSortKey("CARD")).hasSize(2);
    }

    private APIGatewayV2HTTPResponse enrol(String key, String body) {
        return handler.handleRequest(post("POST /v1/members", merchant, key, body), null);
    }

    private APIGatewayV2HTTPResponse readCard(String cardNumber) {
        return handler.handleRequest(get("GET /v1/cards/{cardNumber}", Map.of("cardNumber", cardNumber), Map.of(), merchant), null);
    }

    private String createProgram(String programId) {
        Instant now = clock.instant();
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program(programId, "Coffee Club", "EUR", ProgramRules.DEFAULT, now, now, 1))).build());
        return programId;
    }

    private List<Map<String, AttributeValue>> itemsWithSortKey(String sortKey) {
        // A Scan is fine in a test on its own small table; production code never scans.
        return context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items().stream()
                .filter(item -> item.get(TableSchema.SK).s().equals(sortKey)).toList();
    }
}
