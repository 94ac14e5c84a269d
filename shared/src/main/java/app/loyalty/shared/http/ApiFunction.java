package app.loyalty.shared.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import java.util.Map;

/**
 * Base of every HTTP function: dispatches on the route key, enforces who may call each route, turns
 * {@link ApiException} into problem+json, answers anything unexpected with a 500 logged once with the
 * request id, and writes one structured log line per request.
 */
public abstract class ApiFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Map<String, Route> routes;
    private final RequestLog log;

    protected ApiFunction(Map<String, Route> routes) {
        this(routes, RequestLog.STDOUT);
    }

    protected ApiFunction(Map<String, Route> routes, RequestLog log) {
        this.routes = Map.copyOf(routes);
        this.log = log;
    }

    /** The route keys ("POST /v1/members") this function answers; the template test checks them against template.yaml. */
    public final java.util.Set<String> routeKeys() {
        return routes.keySet();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        long started = System.nanoTime();
        ApiRequest request = ApiRequest.from(event, Json.MAPPER);
        ApiResponse response;
        Throwable unexpected = null;
        try {
            response = dispatch(request);
        } catch (ApiException e) {
            response = ApiResponse.problem(e.type(), e.getMessage(), request.requestId(), e.extensions());
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
