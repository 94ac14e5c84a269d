package app.loyalty.shared.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** An API Gateway HTTP API (payload 2.0) request, reduced to what handlers need. */
public final class ApiRequest {
    /**
     * Bodies are small JSON documents; anything larger is refused before parsing. The largest valid request is
     * a purchase with the contract's 200 lines, each with a 64-character sku and category and the widest
     * quantity and price: about 38 KB written compactly (PurchaseRequestBoundsTest builds it). 64 KiB takes that
     * with room for a client that indents its JSON, and stays far below what API Gateway (10 MB) and Lambda
     * (6 MB) accept, so a hostile body costs at most a 64 KiB parse.
     */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final String routeKey;
    private final String method;
    private final String rawPath;
    private final String requestId;
    private final Map<String, String> pathParameters;
    private final Map<String, String> queryParameters;
    private final Map<String, String> headers;
    private final String body;
    /** Why the body cannot be read (too large, not UTF-8), thrown when a handler asks for it. */
    private final ApiException bodyProblem;
    private final Caller caller;
    private final ObjectMapper json;

    ApiRequest(String routeKey, String method, String rawPath, String requestId, Map<String, String> pathParameters,
               Map<String, String> queryParameters, Map<String, String> headers, String body, ApiException bodyProblem,
               Caller caller, ObjectMapper json) {
        this.routeKey = routeKey;
        this.method = method;
        this.rawPath = rawPath;
        this.requestId = requestId;
        this.pathParameters = pathParameters;
        this.queryParameters = queryParameters;
        this.headers = headers;
        this.body = body;
        this.bodyProblem = bodyProblem;
        this.caller = caller;
        this.json = json;
    }

    public static ApiRequest from(APIGatewayV2HTTPEvent event, ObjectMapper json) {
        var context = event.getRequestContext();
        String requestId = context == null ? "unknown" : context.getRequestId();
        Map<String, Object> authorizer = context == null || context.getAuthorizer() == null
                ? Map.of() : context.getAuthorizer().getLambda();
        Caller caller = Caller.fromAuthorizerContext(authorizer).orElse(null);
        Map<String, String> headers = event.getHeaders() == null ? Map.of() : event.getHeaders().entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue, (a, b) -> a));
        String body = event.getBody();
        ApiException bodyProblem = null;
        try {
            body = text(body, event.getIsBase64Encoded());
        } catch (ApiException e) {
            body = null;
            bodyProblem = e;
        }
        String method = context == null || context.getHttp() == null ? null : context.getHttp().getMethod();
        return new ApiRequest(event.getRouteKey(), method, event.getRawPath(), requestId,
                event.getPathParameters() == null ? Map.of() : Map.copyOf(event.getPathParameters()),
                event.getQueryStringParameters() == null ? Map.of() : Map.copyOf(event.getQueryStringParameters()),
                headers, body, bodyProblem, caller, json);
    }

    /**
     * The body as text. API Gateway hands over a body it does not take for text base64-encoded; its bytes must be
     * UTF-8 (RFC 8259 section 8.1). They are decoded with REPORT, not the usual REPLACE: replacing would store
     * U+FFFD in place of whatever the client meant, and answer 201 for it.
     */
    private static String text(String body, boolean base64) {
        if (body == null) {
            return null;
        }
        if (!base64) {
            if (body.length() > MAX_BODY_BYTES || body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            return body;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "The body is not valid base64 although isBase64Encoded is set");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "The body is not valid UTF-8");
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(ProblemType.PAYLOAD_TOO_LARGE, "The body exceeds " + MAX_BODY_BYTES + " bytes");
    }

    public String routeKey() {
        return routeKey;
    }

    /** The HTTP method as sent; on the $default route the route key does not carry it. */
    public String method() {
        return method;
    }

    /** The path as sent (not the route template). */
    public String rawPath() {
        return rawPath;
    }

    public String requestId() {
        return requestId;
    }

    /** The authenticated caller; absent only if the authorizer was bypassed, which {@link ApiFunction} refuses. */
    public Caller caller() {
        return caller;
    }

    /** Longest id any route takes; a longer one names nothing, and DynamoDB would refuse it as a key. */
    static final int MAX_PATH_PARAMETER = 128;

    public String pathParameter(String name) {
        String value = pathParameters.get(name);
        if (value == null || value.isBlank()) {
            throw ApiException.validation("Missing path parameter " + name);
        }
        if (value.length() > MAX_PATH_PARAMETER) {
            throw ApiException.notFound(name + " of " + value.length() + " characters");
        }
        return value;
    }

    /** Path parameters, sorted by name, as they take part in request fingerprints. */
    public java.util.SortedMap<String, String> pathParameters() {
        return new java.util.TreeMap<>(pathParameters);
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(queryParameters.get(name)).filter(v -> !v.isBlank());
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT))).filter(v -> !v.isBlank());
    }

    public String rawBody() {
        if (bodyProblem != null) {
            throw bodyProblem;
        }
        return body == null ? "" : body;
    }

    /**
     * Parses the body strictly into {@code type}: unknown fields, wrong types and missing bodies are 400s,
     * and records validate themselves in their constructors (an {@link ApiException} or
     * IllegalArgumentException there becomes a 400 naming the problem).
     */
    public <T> T body(Class<T> type) {
        if (bodyProblem != null) {
            throw bodyProblem;
        }
        if (body == null || body.isBlank()) {
            throw ApiException.validation("A JSON body is required");
        }
        header("content-type").ifPresent(contentType -> {
            if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
            }
        });
        try {
            T value = json.readValue(body, type);
            if (value == null) {
                throw ApiException.validation("A JSON object is required");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.validation("Unknown field '" + e.getPropertyName() + "'");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApiException api) {
                throw api;
            }
            // Only our own validation messages are meant for clients; anything else would leak Java internals.
            if (cause instanceof IllegalArgumentException invalid && invalid.getMessage() != null) {
                throw ApiException.validation(invalid.getMessage());
            }
            throw ApiException.validation("Invalid value for '" + fieldPath(e) + "'");
        } catch (MismatchedInputException e) {
            String expected = StrictTime.expected(e.getTargetType());
            if (expected != null) {
                throw ApiException.validation("'" + fieldPath(e) + "' must be " + expected);
            }
            throw ApiException.validation((e instanceof InvalidFormatException ? "Invalid value for '" : "Wrong type or shape for '")
                    + fieldPath(e) + "'");
        } catch (JsonProcessingException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "The body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The body as a canonical JSON tree, for request fingerprints. */
    public JsonNode bodyTree() {
        if (bodyProblem != null) {
            throw bodyProblem;
        }
        if (body == null || body.isBlank()) {
            return json.nullNode();
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "The body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String fieldPath(com.fasterxml.jackson.databind.JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "(body)" : path;
    }
}
