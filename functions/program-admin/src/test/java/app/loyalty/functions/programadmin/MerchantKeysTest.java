package app.loyalty.functions.programadmin;

import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
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
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Rotation and revocation of merchant keys, through the handler (contract-checked) and the authorizer's lookup. */
class MerchantKeysTest {
    private static final String ROTATE = "POST /v1/programs/{programId}/merchants/{merchantId}/keys";
    private static final String REVOKE = "POST /v1/programs/{programId}/merchants/{merchantId}/keys/revoke";

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private String programId;
    private String merchantId;
    private String firstKey;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        handler = ContractChecked.handler(new ProgramAdminHandler(context));
        programId = json(handler.handleRequest(post("POST /v1/programs", Caller.operator(), "program-create-1",
                "{\"name\":\"Coffee Club\",\"currency\":\"EUR\"}"), null)).get("programId").asText();
        JsonNode merchant = json(handler.handleRequest(post("POST /v1/programs/{programId}/merchants",
                Map.of("programId", programId), Caller.operator(), "merchant-create-1", "{\"name\":\"Roastery\"}"), null));
        merchantId = merchant.get("merchantId").asText();
        firstKey = merchant.get("apiKey").asText();
    }

    @Test
    void rotate_answersANewKeyOnce_andTheOldKeyWorksUntilItsGraceEnds() {
        APIGatewayV2HTTPEvent request = rotation("rotate-key-01", "{}");

        APIGatewayV2HTTPResponse response = handler.handleRequest(request, null);
        JsonNode replay = json(handler.handleRequest(request, null));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        JsonNode rotated = json(response);
        String newKey = rotated.get("apiKey").asText();
        Instant graceEnds = clock.instant().plus(ApiKeys.DEFAULT_ROTATION_GRACE);
        assertThat(Instant.parse(rotated.get("previousKeyValidUntil").asText())).isEqualTo(graceEnds);
        assertThat(replay.has("apiKey")).as("a replay never shows the key again").isFalse();
        assertThat(lookup(newKey)).contains(Caller.merchant(merchantId, programId));
        assertThat(lookup(firstKey)).contains(Caller.merchant(merchantId, programId));

        clock.set(graceEnds.minusSeconds(1));
        assertThat(lookup(firstKey)).isPresent();
        clock.set(graceEnds);
        assertThat(lookup(firstKey)).isEmpty();
        assertThat(lookup(newKey)).isPresent();
        assertThat(tableText()).doesNotContain(newKey, firstKey);
    }

    @Test
    void rotate_withAGraceOfZero_endsTheOldKeyAtOnce() {
        json(handler.handleRequest(rotation("rotate-key-02", "{\"graceSeconds\":0}"), null));

        assertThat(lookup(firstKey)).isEmpty();
    }

    @Test
    void rotate_twice_revokesTheKeyStillInTheFirstGrace_soAtMostTwoKeysWork() {
        String second = json(handler.handleRequest(rotation("rotate-key-03", "{}"), null)).get("apiKey").asText();
        clock.advance(Duration.ofHours(1));
        String third = json(handler.handleRequest(rotation("rotate-key-04", "{}"), null)).get("apiKey").asText();

        assertThat(lookup(firstKey)).isEmpty();
        assertThat(lookup(second)).isPresent();
        assertThat(lookup(third)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"graceSeconds\":-1}", "{\"graceSeconds\":604801}", "{\"grace\":10}", "{\"graceSeconds\":\"1\"}"})
    void rotate_is400AndChangesNothing_forAnInvalidGrace(String body) {
        assertProblem(handler.handleRequest(rotation("rotate-key-05", body), null), 400, "validation-failed");

        assertThat(lookup(firstKey)).isPresent();
    }

    @Test
    void rotateAndRevoke_are404AndChangeNothing_forAMerchantOfAnotherProgram() {
        String otherProgram = json(handler.handleRequest(post("POST /v1/programs", Caller.operator(), "program-create-2",
                "{\"name\":\"Tea Club\",\"currency\":\"EUR\"}"), null)).get("programId").asText();
        Map<String, String> wrongProgram = Map.of("programId", otherProgram, "merchantId", merchantId);

        assertProblem(handler.handleRequest(post(ROTATE, wrongProgram, Caller.operator(), "rotate-key-06", "{}"), null),
                404, "not-found");
        assertProblem(handler.handleRequest(post(REVOKE, wrongProgram, Caller.operator(), "revoke-key-06", "{}"), null),
                404, "not-found");
        assertThat(lookup(firstKey)).isPresent();
    }

    @Test
    void revoke_refusesTheCurrentKeyAtOnce_andARotationGivesTheMerchantANewOne() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(revocation("revoke-key-01", "{\"keys\":\"ALL\"}"), null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(json(response).get("revokedKeys").asInt()).isEqualTo(1);
        assertThat(json(response).get("effectiveWithinSeconds").asInt()).isEqualTo(ApiKeys.AUTHORIZER_CACHE_SECONDS);
        assertThat(lookup(firstKey)).isEmpty();

        JsonNode rotated = json(handler.handleRequest(rotation("rotate-key-07", "{}"), null));
        assertThat(rotated.has("previousKeyValidUntil")).as("no valid key was replaced").isFalse();
        assertThat(lookup(rotated.get("apiKey").asText())).isPresent();
        assertThat(lookup(firstKey)).as("a rotation never revives a revoked key").isEmpty();
    }

    @Test
    void revokePrevious_endsTheGraceOfTheRotatedOutKey_andKeepsTheCurrentOne() {
        String newKey = json(handler.handleRequest(rotation("rotate-key-08", "{}"), null)).get("apiKey").asText();

        JsonNode revoked = json(handler.handleRequest(revocation("revoke-key-02", "{\"keys\":\"PREVIOUS\"}"), null));

        assertThat(revoked.get("revokedKeys").asInt()).isEqualTo(1);
        assertThat(lookup(firstKey)).isEmpty();
        assertThat(lookup(newKey)).isPresent();
    }

    private APIGatewayV2HTTPEvent rotation(String idempotencyKey, String body) {
        return post(ROTATE, Map.of("programId", programId, "merchantId", merchantId), Caller.operator(), idempotencyKey, body);
    }

    private APIGatewayV2HTTPEvent revocation(String idempotencyKey, String body) {
        return post(REVOKE, Map.of("programId", programId, "merchantId", merchantId), Caller.operator(), idempotencyKey, body);
    }

    private Optional<Caller> lookup(String key) {
        return ApiKeys.lookup(context.dynamo(), context.tableName(), key, clock.instant());
    }

    private String tableText() {
        return context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items().toString();
    }
}
