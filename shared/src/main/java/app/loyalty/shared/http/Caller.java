package app.loyalty.shared.http;

import java.util.Map;
import java.util.Optional;

/**
 * Who is calling, as the authorizer established it. Handlers take the merchant and program only from here,
 * never from the body or path.
 */
public record Caller(Role role, String merchantId, String programId) {
    public enum Role { OPERATOR, MERCHANT }

    public static final String CONTEXT_ROLE = "role";
    public static final String CONTEXT_MERCHANT_ID = "merchantId";
    public static final String CONTEXT_PROGRAM_ID = "programId";

    public static Caller operator() {
        return new Caller(Role.OPERATOR, null, null);
    }

    public static Caller merchant(String merchantId, String programId) {
        return new Caller(Role.MERCHANT, merchantId, programId);
    }

    /** The authorizer's context as it appears at requestContext.authorizer.lambda. */
    public Map<String, Object> toAuthorizerContext() {
        return role == Role.OPERATOR
                ? Map.of(CONTEXT_ROLE, role.name())
                : Map.of(CONTEXT_ROLE, role.name(), CONTEXT_MERCHANT_ID, merchantId, CONTEXT_PROGRAM_ID, programId);
    }

    public static Optional<Caller> fromAuthorizerContext(Map<String, Object> context) {
        if (context == null || !(context.get(CONTEXT_ROLE) instanceof String role)) {
            return Optional.empty();
        }
        return switch (role) {
            case "OPERATOR" -> Optional.of(operator());
            case "MERCHANT" -> context.get(CONTEXT_MERCHANT_ID) instanceof String merchant
                    && context.get(CONTEXT_PROGRAM_ID) instanceof String program
                    ? Optional.of(merchant(merchant, program)) : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** The scope idempotency keys live in: each merchant has its own, the operator one. */
    public String idempotencyScope() {
        return role == Role.OPERATOR ? "operator" : "merchant:" + merchantId;
    }

    public boolean isOperator() {
        return role == Role.OPERATOR;
    }

    /** Log-safe principal: ids only. */
    public String principal() {
        return role == Role.OPERATOR ? "operator" : merchantId;
    }
}
