package app.loyalty.functions.discountcalculation;

import java.util.regex.Pattern;

/**
 * The body of POST /v1/redemptions (openapi.yaml: HoldRequest): the member by card or id, the order, and what to hold,
 * either {@code points} or a money {@code amount} converted at the program's point value (rounded up, so the points
 * held always pay at least the amount). {@code orderAmount}, when sent, applies the program's share limit.
 */
record HoldRequest(String cardNumber, String memberId, String orderId, Long points, Long amount, Long orderAmount) {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    static final long MAX_POINTS = 1_000_000_000_000L;
    static final long MAX_AMOUNT = 10_000_000_000L;

    HoldRequest {
        if ((cardNumber == null) == (memberId == null)) {
            throw new IllegalArgumentException("send exactly one of cardNumber and memberId");
        }
        if (memberId != null && !ID.matcher(memberId).matches()) {
            throw new IllegalArgumentException("memberId must be 1-64 characters: letters, digits, . _ : -");
        }
        if (orderId == null || !ID.matcher(orderId).matches()) {
            throw new IllegalArgumentException("orderId must be 1-64 characters: letters, digits, . _ : -");
        }
        if ((points == null) == (amount == null)) {
            throw new IllegalArgumentException("send exactly one of points and amount");
        }
        if (points != null && (points < 1 || points > MAX_POINTS)) {
            throw new IllegalArgumentException("points must be 1.." + MAX_POINTS);
        }
        if (amount != null && (amount < 1 || amount > MAX_AMOUNT)) {
            throw new IllegalArgumentException("amount must be 1.." + MAX_AMOUNT + " minor units");
        }
        if (orderAmount != null && (orderAmount < 1 || orderAmount > MAX_AMOUNT)) {
            throw new IllegalArgumentException("orderAmount must be 1.." + MAX_AMOUNT + " minor units");
        }
    }
}
