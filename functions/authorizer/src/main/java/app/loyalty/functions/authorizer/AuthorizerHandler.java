package app.loyalty.functions.authorizer;

import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.Environment;
import app.loyalty.shared.runtime.LambdaJson;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.crac.Core;
import org.crac.Resource;

/**
 * The HTTP API's Lambda authorizer (payload format 2.0, simple responses): maps {@code Authorization: Bearer <key>}
 * to the operator or to a merchant of a program. Its context reaches handlers at
 * {@code requestContext.authorizer.lambda} and is the only source of the caller's merchant and program.
 * <p>
 * Answers {@code {"isAuthorized": false}} for a missing, malformed or unknown key (API Gateway then answers 403);
 * a failed table read propagates, so API Gateway answers 500 rather than denying a valid key. A revoked key, or a
 * rotated-out key whose grace period has ended on the injected clock, is refused at once by this handler; API
 * Gateway may still serve a cached "allowed" for it for up to {@link ApiKeys#AUTHORIZER_CACHE_SECONDS} s.
 */
public final class AuthorizerHandler implements RequestStreamHandler, Resource {
    private static final String BEARER = "bearer ";

    private final AppContext app;
    private final String operatorKeySha256;
    private final RequestLog log;

    public AuthorizerHandler() {
        this(AppContext.fromEnvironment());
    }

    public AuthorizerHandler(AppContext app) {
        this(app, Environment.require(ApiKeys.OPERATOR_KEY_SHA256), RequestLog.STDOUT);
    }

    public AuthorizerHandler(AppContext app, String operatorKeySha256, RequestLog log) {
        this.app = app;
        // Validated here so a misconfigured hash fails the init, not every request.
        this.operatorKeySha256 = ApiKeys.operatorKeyHash(operatorKeySha256);
        this.log = log;
        // SnapStart calls beforeCheckpoint once, at publish time; elsewhere (tests, local runtime) nothing happens.
        Core.getGlobalContext().register(this);
    }

    /**
     * SnapStart priming: a well-formed merchant key that no merchant holds, so the snapshot holds a JVM that has run
     * the real path (header parsing, SHA-256, the GetItem with its SDK marshalling, signing and connection, the
     * decision log line) and the first request after a restore does not pay for it. Read-only: it is denied. It goes
     * in as JSON bytes through the stream entry, as Lambda delivers events, so the event parsing is primed too.
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        String priming = """
                {"version":"2.0","type":"REQUEST","routeKey":"GET /v1/priming","rawPath":"/v1/priming",
                 "identitySource":["Bearer %1$s"],"headers":{"authorization":"Bearer %1$s"},
                 "requestContext":{"requestId":"snapstart-priming","routeKey":"GET /v1/priming","stage":"$default",
                  "http":{"method":"GET","path":"/v1/priming"},"time":"01/Jan/2026:00:00:00 +0000","timeEpoch":0}}
                """.formatted(ApiKeys.MERCHANT_PREFIX + "A".repeat(43));
        LambdaJson.prime(this, priming.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to refresh: the client holds no per-instance state that a restored snapshot must rebuild.
    }

    /**
     * Lambda's entry (template.yaml's {@code ::handleRequest}): the event is read and the decision written with
     * {@link LambdaJson}, so the runtime client's own serialization (unprimable, and needing joda-time) never runs.
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode json = LambdaJson.MAPPER.readTree(input);
        // LambdaJson leaves the request context out (its class needs joda-time); the request id is all we use of it.
        JsonNode requestId = json.path("requestContext").path("requestId");
        APIGatewayV2CustomAuthorizerEvent event = LambdaJson.MAPPER.treeToValue(json, APIGatewayV2CustomAuthorizerEvent.class);
        LambdaJson.write(output, decide(event, requestId.isTextual() ? requestId.asText() : null));
    }

    /** The decision for an event already parsed: what tests call directly. */
    public Map<String, Object> handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        return decide(event, event.getRequestContext() == null ? null : event.getRequestContext().getRequestId());
    }

    private Map<String, Object> decide(APIGatewayV2CustomAuthorizerEvent event, String requestId) {
        Optional<Caller> caller = bearerToken(event).flatMap(this::authenticate);
        logDecision(requestId, caller);
        return caller
                .<Map<String, Object>>map(c -> Map.of("isAuthorized", true, "context", c.toAuthorizerContext()))
                .orElseGet(() -> Map.of("isAuthorized", false));
    }

    private Optional<Caller> authenticate(String key) {
        if (ApiKeys.isOperatorKey(key, operatorKeySha256)) {
            return Optional.of(Caller.operator());
        }
        return ApiKeys.lookup(app.dynamo(), app.tableName(), key, app.clock().instant());
    }

    /**
     * The key from the Authorization header; HTTP APIs lowercase header names in payload 2.0, and when the
     * route's identity source is that header API Gateway also passes its value in identitySource.
     */
    static Optional<String> bearerToken(APIGatewayV2CustomAuthorizerEvent event) {
        String authorization = header(event.getHeaders(), "authorization");
        if (authorization == null) {
            List<String> identitySource = event.getIdentitySource();
            authorization = identitySource == null || identitySource.isEmpty() ? null : identitySource.get(0);
        }
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return Optional.empty();
        }
        String token = authorization.substring(BEARER.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** API Gateway sends header names lowercased; other callers (tests, tools) may not. */
    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    /** One line per decision: ids only; the presented key, even a wrong one, never reaches the log. */
    private void logDecision(String requestId, Optional<Caller> caller) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", "INFO");
        line.put("requestId", requestId);
        line.put("outcome", caller.isPresent() ? "authorized" : "denied");
        line.put("principal", caller.map(Caller::principal).orElse(null));
        log.write(line);
    }
}
