package app.loyalty.shared.http;

/** The stable problem types of the API; their URIs are part of the contract in openapi.yaml. */
public enum ProblemType {
    VALIDATION(400, "validation-failed", "The request is not valid"),
    MALFORMED_JSON(400, "malformed-json", "The body is not valid JSON"),
    IDEMPOTENCY_KEY_MISSING(400, "idempotency-key-missing", "An Idempotency-Key header is required"),
    UNAUTHORIZED(401, "unauthorized", "Missing or unknown API key"),
    FORBIDDEN(403, "forbidden", "This key may not call this operation"),
    PARTNER_NOT_ALLOWED(403, "partner-not-allowed", "The program's partner agreement does not allow this merchant to do this"),
    NOT_FOUND(404, "not-found", "Not found"),
    ROUTE_NOT_FOUND(404, "route-not-found", "No such route"),
    CONFLICT(409, "conflict", "The request conflicts with the current state"),
    REQUEST_IN_FLIGHT(409, "request-in-flight", "A request with this Idempotency-Key is still being processed"),
    CARD_BLOCKED(409, "card-blocked", "The card is blocked"),
    MEMBER_EXISTS(409, "member-exists", "A member with this contact or external id is already enrolled"),
    MEMBER_ERASED(410, "member-erased", "The member's personal data was erased on request"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "The body is too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Send application/json"),
    IDEMPOTENCY_KEY_REUSED(422, "idempotency-key-reused", "This Idempotency-Key was used with a different request"),
    POINTS_LIMIT_EXCEEDED(422, "points-limit-exceeded", "The request would pass a points limit"),
    POINTS_PAYMENT_NOT_COVERED(422, "points-payment-not-covered", "The points payment is not covered"),
    MERCHANT_BUDGET_EXHAUSTED(422, "merchant-budget-exhausted", "The merchant's prepaid points budget does not cover the points"),
    PROMO_CODE_REFUSED(422, "promo-code-refused", "The promo code does not apply to this purchase"),
    INSUFFICIENT_POINTS(422, "insufficient-points", "The member has fewer points available than the request takes"),
    TOO_MANY_REQUESTS(429, "too-many-requests", "A velocity limit of the program was reached; retry after Retry-After seconds"),
    INTERNAL(500, "internal", "Internal error");

    public static final String BASE_URI = "https://api.loyalty.example/problems/";

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String uri() {
        return BASE_URI + slug;
    }

    public String title() {
        return title;
    }
}
