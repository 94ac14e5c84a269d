package app.loyalty.functions.authorizer;

import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The authorizer against DynamoDB Local, fed the real-shaped payload events/authorizer/request.json. */
class AuthorizerHandlerTest {
    /** The key in events/authorizer/request.json. */
    private static final String PAYLOAD_KEY = "lk_d6wihNZy9lGHopcIuonGmwKqNaIlaTMLgU4gEe9QLq8";
    private static final String OPERATOR_KEY = "operator-key-for-tests";

    private final MutableClock clock = MutableClock.at("2026-11-23T09:00:00Z");
    private AppContext app;
    private ByteArrayOutputStream logged;
    private AuthorizerHandler handler;

    @BeforeEach
    void setUp() {
        app = TestContexts.appContext(clock);
        logged = new ByteArrayOutputStream();
        handler = new AuthorizerHandler(app, ApiKeys.hash(OPERATOR_KEY),
                new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_authorizesTheMerchantOfAStoredKey_withItsMerchantAndProgramInTheContext(
            APIGatewayV2CustomAuthorizerEvent event) {
        storeMerchantKey(PAYLOAD_KEY, "m-acme", "p-coffee");

        Map<String, Object> response = handler.handleRequest(event, null);

        assertThat(response).containsEntry("isAuthorized", true)
                .containsEntry("context", Map.of("role", "MERCHANT", "merchantId", "m-acme", "programId", "p-coffee"));
        assertThat(Caller.fromAuthorizerContext(context(response))).contains(Caller.merchant("m-acme", "p-coffee"));
    }

    /** Lambda's entry: the payload's bytes in, the simple response's JSON out, the request id in the log line. */
    @Test
    void streamEntry_answersTheRealPayloadAsJson_andLogsItsRequestId() throws Exception {
        storeMerchantKey(PAYLOAD_KEY, "m-acme", "p-coffee");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        try (InputStream payload = getClass().getClassLoader().getResourceAsStream("authorizer/request.json")) {
            handler.handleRequest(payload, out, null);
        }

        assertThat(Json.MAPPER.readTree(out.toByteArray())).isEqualTo(Json.MAPPER.readTree(
                "{\"isAuthorized\":true,\"context\":{\"role\":\"MERCHANT\",\"merchantId\":\"m-acme\",\"programId\":\"p-coffee\"}}"));
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("\"requestId\":\"Bq3xNh2YjoEEMsQ=\"");
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_authorizesTheOperator_whenTheKeyHashesToTheConfiguredOperatorHash(
            APIGatewayV2CustomAuthorizerEvent event) {
        event.setHeaders(withAuthorization(event, "Bearer " + OPERATOR_KEY));

        Map<String, Object> response = handler.handleRequest(event, null);

        assertThat(response).containsEntry("isAuthorized", true).containsEntry("context", Map.of("role", "OPERATOR"));
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_deniesAWellFormedKeyThatIsNotStored(APIGatewayV2CustomAuthorizerEvent event) {
        storeMerchantKey(ApiKeys.generate(), "m-acme", "p-coffee");

        assertThat(handler.handleRequest(event, null)).isEqualTo(Map.of("isAuthorized", false));
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_deniesARevokedKey_atOnce(APIGatewayV2CustomAuthorizerEvent event) {
        storeMerchantKey(PAYLOAD_KEY, "m-acme", "p-coffee");
        assertThat(handler.handleRequest(event, null)).containsEntry("isAuthorized", true);

        revoke(PAYLOAD_KEY);

        assertThat(handler.handleRequest(event, null)).isEqualTo(Map.of("isAuthorized", false));
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_acceptsARotatedOutKeyDuringItsGrace_andDeniesItFromTheEndOfTheGraceOn(
            APIGatewayV2CustomAuthorizerEvent event) {
        storeMerchantKey(PAYLOAD_KEY, "m-acme", "p-coffee");
        Instant graceEnds = clock.instant().plus(ApiKeys.DEFAULT_ROTATION_GRACE);
        app.dynamo().transactWriteItems(TransactWriteItemsRequest.builder()
                .transactItems(ApiKeys.expireAt(app.tableName(), ApiKeys.hash(PAYLOAD_KEY), graceEnds)).build());

        clock.set(graceEnds.minusSeconds(1));
        assertThat(handler.handleRequest(event, null)).containsEntry("isAuthorized", true);
        clock.set(graceEnds);
        assertThat(handler.handleRequest(event, null)).isEqualTo(Map.of("isAuthorized", false));
    }

    /**
     * Revocation as callers see it through API Gateway, which caches each decision per Authorization header for
     * ReauthorizeEvery = {@link ApiKeys#AUTHORIZER_CACHE_SECONDS} (a template test holds the two equal): the revoked
     * key is still served from a decision cached before the revocation, and refused once that entry is older than
     * the TTL. {@link GatewayCache} is API Gateway's cache on the test clock.
     */
    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void revokedKey_isRefused_onceTheGatewaysCachedDecisionIsOlderThanTheCacheTtl(APIGatewayV2CustomAuthorizerEvent event) {
        storeMerchantKey(PAYLOAD_KEY, "m-acme", "p-coffee");
        GatewayCache gateway = new GatewayCache(handler, clock, ApiKeys.AUTHORIZER_CACHE_SECONDS);
        assertThat(gateway.authorize(event)).isTrue();
        Instant cachedAt = clock.instant();

        revoke(PAYLOAD_KEY);

        clock.set(cachedAt.plusSeconds(ApiKeys.AUTHORIZER_CACHE_SECONDS - 1));
        assertThat(gateway.authorize(event)).as("still served from the cached decision").isTrue();
        clock.set(cachedAt.plusSeconds(ApiKeys.AUTHORIZER_CACHE_SECONDS));
        assertThat(gateway.authorize(event)).as("cache entry expired: the authorizer is asked again").isFalse();
        assertThat(gateway.invocations).isEqualTo(2);
    }

    /** API Gateway's authorizer cache: one decision per identity (the Authorization header) for ttlSeconds. */
    private static final class GatewayCache {
        private final AuthorizerHandler authorizer;
        private final MutableClock clock;
        private final int ttlSeconds;
        private final Map<String, Map.Entry<Instant, Boolean>> decisions = new HashMap<>();
        int invocations;

        GatewayCache(AuthorizerHandler authorizer, MutableClock clock, int ttlSeconds) {
            this.authorizer = authorizer;
            this.clock = clock;
            this.ttlSeconds = ttlSeconds;
        }

        boolean authorize(APIGatewayV2CustomAuthorizerEvent event) {
            String identity = event.getHeaders().get("authorization");
            Map.Entry<Instant, Boolean> cached = decisions.get(identity);
            if (cached != null && clock.instant().isBefore(cached.getKey().plusSeconds(ttlSeconds))) {
                return cached.getValue();
            }
            invocations++;
            boolean allowed = Boolean.TRUE.equals(authorizer.handleRequest(event, null).get("isAuthorized"));
            decisions.put(identity, Map.entry(clock.instant(), allowed));
            return allowed;
        }
    }

    private void revoke(String key) {
        app.dynamo().transactWriteItems(TransactWriteItemsRequest.builder()
                .transactItems(ApiKeys.revoke(app.tableName(), ApiKeys.hash(key), clock.instant())).build());
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_deniesTheOperatorHashPresentedAsIfItWereTheKey(APIGatewayV2CustomAuthorizerEvent event) {
        event.setHeaders(withAuthorization(event, "Bearer " + ApiKeys.hash(OPERATOR_KEY)));
        event.setIdentitySource(List.of("Bearer " + ApiKeys.hash(OPERATOR_KEY)));

        assertThat(handler.handleRequest(event, null)).isEqualTo(Map.of("isAuthorized", false));
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_deniesAStoredKeySentWithoutTheBearerScheme(APIGatewayV2CustomAuthorizerEvent event) {
        storeMerchantKey(PAYLOAD_KEY, "m-acme", "p-coffee");
        event.setHeaders(withAuthorization(event, "Basic " + PAYLOAD_KEY));
        event.setIdentitySource(List.of("Basic " + PAYLOAD_KEY));

        assertThat(handler.handleRequest(event, null)).isEqualTo(Map.of("isAuthorized", false));
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_deniesARequestWithoutAnyCredentials(APIGatewayV2CustomAuthorizerEvent event) {
        storeMerchantKey(PAYLOAD_KEY, "m-acme", "p-coffee");
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.remove("authorization");
        event.setHeaders(headers);
        event.setIdentitySource(null);

        assertThat(handler.handleRequest(event, null)).isEqualTo(Map.of("isAuthorized", false));
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_readsTheKeyFromIdentitySource_whenTheHeaderIsAbsent(APIGatewayV2CustomAuthorizerEvent event) {
        storeMerchantKey(PAYLOAD_KEY, "m-acme", "p-coffee");
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.remove("authorization");
        event.setHeaders(headers);

        assertThat(handler.handleRequest(event, null)).containsEntry("isAuthorized", true);
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_acceptsTheBearerSchemeInAnyCase(APIGatewayV2CustomAuthorizerEvent event) {
        storeMerchantKey(PAYLOAD_KEY, "m-acme", "p-coffee");
        event.setHeaders(withAuthorization(event, "bearer " + PAYLOAD_KEY));

        assertThat(handler.handleRequest(event, null)).containsEntry("isAuthorized", true);
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_logsOneLineWithRequestIdOutcomeAndPrincipal_butNeverTheKey(APIGatewayV2CustomAuthorizerEvent event) {
        storeMerchantKey(PAYLOAD_KEY, "m-acme", "p-coffee");

        handler.handleRequest(event, null);

        String log = logged.toString(StandardCharsets.UTF_8);
        assertThat(log.lines()).singleElement().asString()
                .contains("\"requestId\":\"Bq3xNh2YjoEEMsQ=\"", "\"outcome\":\"authorized\"", "\"principal\":\"m-acme\"")
                .doesNotContain(PAYLOAD_KEY, ApiKeys.hash(PAYLOAD_KEY));
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_logsADenialWithoutThePresentedKey(APIGatewayV2CustomAuthorizerEvent event) {
        handler.handleRequest(event, null);

        assertThat(logged.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
                .contains("\"outcome\":\"denied\"")
                .doesNotContain(PAYLOAD_KEY, ApiKeys.hash(PAYLOAD_KEY));
    }

    @ParameterizedTest
    @Event(value = "authorizer/request.json", type = APIGatewayV2CustomAuthorizerEvent.class)
    void handleRequest_propagatesATableFailure_insteadOfDenyingAValidKey(APIGatewayV2CustomAuthorizerEvent event) {
        AuthorizerHandler onMissingTable = new AuthorizerHandler(
                new AppContext(app.dynamo(), "no-such-table", app.clock(), app.json()),
                ApiKeys.hash(OPERATOR_KEY), new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> onMissingTable.handleRequest(event, null))
                .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class);
    }

    @org.junit.jupiter.api.Test
    void constructor_refusesAnOperatorKeyConfiguredInPlaceOfItsHash() {
        assertThatThrownBy(() -> new AuthorizerHandler(app, OPERATOR_KEY, RequestLog.STDOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(OPERATOR_KEY);
    }

    private void storeMerchantKey(String key, String merchantId, String programId) {
        app.dynamo().transactWriteItems(TransactWriteItemsRequest.builder()
                .transactItems(ApiKeys.put(app.tableName(), ApiKeys.hash(key), merchantId, programId, Instant.now(app.clock())))
                .build());
    }

    private static Map<String, String> withAuthorization(APIGatewayV2CustomAuthorizerEvent event, String value) {
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("authorization", value);
        return headers;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> context(Map<String, Object> response) {
        return (Map<String, Object>) response.get("context");
    }
}
