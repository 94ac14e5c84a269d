package app.loyalty.functions.programadmin;

import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.PromoCodeRepository;
import app.loyalty.shared.store.RewardPoolBudgets;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The promo-code and reward-pool routes of program-admin, every exchange held to openapi.yaml (ContractChecked). */
class PromoCodeRoutesTest {
    private static final String WINTER = "{\"code\":\"WINTER10\",\"percentBp\":1000,\"validUntil\":\"2027-01-01T00:00:00Z\","
            + "\"maxUses\":100,\"maxUsesPerMember\":1,\"minimumBasket\":2000,\"categories\":[\"coffee\"]}";

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private String programId;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        handler = ContractChecked.handler(new ProgramAdminHandler(context));
        programId = json(handler.handleRequest(post("POST /v1/programs", Caller.operator(), "program-key-01",
                "{\"name\":\"Club\",\"currency\":\"EUR\"}"), null)).get("programId").asText();
    }

    @Test
    void create_is201WithNoUses_andReadShowsTheSame() {
        APIGatewayV2HTTPResponse created = create("promo-key-01", WINTER);

        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(201);
        JsonNode code = json(created);
        assertThat(code.get("code").asText()).isEqualTo("WINTER10");
        assertThat(code.get("percentBp").asInt()).isEqualTo(1000);
        assertThat(code.get("active").asBoolean()).isTrue();
        assertThat(code.get("uses").asLong()).isZero();
        assertThat(code.get("remaining").asLong()).isEqualTo(100);
        assertThat(code.get("version").asLong()).isEqualTo(1);
        assertThat(read("WINTER10").getBody()).isEqualTo(created.getBody());
    }

    @Test
    void create_replaysTheStoredAnswer_forTheSameIdempotencyKey() {
        APIGatewayV2HTTPResponse first = create("promo-key-01", WINTER);
        APIGatewayV2HTTPResponse replay = create("promo-key-01", WINTER);

        assertThat(replay.getStatusCode()).isEqualTo(201);
        assertThat(replay.getHeaders()).containsEntry("Idempotent-Replayed", "true");
        assertThat(replay.getBody()).isEqualTo(first.getBody());
    }

    @Test
    void create_is409AndKeepsTheFirst_whenTheCodeExistsInTheProgram() {
        create("promo-key-01", WINTER);

        APIGatewayV2HTTPResponse again = create("promo-key-02", WINTER.replace("\"maxUses\":100", "\"maxUses\":5"));

        assertProblem(again, 409, "conflict");
        assertThat(json(again).get("detail").asText()).contains("WINTER10 already exists");
        assertThat(json(read("WINTER10")).get("maxUses").asLong()).isEqualTo(100);
    }

    @Test
    void create_is404AndWritesNoCode_forAnUnknownProgram() {
        int before = items().size();

        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/programs/{programId}/promo-codes",
                Map.of("programId", "prg_nowhere"), Caller.operator(), "promo-key-03", WINTER), null);

        assertProblem(response, 404, "not-found");
        assertThat(items()).hasSize(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"code\":\"WINTER10\"}",
            "{\"code\":\"WINTER10\",\"percentBp\":1000,\"amountOff\":500}",
            "{\"code\":\"winter10\",\"percentBp\":1000}",
            "{\"code\":\"WINTER10\",\"percentBp\":0}",
            "{\"code\":\"WINTER10\",\"percentBp\":10001}",
            "{\"code\":\"WINTER10\",\"amountOff\":500,\"maxUses\":0}",
            "{\"code\":\"WINTER10\",\"amountOff\":500,\"validFrom\":\"2027-01-01T00:00:00Z\",\"validUntil\":\"2026-01-01T00:00:00Z\"}",
            "{\"code\":\"WINTER10\",\"amountOff\":500,\"validUntil\":1767225600}",
            "{\"code\":\"WINTER10\",\"amountOff\":500,\"uses\":3}",
            "{\"code\":\"WINTER10\",\"amountOff\":500,\"active\":\"yes\"}"})
    void create_is400AndWritesNothing_forInvalidInput(String body) {
        int before = items().size();

        assertProblem(create("promo-key-04", body), 400, "validation-failed");
        assertThat(items()).hasSize(before);
    }

    @Test
    void create_is400_withoutIdempotencyKey() {
        assertProblem(create(null, WINTER), 400, "idempotency-key-missing");
    }

    @Test
    void routes_are403_forMerchantKeys() {
        Caller merchant = Caller.merchant("mch_a", programId);
        assertProblem(handler.handleRequest(post("POST /v1/programs/{programId}/promo-codes",
                Map.of("programId", programId), merchant, "promo-key-05", WINTER), null), 403, "forbidden");
        assertProblem(handler.handleRequest(get("GET /v1/programs/{programId}/promo-codes",
                Map.of("programId", programId), Map.of(), merchant), null), 403, "forbidden");
        assertProblem(handler.handleRequest(get("GET /v1/programs/{programId}/reward-pools",
                Map.of("programId", programId), Map.of(), merchant), null), 403, "forbidden");
    }

    @Test
    void read_showsUsesSoFarAndWhatIsLeft_afterCheckoutsUsedTheCode() {
        create("promo-key-01", WINTER);
        var stored = new PromoCodeRepository(context.dynamo(), context.tableName()).find(programId, "WINTER10").orElseThrow();
        for (String member : List.of("mbr_a", "mbr_b", "mbr_c")) {
            transact(PromoCodeRepository.use(context.tableName(), programId, stored.code(), member));
        }

        JsonNode code = json(read("WINTER10"));

        assertThat(code.get("uses").asLong()).isEqualTo(3);
        assertThat(code.get("remaining").asLong()).isEqualTo(97);
        assertThat(code.get("version").asLong()).as("uses are not edits").isEqualTo(1);
    }

    @Test
    void read_is404_forAnUnknownOrMisspelledCode() {
        create("promo-key-01", WINTER);
        assertProblem(read("SUMMER10"), 404, "not-found");
        assertProblem(read("winter10"), 404, "not-found");
        assertProblem(handler.handleRequest(get("GET /v1/programs/{programId}/promo-codes/{code}",
                Map.of("programId", "prg_other", "code", "WINTER10"), Map.of(), Caller.operator()), null), 404, "not-found");
    }

    @Test
    void list_pagesThroughEveryCodeInOrder() {
        for (String name : List.of("C3", "A1", "E5", "B2", "D4")) {
            create("promo-key-" + name + "-create", "{\"code\":\"" + name + "\",\"amountOff\":100}");
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> query = cursor == null ? Map.of("limit", "2") : Map.of("limit", "2", "cursor", cursor);
            JsonNode page = json(list(programId, query));
            page.get("items").forEach(item -> seen.add(item.get("code").asText()));
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(seen).containsExactly("A1", "B2", "C3", "D4", "E5");
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void list_isEmpty_forAProgramWithoutCodes_and404_forNoProgram() {
        JsonNode page = json(list(programId, Map.of()));
        assertThat(page.get("items")).isEmpty();
        assertThat(page.has("nextCursor")).isFalse();

        assertProblem(list("prg_nowhere", Map.of()), 404, "not-found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "ten", "2.5"})
    void list_is400_forALimitOutsideOneToAHundred(String limit) {
        assertProblem(list(programId, Map.of("limit", limit)), 400, "validation-failed");
    }

    @Test
    void list_is400_forACursorItDidNotHandOut() {
        assertProblem(list(programId, Map.of("cursor", "%%%")), 400, "validation-failed");
    }

    @Test
    void patch_deactivatesAndReactivates_bumpingTheVersion() {
        create("promo-key-01", WINTER);

        JsonNode off = json(update("WINTER10", "{\"active\":false}"));
        assertThat(off.get("active").asBoolean()).isFalse();
        assertThat(off.get("version").asLong()).isEqualTo(2);
        assertThat(json(read("WINTER10")).get("active").asBoolean()).isFalse();

        JsonNode on = json(update("WINTER10", "{\"active\":true}"));
        assertThat(on.get("active").asBoolean()).isTrue();
        assertThat(on.get("version").asLong()).isEqualTo(3);
    }

    @Test
    void patch_extendsTheWindowAndRaisesTheLimits_keepingTheDiscount() {
        create("promo-key-01", WINTER);
        clock.set(Instant.parse("2026-11-24T10:00:00Z"));

        APIGatewayV2HTTPResponse response = update("WINTER10",
                "{\"validUntil\":\"2027-02-01T00:00:00Z\",\"maxUses\":500,\"maxUsesPerMember\":2}");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode code = json(read("WINTER10"));
        assertThat(code.get("validUntil").asText()).isEqualTo("2027-02-01T00:00:00Z");
        assertThat(code.get("maxUses").asLong()).isEqualTo(500);
        assertThat(code.get("remaining").asLong()).isEqualTo(500);
        assertThat(code.get("maxUsesPerMember").asLong()).isEqualTo(2);
        assertThat(code.get("percentBp").asInt()).isEqualTo(1000);
        assertThat(code.get("updatedAt").asText()).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(code.get("createdAt").asText()).isEqualTo("2026-11-23T09:30:00Z");
    }

    @Test
    void patch_raisingTheLimit_letsAnExhaustedCodeBeUsedAgain() {
        create("promo-key-01", "{\"code\":\"ONCE\",\"amountOff\":500,\"maxUses\":1}");
        PromoCodeRepository codes = new PromoCodeRepository(context.dynamo(), context.tableName());
        transact(PromoCodeRepository.use(context.tableName(), programId, codes.find(programId, "ONCE").orElseThrow().code(), "mbr_a"));

        update("ONCE", "{\"maxUses\":2}");
        transact(PromoCodeRepository.use(context.tableName(), programId, codes.find(programId, "ONCE").orElseThrow().code(), "mbr_b"));

        assertThat(json(read("ONCE")).get("uses").asLong()).isEqualTo(2);
        assertThat(json(read("ONCE")).get("remaining").asLong()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"maxUses\":99}", "{\"maxUsesPerMember\":1,\"maxUses\":50}"})
    void patch_is409AndChangesNothing_forALoweredLimit(String body) {
        create("promo-key-01", WINTER);

        APIGatewayV2HTTPResponse response = update("WINTER10", body);

        assertProblem(response, 409, "conflict");
        assertThat(json(response).get("detail").asText()).contains("can only be raised");
        assertThat(json(read("WINTER10")).get("version").asLong()).isEqualTo(1);
    }

    @Test
    void patch_is409_forAPerMemberLimitOnACodeCreatedWithout() {
        create("promo-key-01", "{\"code\":\"OPEN\",\"amountOff\":500}");

        assertProblem(update("OPEN", "{\"maxUsesPerMember\":3}"), 409, "conflict");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"active\":null}", "{\"percentBp\":2000}", "{\"code\":\"OTHER\"}",
            "{\"validUntil\":\"2026-01-01T00:00:00Z\",\"active\":true}"})
    void patch_is400AndChangesNothing_forNothingToChangeOrWhatCannotChange(String body) {
        create("promo-key-01", "{\"code\":\"WINTER10\",\"percentBp\":1000,\"validFrom\":\"2026-06-01T00:00:00Z\"}");

        assertProblem(update("WINTER10", body), 400, "validation-failed");
        assertThat(json(read("WINTER10")).get("version").asLong()).isEqualTo(1);
    }

    @Test
    void patch_is404_forAnUnknownCode() {
        assertProblem(update("NOSUCH", "{\"active\":false}"), 404, "not-found");
    }

    @Test
    void rewardPools_showBudgetSpentAndRemaining_perPoolOfTheRules() {
        String pooled = programWithPools();
        transact(List.of(RewardPoolBudgets.spend(context.tableName(), pooled, "mystery", 250, 1000)));
        transact(List.of(RewardPoolBudgets.spend(context.tableName(), pooled, "mystery", 100, 1000)));

        JsonNode pools = json(handler.handleRequest(get("GET /v1/programs/{programId}/reward-pools",
                Map.of("programId", pooled), Map.of(), Caller.operator()), null));

        assertThat(pools.get("programId").asText()).isEqualTo(pooled);
        assertThat(pools.get("items")).hasSize(2);
        JsonNode mystery = pools.get("items").get(0);
        assertThat(mystery.get("poolId").asText()).isEqualTo("mystery");
        assertThat(mystery.get("budgetUnit").asText()).isEqualTo("POINTS");
        assertThat(mystery.get("budget").asLong()).isEqualTo(1000);
        assertThat(mystery.get("spent").asLong()).isEqualTo(350);
        assertThat(mystery.get("remaining").asLong()).isEqualTo(650);
        JsonNode untouched = pools.get("items").get(1);
        assertThat(untouched.get("poolId").asText()).isEqualTo("lucky-line");
        assertThat(untouched.get("spent").asLong()).isZero();
        assertThat(untouched.get("remaining").asLong()).isEqualTo(5000);
    }

    @Test
    void rewardPools_isAnEmptyList_forAProgramWithoutPools_and404_forNoProgram() {
        JsonNode pools = json(handler.handleRequest(get("GET /v1/programs/{programId}/reward-pools",
                Map.of("programId", programId), Map.of(), Caller.operator()), null));
        assertThat(pools.get("items")).isEmpty();

        assertProblem(handler.handleRequest(get("GET /v1/programs/{programId}/reward-pools",
                Map.of("programId", "prg_nowhere"), Map.of(), Caller.operator()), null), 404, "not-found");
    }

    /** Pools are defined in the program rules, through PUT rules as the operator does. */
    private String programWithPools() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("PUT /v1/programs/{programId}/rules",
                Map.of("programId", programId), Caller.operator(), null, """
                        {"rewardPools":[
                          {"id":"mystery","chanceBp":500,"budgetUnit":"POINTS","budget":1000,
                           "rewards":[{"kind":"POINTS","weight":1,"points":50}]},
                          {"id":"lucky-line","chanceBp":100,"budgetUnit":"MINOR_UNITS","budget":5000,
                           "rewards":[{"kind":"LINE_PERCENT","weight":1,"percentBp":5000}]}]}"""), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return programId;
    }

    private APIGatewayV2HTTPResponse create(String key, String body) {
        return handler.handleRequest(post("POST /v1/programs/{programId}/promo-codes", Map.of("programId", programId),
                Caller.operator(), key, body), null);
    }

    private APIGatewayV2HTTPResponse read(String code) {
        return handler.handleRequest(get("GET /v1/programs/{programId}/promo-codes/{code}",
                Map.of("programId", programId, "code", code), Map.of(), Caller.operator()), null);
    }

    private APIGatewayV2HTTPResponse list(String program, Map<String, String> query) {
        return handler.handleRequest(get("GET /v1/programs/{programId}/promo-codes", Map.of("programId", program),
                query, Caller.operator()), null);
    }

    private APIGatewayV2HTTPResponse update(String code, String body) {
        // TestRequests.post builds any method from the route key; a PATCH carries no Idempotency-Key.
        return handler.handleRequest(post("PATCH /v1/programs/{programId}/promo-codes/{code}",
                Map.of("programId", programId, "code", code), Caller.operator(), null, body), null);
    }

    private void transact(List<TransactWriteItem> items) {
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
    }

    private List<Map<String, AttributeValue>> items() {
        return context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items();
    }
}
