package app.loyalty.functions.authorizer;

import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.Environment;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;

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
 * a failed table read propagates, so API Gateway answers 500 rather than denying a valid key.
 */
public final class AuthorizerHandler implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, Map<String, Object>>, Resource {
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
     * decision log line) and the first request after a restore does not pay for it. Read-only: it is denied.
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        APIGatewayV2CustomAuthorizerEvent priming = APIGatewayV2CustomAuthorizerEvent.builder()
                .withVersion("2.0")
                .withType("REQUEST")
                .withRouteKey("GET /v1/priming")
                .withHeaders(Map.of("authorization", "Bearer " + ApiKeys.MERCHANT_PREFIX + "A".repeat(43)))
                .withRequestContext(APIGatewayV2CustomAuthorizerEvent.RequestContext.builder()
                        .withRequestId("snapstart-priming").build())
                .build();
        handleRequest(priming, null);
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to refresh: the client holds no per-instance state that a restored snapshot must rebuild.
    }

    @Override
    public Map<String, Object> handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        Optional<Caller> caller = bearerToken(event).flatMap(this::authenticate);
        logDecision(event, caller);
        return caller
                .<Map<String, Object>>map(c -> Map.of("isAuthorized", true, "context", c.toAuthorizerContext()))
                .orElseGet(() -> Map.of("isAuthorized", false));
    }

    private Optional<Caller> authenticate(String key) {
        if (ApiKeys.isOperatorKey(key, operatorKeySha256)) {
            return Optional.of(Caller.operator());
        }
        return ApiKeys.lookup(app.dynamo(), app.tableName(), key);
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
    private void logDecision(APIGatewayV2CustomAuthorizerEvent event, Optional<Caller> caller) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", "INFO");
        line.put("requestId", event.getRequestContext() == null ? null : event.getRequestContext().getRequestId());
        line.put("outcome", caller.isPresent() ? "authorized" : "denied");
        line.put("principal", caller.map(Caller::principal).orElse(null));
        log.write(line);
    }
}
