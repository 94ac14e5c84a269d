package app.loyalty.local.lambda;

/** A function invocation failed: its init or its handler threw. Carries the function's exception as cause. */
public final class FunctionError extends RuntimeException {
    private final String functionId;

    public FunctionError(String functionId, String message, Throwable cause) {
        super(functionId + ": " + message, cause);
        this.functionId = functionId;
    }

    public String functionId() {
        return functionId;
    }
}
