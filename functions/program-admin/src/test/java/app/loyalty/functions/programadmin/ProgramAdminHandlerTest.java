package app.loyalty.functions.programadmin;

import app.loyalty.shared.testing.ContractChecked;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.runtime.AppContext;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

class ProgramAdminHandlerTest {

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    /** Every exchange is held to openapi.yaml (ContractChecked). */
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;

    /** The table the handler runs on: in-process DynamoDB Local here; {@link ProgramAdminIT} runs every test on the emulator. */
    AppContext newContext(java.time.Clock clock) {
        return TestContexts.appContext(clock);
    }

    @BeforeEach
    void setUp() {
        context = newContext(clock);
        handler = ContractChecked.handler(new ProgramAdminHandler(context));
    }

    @ParameterizedTest
    @Event(value = "api/create-program.json", type = APIGatewayV2HTTPEvent.class)
    void createProgram_fillsInDefaultRules_forRealShapedEvent(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        JsonNode program = json(response);
        assertThat(program.get("programId").asText()).startsWith("prg_");
        assertThat(program.get("currency").asText()).isEqualTo("EUR");
        assertThat(program.at("/rules/earn/points").asLong()).isEqualTo(1);
        assertThat(program.at("/rules/earn/perAmount").asLong()).isEqualTo(100);
        assertThat(program.at("/rules/pendingDays").asInt()).isEqualTo(14);
        assertThat(program.at("/rules/expiry/policy").asText()).isEqualTo("DAYS_AFTER_EARNING");
        assertThat(read(program.get("programId").asText()).getBody()).isEqualTo(response.getBody());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"name\":\"Club\",\"currency\":\"EURO\"}",
            "{\"name\":\"Club\",\"currency\":\"XXX\"}",
            "{\"name\":42,\"currency\":\"EUR\"}",
            "{\"name\":\"\",\"currency\":\"EUR\"}",
            "{\"name\":\"Club\",\"currency\":\"EUR\",\"owner\":\"x\"}",
            "{\"name\":\"Club\",\"currency\":\"EUR\",\"rules\":{\"pendingDays\":-1}}",
            "{\"name\":\"Club\",\"currency\":\"EUR\",\"rules\":{\"expiry\":{\"policy\":\"NEVER\",\"days\":30}}}",
            "{\"name\":\"Club\",\"currency\":\"EUR\",\"rules\":{\"tiers\":[{\"name\":\"gold\",\"minSpend\":100}]}}",
            "{\"name\":\"Club\\u0000\",\"currency\":\"EUR\"}",
            "{\"name\":\"Club\\u0007\",\"currency\":\"EUR\"}",
            "{\"name\":\"Club \\u202eXX\",\"currency\":\"EUR\"}",
            "{\"name\":\"Club \\u2067XX\",\"currency\":\"EUR\"}",
            "{\"name\":\"Club\\ud800\",\"currency\":\"EUR\"}",
            "{\"name\":\"\\udfff\",\"currency\":\"EUR\"}",
            "{\"name\":\"Club\",\"currency\":\"EUR\",\"rules\":{\"earn\":{\"excludedCategories\":[\"gift\\u0000\"]}}}",
            // Enum values exactly as listed: Jackson would have trimmed these (found by the contract fuzz).
            "{\"name\":\"Club\",\"currency\":\"EUR\",\"rules\":{\"discount\":{\"scheme\":\" FIXED\"}}}",
            "{\"name\":\"Club\",\"currency\":\"EUR\",\"rules\":{\"expiry\":{\"policy\":\"NEVER\\n\"}}}",
            "{\"name\":\"Club\",\"currency\":\"EUR\",\"rules\":{\"discount\":{\"scheme\":0}}}"})
    void createProgram_is400AndWritesNothing_forInvalidInput(String body) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/programs", Caller.operator(), "program-key-01", body), null);

        assertProblem(response, 400, "validation-failed");
        assertThat(items()).isEmpty();
    }

    @Test
    void createProgram_fillsInDefaults_forPartsOfRulesLeftOut() {
        JsonNode program = json(handler.handleRequest(post("POST /v1/programs", Caller.operator(), "program-key-03",
                "{\"name\":\"Club\",\"currency\":\"EUR\",\"rules\":{\"earn\":{\"points\":2},\"discount\":{\"scheme\":\"FIXED\",\"fixedBp\":300}}}"), null));

        assertThat(program.at("/rules/earn/points").asLong()).isEqualTo(2);
        assertThat(program.at("/rules/earn/perAmount").asLong()).isEqualTo(100);
        assertThat(program.at("/rules/pendingDays").asInt()).isEqualTo(14);
        assertThat(program.at("/rules/discount/windowDays").asInt()).isEqualTo(365);
        assertThat(program.at("/rules/discount/fixedBp").asInt()).isEqualTo(300);
        assertThat(program.at("/rules/expiry/days").asInt()).isEqualTo(365);
    }

    @Test
    void programRoutes_are403_forMerchantKeys() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/programs",
                Caller.merchant("mch_a", "prg_a"), "program-key-02", "{\"name\":\"Club\",\"currency\":\"EUR\"}"), null);
        assertProblem(response, 403, "forbidden");
    }

    @Test
    void unknownRoute_isRouteNotFoundProblem_onTheDefaultRoute_forOperatorAndMerchants() {
        assertProblem(handler.handleRequest(TestRequests.unmatched("GET", "/v1/nowhere", Caller.operator()), null),
                404, "route-not-found");
        assertProblem(handler.handleRequest(TestRequests.unmatched("DELETE", "/v1/programs",
                Caller.merchant("mch_a", "prg_a")), null), 404, "route-not-found");
    }

    @Test
    void readProgram_is404_forUnknownId() {
        assertProblem(read("prg_unknown"), 404, "not-found");
    }

    @Test
    void addMerchant_answersApiKeyOnce_storesOnlyItsHash_andReplayOmitsIt() {
        String programId = createProgram();
        var request = post("POST /v1/programs/{programId}/merchants", Map.of("programId", programId), Caller.operator(),
                "merchant-key-01", "{\"name\":\"Downtown Roastery\"}");

        JsonNode created = json(handler.handleRequest(request, null));
        JsonNode replay = json(handler.handleRequest(request, null));

        String apiKey = created.get("apiKey").asText();
        assertThat(apiKey).startsWith("lk_");
        assertThat(ApiKeys.lookup(context.dynamo(), context.tableName(), apiKey, clock.instant()))
                .contains(Caller.merchant(created.get("merchantId").asText(), programId));
        assertThat(replay.get("merchantId")).isEqualTo(created.get("merchantId"));
        assertThat(replay.has("apiKey")).isFalse();
        assertThat(items().toString()).doesNotContain(apiKey);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bar\\u0000", "Bar\\u001b[2J", "Bar \\u202dXX", "Bar\\udbff", "Bar\\ufffd"})
    void addMerchant_is400AndWritesNoMerchant_forControlBidiOrIllFormedName(String name) {
        String programId = createProgram();

        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/programs/{programId}/merchants",
                Map.of("programId", programId), Caller.operator(), "merchant-key-03", "{\"name\":\"" + name + "\"}"), null);

        assertProblem(response, 400, "validation-failed");
        assertThat(json(response).get("detail").asText()).startsWith("name must not contain");
        assertThat(items()).hasSize(1); // the program alone
    }

    @Test
    void createProgram_storesTheNameInNfc_countingCodePoints() {
        // 100 code points as sent (the contract's maxLength), 99 once "e" and its combining accent compose.
        String decomposed = "Cafe\u0301 " + "\ud83d\ude00".repeat(94);

        JsonNode program = json(handler.handleRequest(post("POST /v1/programs", Caller.operator(), "program-key-04",
                "{\"name\":\"" + decomposed + "\",\"currency\":\"EUR\"}"), null));

        assertThat(program.get("name").asText()).isEqualTo("Caf\u00e9 " + "\ud83d\ude00".repeat(94));
        assertThat(json(read(program.get("programId").asText())).get("name").asText()).startsWith("Caf\u00e9 ");
    }

    @Test
    void createProgram_is400AndWritesNothing_forBodyThatIsNotUtf8() {
        byte[] body = "{\"name\":\"Club \u00ff\",\"currency\":\"EUR\"}".getBytes(StandardCharsets.ISO_8859_1);
        APIGatewayV2HTTPEvent event = post("POST /v1/programs", Caller.operator(), "program-key-05", null);
        event.setBody(Base64.getEncoder().encodeToString(body));
        event.setIsBase64Encoded(true);

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertProblem(response, 400, "malformed-json");
        assertThat(json(response).get("detail").asText()).contains("UTF-8");
        assertThat(items()).isEmpty();
    }

    @Test
    void createProgram_acceptsAUtf8BodyThatCameBase64Encoded() {
        byte[] body = "{\"name\":\"Caf\u00e9\",\"currency\":\"EUR\"}".getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPEvent event = post("POST /v1/programs", Caller.operator(), "program-key-06", null);
        event.setBody(Base64.getEncoder().encodeToString(body));
        event.setIsBase64Encoded(true);

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        assertThat(json(response).get("name").asText()).isEqualTo("Caf\u00e9");
    }

    @Test
    void addMerchant_is404AndWritesNothing_forUnknownProgram() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/programs/{programId}/merchants",
                Map.of("programId", "prg_unknown"), Caller.operator(), "merchant-key-02", "{\"name\":\"Shop\"}"), null);

        assertProblem(response, 404, "not-found");
        assertThat(items()).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "api/put-program-rules.json", type = APIGatewayV2HTTPEvent.class)
    void replaceRules_storesNewRulesAndBumpsVersion_forRealShapedEvent(APIGatewayV2HTTPEvent event) {
        String programId = createProgram();
        event.setPathParameters(new HashMap<>(Map.of("programId", programId)));

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode program = json(read(programId));
        assertThat(program.get("version").asLong()).isEqualTo(2);
        assertThat(program.at("/rules/discount/scheme").asText()).isEqualTo("CUMULATIVE");
        assertThat(program.at("/rules/earn/categoryMultiplierBp/coffee").asInt()).isEqualTo(20000);
        assertThat(program.at("/rules/tiers/1/name").asText()).isEqualTo("gold");
    }

    @Test
    void replaceRules_is400AndKeepsOldRules_whenCumulativeHasNoSteps() {
        String programId = createProgram();
        var event = post("PUT /v1/programs/{programId}/rules", Map.of("programId", programId), Caller.operator(), null,
                "{\"discount\":{\"scheme\":\"CUMULATIVE\",\"fixedBp\":0,\"steps\":[],\"windowDays\":365,\"maxPointsPaymentBp\":0}}");

        assertProblem(handler.handleRequest(event, null), 400, "validation-failed");
        assertThat(json(read(programId)).get("version").asLong()).isEqualTo(1);
    }

    /** Every part of the discount engine's rules (docs/discounts.md), as an operator would send them. */
    @ParameterizedTest
    @Event(value = "api/put-program-rules-discounts.json", type = APIGatewayV2HTTPEvent.class)
    void replaceRules_storesTheDiscountEngineRules_andReadsThemBack(APIGatewayV2HTTPEvent event) {
        String programId = createProgram();
        event.setPathParameters(new HashMap<>(Map.of("programId", programId)));

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode rules = json(read(programId)).get("rules");
        assertThat(rules.at("/cashback/levelBp/1000").asInt()).isEqualTo(300);
        assertThat(rules.at("/promotions/0/validUntil").asText()).isEqualTo("2026-03-16T00:00:00Z");
        assertThat(rules.at("/promotions/1/get/quantity").asInt()).as("default filled in").isEqualTo(1);
        assertThat(rules.at("/promotions/2/bonusPoints").asLong()).isEqualTo(500);
        assertThat(rules.at("/rewardPools/0/rewards/1/weight").asInt()).as("default filled in").isEqualTo(1);
        assertThat(rules.at("/staff/monthlyCap").asLong()).isEqualTo(10_000);
        assertThat(rules.at("/stacking/order").toString())
                .isEqualTo("[\"CARD\",\"PROMO_CODE\",\"INSTANT_REWARDS\",\"BIRTHDAY\",\"STAFF\",\"BLIND_REWARD\"]");
        assertThat(rules.at("/stacking/discountableAdjustments/0").asText()).isEqualTo("SHIPPING");
    }

    @Test
    void readProgram_showsTheDiscountEngineDefaults_forAProgramCreatedWithoutThem() {
        JsonNode rules = json(read(createProgram())).get("rules");

        assertThat(rules.at("/cashback/bp").asInt()).isZero();
        assertThat(rules.get("promotions")).isEmpty();
        assertThat(rules.get("rewardPools")).isEmpty();
        assertThat(rules.at("/staff/bp").asInt()).isZero();
        assertThat(rules.at("/stacking/promoCodeWithCard").asText()).isEqualTo("COMBINE");
        assertThat(rules.at("/stacking/maxTotalDiscountBp").asInt()).isEqualTo(10_000);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"cashback\":{\"bp\":10001}}                                                    | cashback.bp",
            "{\"cashback\":{\"levelBp\":{\"20000\":100}}}                                     | cashback.levelBp",
            "{\"staff\":{\"monthlyCap\":-1}}                                                  | staff.monthlyCap",
            "{\"stacking\":{\"maxTotalDiscountBp\":-5}}                                       | stacking.maxTotalDiscountBp",
            "{\"stacking\":{\"order\":[\"CARD\",\"CARD\"]}}                                   | stacking.order",
            "{\"stacking\":{\"discountableAdjustments\":[\"COUPON\"]}}                         | stacking.discountableAdjustments",
            "{\"promotions\":[{\"id\":\"x\",\"kind\":\"MULTIPLIER\",\"multiplierBp\":9000}]}    | promotions[].multiplierBp",
            "{\"promotions\":[{\"id\":\"x\",\"kind\":\"BIRTHDAY\"}]}                          | promotions[].bonusPoints",
            "{\"promotions\":[{\"id\":\"x\",\"kind\":\"MULTIPLIER\",\"multiplierBp\":20000,\"bonusPoints\":5}]} | promotions[].bonusPoints",
            "{\"promotions\":[{\"id\":\"x\",\"kind\":\"BIRTHDAY\",\"bonusPoints\":5},{\"id\":\"x\",\"kind\":\"BIRTHDAY\",\"bonusPoints\":5}]} | rules.promotions",
            "{\"rewardPools\":[{\"id\":\"p\",\"chanceBp\":100,\"budgetUnit\":\"POINTS\",\"budget\":0,\"rewards\":[{\"kind\":\"POINTS\",\"points\":5}]}]} | rewardPools[].budget",
            "{\"rewardPools\":[{\"id\":\"p\",\"chanceBp\":100,\"budgetUnit\":\"POINTS\",\"budget\":10,\"rewards\":[{\"kind\":\"FREE_SKU\",\"sku\":\"mug\"}]}]} | rewardPools[].rewards"})
    void replaceRules_is400NamingTheField_andKeepsOldRules_forABadDiscountEngineValue(String body, String field) {
        String programId = createProgram();

        APIGatewayV2HTTPResponse response = handler.handleRequest(post("PUT /v1/programs/{programId}/rules",
                Map.of("programId", programId), Caller.operator(), null, body), null);

        assertProblem(response, 400, "validation-failed");
        assertThat(json(response).get("detail").asText()).contains(field);
        assertThat(json(read(programId)).get("version").asLong()).isEqualTo(1);
    }

    private String createProgram() {
        return json(handler.handleRequest(post("POST /v1/programs", Caller.operator(), "program-create-" + System.nanoTime(),
                "{\"name\":\"Coffee Club\",\"currency\":\"EUR\"}"), null)).get("programId").asText();
    }

    private APIGatewayV2HTTPResponse read(String programId) {
        return handler.handleRequest(get("GET /v1/programs/{programId}", Map.of("programId", programId), Map.of(), Caller.operator()), null);
    }

    private List<Map<String, AttributeValue>> items() {
        return context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items().stream()
                .filter(item -> !item.get(TableSchema.PK).s().startsWith("IDEMPOTENCY#")).toList();
    }
}
