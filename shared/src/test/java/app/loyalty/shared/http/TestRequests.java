package app.loyalty.shared.http;

import app.loyalty.shared.store.IdempotentWriter;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API Gateway HTTP API (payload 2.0) events as the authorizer and API Gateway would hand them to a handler, and
 * the {@link ApiRequest} a handler would see for them (whose constructor is package-private).
 * <pre>{@code
 * Caller merchant = Caller.merchant("m-1", "p-1");
 * APIGatewayV2HTTPEvent event = TestRequests.post("POST /v1/purchases", merchant, "order-42-key", """
 *         {"orderId": "42", ...}""");
 * APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);  // an ApiFunction
 * ApiRequest request = TestRequests.parse(event);                          // for code below the handler
 * }</pre>
 */
public final class TestRequests {
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}/]+)}");

    private TestRequests() {
    }

    /** A POST with a JSON body and an Idempotency-Key (null: none) from {@code caller} (null: no authorizer context). */
    public static APIGatewayV2HTTPEvent post(String routeKey, Caller caller, String idempotencyKey, String body) {
        return post(routeKey, Map.of(), caller, idempotencyKey, body);
    }

    /** As {@link #post(String, Caller, String, String)} on a route with path parameters, e.g. {cardNumber}. */
    public static APIGatewayV2HTTPEvent post(String routeKey, Map<String, String> pathParameters, Caller caller,
                                             String idempotencyKey, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        if (idempotencyKey != null) {
            headers.put(IdempotentWriter.HEADER.toLowerCase(Locale.ROOT), idempotencyKey);
        }
        return event(routeKey, pathParameters, Map.of(), headers, caller, body);
    }

    /** A GET with path and query parameters (either may be empty) from {@code caller}. */
    public static APIGatewayV2HTTPEvent get(String routeKey, Map<String, String> pathParameters,
                                            Map<String, String> queryParameters, Caller caller) {
        return event(routeKey, pathParameters, queryParameters, Map.of(), caller, null);
    }

    /** A request no route matched, as API Gateway hands it to the $default route's function. */
    public static APIGatewayV2HTTPEvent unmatched(String method, String rawPath, Caller caller) {
        APIGatewayV2HTTPEvent event = event(method + " " + rawPath, Map.of(), Map.of(), Map.of(), caller, null);
        event.setRouteKey(ApiFunction.DEFAULT_ROUTE_KEY);
        event.getRequestContext().setRouteKey(ApiFunction.DEFAULT_ROUTE_KEY);
        return event;
    }

    /** The request a handler's route operation receives for {@code event}. */
    public static ApiRequest parse(APIGatewayV2HTTPEvent event) {
        return ApiRequest.from(event, Json.MAPPER);
    }

    private static APIGatewayV2HTTPEvent event(String routeKey, Map<String, String> pathParameters,
                                               Map<String, String> queryParameters, Map<String, String> headers,
                                               Caller caller, String body) {
        String[] methodAndPath = routeKey.split(" ", 2);
        if (methodAndPath.length != 2 || !methodAndPath[1].startsWith("/")) {
            throw new IllegalArgumentException("A route key reads 'METHOD /path', not '" + routeKey + "'");
        }
        String method = methodAndPath[0];
        String rawPath = rawPath(methodAndPath[1], pathParameters);
        Instant now = Instant.now();
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = caller == null ? null
                : APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withLambda(new LinkedHashMap<>(caller.toAuthorizerContext())).build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(rawPath)
                .withRawQueryString(queryString(queryParameters))
                .withHeaders(headers.isEmpty() ? null : Map.copyOf(headers))
                .withPathParameters(pathParameters.isEmpty() ? null : Map.copyOf(pathParameters))
                .withQueryStringParameters(queryParameters.isEmpty() ? null : Map.copyOf(queryParameters))
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRouteKey(routeKey)
                        .withRequestId("test-" + UUID.randomUUID())
                        .withStage("$default")
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(rawPath)
                                .withProtocol("HTTP/1.1")
                                .withSourceIp("127.0.0.1")
                                .withUserAgent("loyalty-tests")
                                .build())
                        .withAuthorizer(authorizer)
                        .build())
                .build();
    }

    private static String rawPath(String template, Map<String, String> pathParameters) {
        Matcher matcher = PATH_PARAMETER.matcher(template);
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String value = pathParameters.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("Route " + template + " needs path parameter " + matcher.group(1));
            }
            matcher.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(path);
        return path.toString();
    }

    private static String queryString(Map<String, String> queryParameters) {
        StringBuilder query = new StringBuilder();
        queryParameters.forEach((name, value) -> {
            if (!query.isEmpty()) {
                query.append('&');
            }
            query.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return query.toString();
    }
}
