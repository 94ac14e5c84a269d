package app.loyalty.functions.discountcalculation;

/**
 * The optional body of POST /v1/redemptions/{id}/capture (openapi.yaml: CaptureRequest): {@code orderId} must be the
 * hold's order when sent; {@code amount} captures less than was held (the points that pay it, rounded up; the rest is
 * released).
 */
record CaptureRequest(String orderId, Long amount) {
    CaptureRequest {
        if (orderId != null && !HoldRequest.ID.matcher(orderId).matches()) {
            throw new IllegalArgumentException("orderId must be 1-64 characters: letters, digits, . _ : -");
        }
        if (amount != null && (amount < 1 || amount > HoldRequest.MAX_AMOUNT)) {
            throw new IllegalArgumentException("amount must be 1.." + HoldRequest.MAX_AMOUNT + " minor units");
        }
    }
}
