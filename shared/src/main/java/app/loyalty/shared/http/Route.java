package app.loyalty.shared.http;

/** One route of a function: who may call it and what answers it. */
public record Route(Access access, Operation operation) {
    /** ANY_CALLER: any key the authorizer accepted, operator or merchant. */
    public enum Access { OPERATOR, MERCHANT, ANY_CALLER }

    @FunctionalInterface
    public interface Operation {
        ApiResponse handle(ApiRequest request);
    }

    public static Route operator(Operation operation) {
        return new Route(Access.OPERATOR, operation);
    }

    public static Route merchant(Operation operation) {
        return new Route(Access.MERCHANT, operation);
    }

    boolean admits(Caller caller) {
        return switch (access) {
            case OPERATOR -> caller.role() == Caller.Role.OPERATOR;
            case MERCHANT -> caller.role() == Caller.Role.MERCHANT;
            case ANY_CALLER -> true;
        };
    }
}
