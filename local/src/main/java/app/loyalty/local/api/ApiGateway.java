package app.loyalty.local.api;

import app.loyalty.local.lambda.FunctionError;
import app.loyalty.local.lambda.FunctionHost;
import app.loyalty.local.template.Intrinsics;
import app.loyalty.local.template.Template;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API Gateway (HTTP API, payload format 2.0) in front of the template's functions: selects the route, runs the
 * route's Lambda authorizer, builds the integration event and maps the function's answer back to HTTP.
 * <p>
 * Answers of the gateway itself mirror AWS, including their plain {"message": ...} bodies (not problem+json):
 * 404 "Not Found" for no route; 401 "Unauthorized" when the authorizer's identity source (the Authorization
 * header) is missing, without invoking the authorizer; 403 "Forbidden" when the authorizer says
 * isAuthorized=false; 500 "Internal Server Error" when the authorizer or the function fails. Authorizer
 * decisions are cached per identity value for the template's ReauthorizeEvery, on the runtime clock.
 */
public final class ApiGateway {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String API_ID = "local";
    private static final String STAGE = "$default";

    private final RouteTable routes;
    private final FunctionHost functions;
    private final Clock clock;
    private final String region;
    private final Map<String, CachedDecision> authorizerCache = new ConcurrentHashMap<>();

    private record CachedDecision(Instant expiresAt, Optional<JsonNode> context) {
    }

    public ApiGateway(List<Template.Route> routes, FunctionHost functions, Clock clock, String region) {
        this.routes = new RouteTable(routes);
        this.functions = functions;
        this.clock = clock;
        this.region = region;
    }

    public GatewayResponse handle(GatewayRequest request) {
        String requestId = newRequestId();
        Optional<RouteTable.Match> match = routes.match(request.method(), request.rawPath());
        if (match.isEmpty()) {
            return GatewayResponse.gatewayMessage(404, "Not Found", requestId);
        }
        Template.Route route = match.get().route();
        Instant now = clock.instant();
        Map<String, String> headers = headers(request);
        String cookies = headers.remove("cookie"); // payload 2.0 carries cookies in their own field
        ObjectNode requestContext = requestContext(request, route, headers, requestId, now);

        ObjectNode authorizerContext = null;
        if (route.authorizer().isPresent()) {
            Template.Authorizer authorizer = route.authorizer().get();
            List<String> identity = new ArrayList<>();
            for (String header : authorizer.identityHeaders()) {
                String value = headers.get(header.toLowerCase(Locale.ROOT));
                if (value == null || value.isBlank()) {
                    return GatewayResponse.gatewayMessage(401, "Unauthorized", requestId);
                }
                identity.add(value);
            }
            Optional<JsonNode> decision;
            try {
                decision = authorize(authorizer, identity, request, route, match.get().pathParameters(), headers,
                        cookies, requestContext, now);
            } catch (FunctionError e) {
                // The function host has logged it with its stack; the client sees what AWS shows.
                return GatewayResponse.gatewayMessage(500, "Internal Server Error", requestId);
            } catch (IllegalStateException e) {
                System.err.println("[" + authorizer.functionId() + "] " + e.getMessage());
                return GatewayResponse.gatewayMessage(500, "Internal Server Error", requestId);
            }
            if (decision.isEmpty()) {
                return GatewayResponse.gatewayMessage(403, "Forbidden", requestId);
            }
            authorizerContext = JSON.createObjectNode();
            authorizerContext.set("lambda", decision.get());
        }

        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", route.routeKey());
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQuery() == null ? "" : request.rawQuery());
        addCookies(event, cookies);
        event.set("headers", JSON.valueToTree(headers));
        addQuery(event, request.rawQuery());
        ObjectNode context = requestContext.deepCopy();
        if (authorizerContext != null) {
            context.set("authorizer", authorizerContext);
        }
        event.set("requestContext", context);
        if (!match.get().pathParameters().isEmpty()) {
            event.set("pathParameters", JSON.valueToTree(match.get().pathParameters()));
        }
        addBody(event, request, headers);

        String result;
        try {
            result = functions.get(route.functionId()).invoke(event.toString());
        } catch (FunctionError e) {
            return GatewayResponse.gatewayMessage(500, "Internal Server Error", requestId);
        }
        return response(result, requestId);
    }

    /** The authorizer's context when it allows the request, empty when it denies it. */
    private Optional<JsonNode> authorize(Template.Authorizer authorizer, List<String> identity, GatewayRequest request,
                                         Template.Route route, Map<String, String> pathParameters,
                                         Map<String, String> headers, String cookies, ObjectNode requestContext,
                                         Instant now) {
        String cacheKey = authorizer.name() + "\n" + String.join("\n", identity);
        CachedDecision cached = authorizerCache.get(cacheKey);
        if (cached != null && now.isBefore(cached.expiresAt())) {
            return cached.context();
        }
        ObjectNode event = JSON.createObjectNode();
        event.put("version", authorizer.payloadFormatVersion());
        event.put("type", "REQUEST");
        event.put("routeArn", "arn:aws:execute-api:" + region + ":" + Intrinsics.ACCOUNT + ":" + API_ID + "/" + STAGE
                + "/" + request.method() + request.rawPath());
        event.set("identitySource", JSON.valueToTree(identity));
        event.put("routeKey", route.routeKey());
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQuery() == null ? "" : request.rawQuery());
        addCookies(event, cookies);
        event.set("headers", JSON.valueToTree(headers));
        addQuery(event, request.rawQuery());
        event.set("requestContext", requestContext);
        if (!pathParameters.isEmpty()) {
            event.set("pathParameters", JSON.valueToTree(pathParameters));
        }

        JsonNode answer = readJson(functions.get(authorizer.functionId()).invoke(event.toString()), authorizer.functionId());
        Optional<JsonNode> decision = authorizer.simpleResponses() ? simpleDecision(answer) : policyDecision(answer);
        if (authorizer.resultTtlSeconds() > 0) {
            authorizerCache.put(cacheKey, new CachedDecision(now.plusSeconds(authorizer.resultTtlSeconds()), decision));
        }
        return decision;
    }

    private static Optional<JsonNode> simpleDecision(JsonNode answer) {
        if (!answer.path("isAuthorized").isBoolean()) {
            throw invalidAuthorizerAnswer("a simple response needs a boolean isAuthorized", answer);
        }
        return answer.get("isAuthorized").asBoolean()
                ? Optional.of(answer.path("context").isObject() ? answer.get("context") : JSON.createObjectNode())
                : Optional.empty();
    }

    /** IAM policy responses: allowed when a statement allows; resources are not evaluated locally. */
    private static Optional<JsonNode> policyDecision(JsonNode answer) {
        JsonNode statements = answer.path("policyDocument").path("Statement");
        if (!statements.isArray()) {
            throw invalidAuthorizerAnswer("an IAM policy response needs policyDocument.Statement", answer);
        }
        boolean allowed = false;
        for (JsonNode statement : statements) {
            if (statement.path("Effect").asText().equals("Deny")) {
                return Optional.empty();
            }
            allowed |= statement.path("Effect").asText().equals("Allow");
        }
        return allowed ? Optional.of(answer.path("context").isObject() ? answer.get("context") : JSON.createObjectNode())
                : Optional.empty();
    }

    private static IllegalStateException invalidAuthorizerAnswer(String problem, JsonNode answer) {
        return new IllegalStateException("Authorizer answer rejected: " + problem + ": " + answer);
    }

    /**
     * Payload 2.0 responses: an object with statusCode is a response; anything else is a 200 JSON body, as
     * API Gateway infers it.
     */
    private static GatewayResponse response(String result, String requestId) {
        JsonNode answer;
        try {
            answer = JSON.readTree(result);
        } catch (JsonProcessingException e) {
            answer = null; // not JSON: passed through as the body, like API Gateway does
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("apigw-requestid", List.of(requestId));
        if (answer == null || !answer.isObject() || !answer.has("statusCode")) {
            headers.put("Content-Type", List.of("application/json"));
            String body = answer != null && answer.isTextual() ? answer.asText() : result;
            return new GatewayResponse(200, headers, body.getBytes(StandardCharsets.UTF_8));
        }
        answer.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), List.of(h.getValue().asText())));
        answer.path("multiValueHeaders").fields().forEachRemaining(h -> {
            List<String> values = new ArrayList<>();
            h.getValue().forEach(v -> values.add(v.asText()));
            headers.put(h.getKey(), values);
        });
        List<String> cookies = new ArrayList<>();
        answer.path("cookies").forEach(cookie -> cookies.add(cookie.asText()));
        if (!cookies.isEmpty()) {
            headers.put("Set-Cookie", cookies);
        }
        JsonNode bodyNode = answer.path("body");
        byte[] body = bodyNode.isMissingNode() || bodyNode.isNull() ? new byte[0]
                : answer.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(bodyNode.asText())
                : bodyNode.asText().getBytes(StandardCharsets.UTF_8);
        return new GatewayResponse(answer.get("statusCode").asInt(), headers, body);
    }

    private ObjectNode requestContext(GatewayRequest request, Template.Route route, Map<String, String> headers,
                                      String requestId, Instant now) {
        String host = headers.getOrDefault("host", "localhost");
        ObjectNode context = JSON.createObjectNode();
        context.put("accountId", Intrinsics.ACCOUNT);
        context.put("apiId", API_ID);
        context.put("domainName", host);
        context.put("domainPrefix", host.split("[.:]", 2)[0]);
        ObjectNode http = context.putObject("http");
        http.put("method", request.method());
        http.put("path", request.rawPath());
        http.put("protocol", request.protocol());
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        context.put("requestId", requestId);
        context.put("routeKey", route.routeKey());
        context.put("stage", STAGE);
        context.put("time", REQUEST_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());
        return context;
    }

    /** Payload 2.0 headers: names lowercased, repeated headers joined with commas, cookies moved out. */
    private static Map<String, String> headers(GatewayRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach((name, values) ->
                headers.merge(name.toLowerCase(Locale.ROOT), String.join(",", values), (a, b) -> a + "," + b));
        return headers;
    }

    private static void addCookies(ObjectNode event, String cookieHeader) {
        if (cookieHeader != null) {
            event.set("cookies", JSON.valueToTree(List.of(cookieHeader.split(";\\s*"))));
        }
    }

    /** Payload 2.0 query parameters: decoded, repeated names joined with commas. */
    private static void addQuery(ObjectNode event, String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        event.set("queryStringParameters", JSON.valueToTree(parameters));
    }

    /**
     * Text bodies go as they are; anything else base64-encoded, as API Gateway does for binary media. A body
     * sent as text whose bytes are not UTF-8 also goes base64-encoded: decoding it here would replace the bad
     * bytes with U+FFFD, and the function could no longer tell a client's mistake from a real character. AWS
     * does not document what it does with such a body; passing the exact bytes lets the function's own strict
     * decoding refuse it (400), which is the behaviour the deployed stack must have whatever the gateway does.
     */
    private static void addBody(ObjectNode event, GatewayRequest request, Map<String, String> headers) {
        if (request.body() == null || request.body().length == 0) {
            event.put("isBase64Encoded", false);
            return;
        }
        String contentType = headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
        boolean text = contentType.isEmpty() || contentType.startsWith("text/") || contentType.contains("json")
                || contentType.contains("xml") || contentType.startsWith("application/x-www-form-urlencoded")
                || contentType.startsWith("application/javascript");
        Optional<String> utf8 = text ? utf8(request.body()) : Optional.empty();
        if (utf8.isPresent()) {
            event.put("body", utf8.get());
            event.put("isBase64Encoded", false);
        } else {
            event.put("body", Base64.getEncoder().encodeToString(request.body()));
            event.put("isBase64Encoded", true);
        }
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static JsonNode readJson(String json, String functionId) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(functionId + " answered something that is not JSON", e);
        }
    }

    /** API Gateway's request ids look like "Jx7u0iXGIAMEVxQ=": 10 random bytes, base64. */
    private static String newRequestId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
