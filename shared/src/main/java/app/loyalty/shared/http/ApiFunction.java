package app.loyalty.shared.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import app.loyalty.shared.runtime.LambdaJson;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;

/**
 * Base of every HTTP function: dispatches on the route key, enforces who may call each route, turns
 * {@link ApiException} into problem+json, answers anything unexpected with a 500 logged once with the
 * request id, and writes one structured log line per request.
 */
public abstract class ApiFunction implements RequestStreamHandler, Resource {
    /**
     * API Gateway's catch-all route key: requests no other route matches. One function hosts it (template.yaml:
     * program-admin) and answers it with {@link #routeNotFound()}, so an unknown route is a problem+json 404
     * instead of the gateway's bare {"message":"Not Found"}. It sits behind the authorizer like every route: a
     * caller without a valid key gets the gateway's 401/403, the same as on a real route, and learns nothing
     * about which routes exist.
     */
    public static final String DEFAULT_ROUTE_KEY = "$default";

    private final Map<String, Route> routes;
    private final RequestLog log;

    protected ApiFunction(Map<String, Route> routes) {
        this(routes, RequestLog.STDOUT);
    }

    protected ApiFunction(Map<String, Route> routes, RequestLog log) {
        this.routes = Map.copyOf(routes);
        this.log = log;
        // SnapStart calls beforeCheckpoint once, at publish time; elsewhere (tests, local runtime) nothing happens.
        Core.getGlobalContext().register(this);
    }

    /**
     * Requests run once before the SnapStart snapshot, so the snapshot holds a JVM that has already loaded and
     * JIT-warmed the real request path (event parsing, routing, the DynamoDB client and its connection setup,
     * Jackson, problem rendering). They must be read-only; a lookup of an id that does not exist is ideal.
     * The paths that find data or write are primed by the functions themselves, in memory, with shared's
     * {@code InMemoryDynamoDb} and {@code Priming} (docs/performance.md, "Found-path priming").
     */
    protected List<APIGatewayV2HTTPEvent> primingRequests() {
        return List.of();
    }

    /**
     * Each priming request goes in as JSON bytes through the stream entry, the way Lambda delivers it, so the
     * snapshot also holds the event parsing and response writing of {@link LambdaJson}.
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        for (APIGatewayV2HTTPEvent request : primingRequests()) {
            try {
                LambdaJson.prime(this, LambdaJson.MAPPER.writeValueAsBytes(request));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("A priming request does not serialize", e);
            }
        }
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to refresh: clients hold no per-instance state that a restored snapshot must rebuild.
    }

    /** A read-only request for {@link #primingRequests()}: an authorized GET of {@code rawPath} on {@code routeKey}. */
    public static APIGatewayV2HTTPEvent primingGet(String routeKey, Map<String, String> pathParameters, Caller caller) {
        String path = routeKey.substring(routeKey.indexOf(' ') + 1);
        for (var parameter : pathParameters.entrySet()) {
            path = path.replace("{" + parameter.getKey() + "}", parameter.getValue());
        }
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withPathParameters(pathParameters)
                .withHeaders(Map.of("user-agent", "snapstart-priming"))
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("snapstart-priming")
                        .withRouteKey(routeKey)
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withLambda(new java.util.HashMap<>(caller.toAuthorizerContext())).build())
                        .build())
                .build();
    }

    /** The $default route: any authorized caller gets a route-not-found problem naming the method and path. */
    protected static Route routeNotFound() {
        return new Route(Route.Access.ANY_CALLER, request -> {
            throw new ApiException(ProblemType.ROUTE_NOT_FOUND,
                    "No operation at " + request.method() + " " + request.rawPath() + "; openapi.yaml lists them");
        });
    }

    /** The route keys ("POST /v1/members") this function answers; the template test checks them against template.yaml. */
    public final java.util.Set<String> routeKeys() {
        return routes.keySet();
    }

    /**
     * Lambda's entry (template.yaml's {@code ::handleRequest}): the event is read and the response written with
     * {@link LambdaJson}, so the runtime client's own serialization (unprimable, and needing joda-time) never runs.
     */
    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        APIGatewayV2HTTPResponse response = handleRequest(LambdaJson.read(input, APIGatewayV2HTTPEvent.class), context);
        JsonGenerator json = LambdaJson.generator(output);
        json.writeStartObject();
        json.writeNumberField("statusCode", response.getStatusCode());
        if (response.getHeaders() != null) {
            json.writeObjectField("headers", response.getHeaders());
        }
        if (response.getBody() != null) {
            json.writeStringField("body", response.getBody());
        }
        json.writeBooleanField("isBase64Encoded", response.getIsBase64Encoded());
        json.writeEndObject();
        json.flush();
    }

    /** The request as an event already parsed: what the stream entry calls, and what tests call directly. */
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        long started = System.nanoTime();
        ApiRequest request = ApiRequest.from(event, Json.MAPPER);
        ApiResponse response;
        Throwable unexpected = null;
        try {
            response = dispatch(request);
        } catch (ApiException e) {
            response = ApiResponse.problem(e.type(), e.getMessage(), request.requestId(), e.extensions());
            // A 429 of a velocity limit says when to come back, as HTTP clients and SDK retry policies expect.
            if (e.extensions().get("retryAfterSeconds") instanceof Number seconds) {
                response = response.withHeader("Retry-After", Long.toString(seconds.longValue()));
            }
        } catch (RuntimeException e) {
            unexpected = e;
            response = ApiResponse.problem(ProblemType.INTERNAL, "Something went wrong; quote this request id to support",
                    request.requestId(), Map.of());
        }
        long latencyMs = (System.nanoTime() - started) / 1_000_000;
        log.request(request, response.status(), latencyMs, unexpected);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(response.headers())
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }

    private ApiResponse dispatch(ApiRequest request) {
        Route route = routes.get(request.routeKey());
        if (route == null) {
            throw new ApiException(ProblemType.ROUTE_NOT_FOUND, "No route " + request.routeKey());
        }
        if (request.caller() == null) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "No authenticated caller");
        }
        if (!route.admits(request.caller())) {
            throw new ApiException(ProblemType.FORBIDDEN, "This operation needs " + route.access().name().toLowerCase() + " credentials");
        }
        return route.operation().handle(request);
    }
}
