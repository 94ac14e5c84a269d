package app.loyalty.functions.programadmin;

import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/** POST, GET and DELETE /v1/programs/{programId}/webhooks (docs/webhooks.md), held to openapi.yaml. */
class WebhookRoutesTest {
    private static final String CREATE = "POST /v1/programs/{programId}/webhooks";
    private static final String LIST = "GET /v1/programs/{programId}/webhooks";
    private static final String DELETE = "DELETE /v1/programs/{programId}/webhooks/{subscriptionId}";
    private static final String ROTATE = "POST /v1/programs/{programId}/webhooks/{subscriptionId}/secret";
    private static final String DELIVERIES = "GET /v1/programs/{programId}/webhooks/{subscriptionId}/deliveries";

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private String programId;
    private String merchantId;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        handler = ContractChecked.handler(new ProgramAdminHandler(context));
        programId = json(handler.handleRequest(post("POST /v1/programs", Caller.operator(), "program-key-01",
                "{\"name\":\"Club\",\"currency\":\"EUR\"}"), null)).get("programId").asText();
        merchantId = json(handler.handleRequest(post("POST /v1/programs/{programId}/merchants", Map.of("programId", programId),
                Caller.operator(), "merchant-key-01", "{\"name\":\"Books\"}"), null)).get("merchantId").asText();
    }

    @AfterEach
    void clearLocalFlag() {
        System.clearProperty(WebhookAdmin.LOCAL_RUNTIME_FLAG);
    }

    private APIGatewayV2HTTPResponse create(String program, String key, String body) {
        return handler.handleRequest(post(CREATE, Map.of("programId", program), Caller.operator(), key, body), null);
    }

    private String body(String merchant, String url, String types) {
        return "{\"merchantId\":\"" + merchant + "\",\"url\":\"" + url + "\",\"eventTypes\":" + types + "}";
    }

    private JsonNode list(String program) {
        return json(handler.handleRequest(get(LIST, Map.of("programId", program), Map.of(), Caller.operator()), null));
    }

    @Test
    void create_answersTheSecretOnce_listShowsItWithout_andDeleteStopsIt() {
        APIGatewayV2HTTPResponse created = create(programId, "webhook-key-01",
                body(merchantId, "https://partner.example/hook", "[\"PointsAccrued\",\"PointsRedeemed\",\"PointsAccrued\"]"));

        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(201);
        JsonNode answer = json(created);
        assertThat(answer.get("secret").asText()).startsWith("whsec_");
        assertThat(answer.get("eventTypes")).hasSize(2);
        String subscriptionId = answer.get("subscriptionId").asText();
        JsonNode replay = json(create(programId, "webhook-key-01",
                body(merchantId, "https://partner.example/hook", "[\"PointsAccrued\",\"PointsRedeemed\",\"PointsAccrued\"]")));
        assertThat(replay.get("subscriptionId").asText()).isEqualTo(subscriptionId);
        assertThat(replay.has("secret")).as("a replay does not show the secret again").isFalse();

        JsonNode listed = list(programId);
        assertThat(listed.get("items")).hasSize(1);
        assertThat(listed.at("/items/0/subscriptionId").asText()).isEqualTo(subscriptionId);
        assertThat(listed.at("/items/0").has("secret")).isFalse();
        assertThat(new WebhookSubscriptions(context.dynamo(), context.tableName()).live(programId).getFirst().secret())
                .isEqualTo(answer.get("secret").asText());

        APIGatewayV2HTTPResponse deleted = handler.handleRequest(get(DELETE,
                Map.of("programId", programId, "subscriptionId", subscriptionId), Map.of(), Caller.operator()), null);
        assertThat(deleted.getStatusCode()).as(deleted.getBody()).isEqualTo(200);
        assertThat(list(programId).get("items")).isEmpty();
        assertProblem(handler.handleRequest(get(DELETE, Map.of("programId", programId, "subscriptionId", subscriptionId),
                Map.of(), Caller.operator()), null), 404, "not-found");
    }

    @Test
    void badInput_isRefused_andChangesNothing() {
        assertProblem(create(programId, "webhook-key-02", body(merchantId, "http://partner.example/hook", "[\"PointsAccrued\"]")), 400, "validation-failed");
        assertProblem(create(programId, "webhook-key-03", body(merchantId, "https://127.0.0.1/hook", "[\"PointsAccrued\"]")), 400, "validation-failed");
        assertProblem(create(programId, "webhook-key-04", body(merchantId, "https://10.0.0.7/hook", "[\"PointsAccrued\"]")), 400, "validation-failed");
        assertProblem(create(programId, "webhook-key-05", body(merchantId, "https://localhost/hook", "[\"PointsAccrued\"]")), 400, "validation-failed");
        assertProblem(create(programId, "webhook-key-06", body(merchantId, "https://partner.example/hook", "[\"PointsStolen\"]")), 400, "validation-failed");
        assertProblem(create(programId, "webhook-key-07", body(merchantId, "https://partner.example/hook", "[]")), 400, "validation-failed");
        // Found by ContractFuzzIT: a null in the list was a NullPointerException (500).
        assertProblem(create(programId, "webhook-key-12", body(merchantId, "https://partner.example/hook", "[null]")), 400, "validation-failed");
        assertProblem(create(programId, "webhook-key-08", body("mch_of_another", "https://partner.example/hook", "[\"PointsAccrued\"]")), 400, "validation-failed");
        assertProblem(create("prg_missing", "webhook-key-09", body(merchantId, "https://partner.example/hook", "[\"PointsAccrued\"]")), 404, "not-found");
        assertThat(list(programId).get("items")).isEmpty();
        assertProblem(handler.handleRequest(get(LIST, Map.of("programId", "prg_missing"), Map.of(), Caller.operator()), null), 404, "not-found");
    }

    @Test
    void loopbackHttp_isAllowedOnlyOnTheLocalRuntime() {
        String loopback = body(merchantId, "http://127.0.0.1:8123/hook", "[\"PointsAccrued\"]");
        assertProblem(create(programId, "webhook-key-10", loopback), 400, "validation-failed");

        System.setProperty(WebhookAdmin.LOCAL_RUNTIME_FLAG, "true");
        APIGatewayV2HTTPResponse created = create(programId, "webhook-key-11", loopback);
        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(201);
    }

    @Test
    void rotateSecret_answersANewSecretOnce_keepsTheOldOneForTheGrace_and404sForUnknownOrDeleted() {
        JsonNode created = json(create(programId, "webhook-key-20", body(merchantId, "https://partner.example/hook",
                "[\"PointsAccrued\"]")));
        String subscriptionId = created.get("subscriptionId").asText();
        Map<String, String> path = Map.of("programId", programId, "subscriptionId", subscriptionId);

        APIGatewayV2HTTPResponse rotated = handler.handleRequest(post(ROTATE, path, Caller.operator(), "rotate-key-01",
                "{\"graceSeconds\":3600}"), null);

        assertThat(rotated.getStatusCode()).as(rotated.getBody()).isEqualTo(200);
        String secret = json(rotated).get("secret").asText();
        assertThat(secret).startsWith("whsec_").isNotEqualTo(created.get("secret").asText());
        assertThat(json(rotated).get("previousSecretValidUntil").asText()).isEqualTo("2026-11-23T10:30:00Z");
        var stored = new WebhookSubscriptions(context.dynamo(), context.tableName()).live(programId).getFirst();
        assertThat(stored.secret()).isEqualTo(secret);
        assertThat(stored.signingSecrets(clock.instant())).containsExactly(secret, created.get("secret").asText());
        assertThat(stored.signingSecrets(clock.instant().plusSeconds(3600))).as("after the grace").containsExactly(secret);
        JsonNode replay = json(handler.handleRequest(post(ROTATE, path, Caller.operator(), "rotate-key-01",
                "{\"graceSeconds\":3600}"), null));
        assertThat(replay.has("secret")).as("a replay does not show the secret again").isFalse();
        assertThat(new WebhookSubscriptions(context.dynamo(), context.tableName()).live(programId).getFirst().secret())
                .as("a replay rotates nothing").isEqualTo(secret);

        assertProblem(handler.handleRequest(post(ROTATE, Map.of("programId", programId, "subscriptionId", "whk_none"),
                Caller.operator(), "rotate-key-02", ""), null), 404, "not-found");
        assertProblem(handler.handleRequest(post(ROTATE, path, Caller.operator(), "rotate-key-03",
                "{\"graceSeconds\":604801}"), null), 400, "validation-failed");
        handler.handleRequest(get(DELETE, path, Map.of(), Caller.operator()), null);
        assertProblem(handler.handleRequest(post(ROTATE, path, Caller.operator(), "rotate-key-04", ""), null),
                404, "not-found");
    }

    @Test
    void deliveries_areListedNewestFirstInPages_and404ForAnUnknownSubscription() {
        String subscriptionId = json(create(programId, "webhook-key-30", body(merchantId, "https://partner.example/hook",
                "[\"PointsAccrued\"]"))).get("subscriptionId").asText();
        WebhookSubscriptions subscriptions = new WebhookSubscriptions(context.dynamo(), context.tableName());
        for (int i = 1; i <= 3; i++) {
            subscriptions.log(programId, new WebhookSubscriptions.DeliveryAttempt(subscriptionId, "evt_" + i,
                    "PointsAccrued", 1, clock.instant().plusSeconds(i), i == 2 ? "failed" : "delivered",
                    i == 2 ? 500 : 204, i == 2 ? "answered 500" : null));
        }
        Map<String, String> path = Map.of("programId", programId, "subscriptionId", subscriptionId);

        JsonNode first = json(handler.handleRequest(get(DELIVERIES, path, Map.of("limit", "2"), Caller.operator()), null));
        JsonNode second = json(handler.handleRequest(get(DELIVERIES, path,
                Map.of("limit", "2", "cursor", first.get("next").asText()), Caller.operator()), null));

        assertThat(first.get("items")).extracting(item -> item.get("eventId").asText()).containsExactly("evt_3", "evt_2");
        assertThat(first.at("/items/1/statusCode").asInt()).isEqualTo(500);
        assertThat(first.at("/items/1/outcome").asText()).isEqualTo("failed");
        assertThat(second.get("items")).extracting(item -> item.get("eventId").asText()).containsExactly("evt_1");
        assertThat(second.has("next")).isFalse();
        assertProblem(handler.handleRequest(get(DELIVERIES, Map.of("programId", programId, "subscriptionId", "whk_none"),
                Map.of(), Caller.operator()), null), 404, "not-found");
        assertProblem(handler.handleRequest(get(DELIVERIES, path, Map.of("cursor", "bm90LW91cnM"), Caller.operator()),
                null), 400, "validation-failed");
    }
}
