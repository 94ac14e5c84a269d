package app.loyalty.shared.http;

import java.util.Map;

/**
 * A failure the client should see, rendered as RFC 9457 problem+json by {@link ApiFunction}.
 * Thrown before anything is written, so a request that fails with it has changed nothing.
 */
public class ApiException extends RuntimeException {
    private final ProblemType type;
    private final Map<String, Object> extensions;

    public ApiException(ProblemType type, String detail) {
        this(type, detail, Map.of());
    }

    public ApiException(ProblemType type, String detail, Map<String, Object> extensions) {
        super(detail);
        this.type = type;
        this.extensions = extensions;
    }

    public ProblemType type() {
        return type;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public static ApiException validation(String detail) {
        return new ApiException(ProblemType.VALIDATION, detail);
    }

    public static ApiException notFound(String what) {
        return new ApiException(ProblemType.NOT_FOUND, what + " not found");
    }
}
