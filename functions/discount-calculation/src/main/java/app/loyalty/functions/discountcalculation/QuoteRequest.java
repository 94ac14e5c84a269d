package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.http.BasketBodies;
import app.loyalty.shared.http.BasketBodies.AdjustmentBody;
import app.loyalty.shared.http.BasketBodies.LineBody;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The body of POST /v1/discounts/quote (openapi.yaml: QuoteRequest): the member by card or id, the order, the basket
 * as a purchase would send it (BasketLine, BasketAdjustment, the same bounds), and optionally a promo code and the
 * points the member wants to pay with. {@code currency}, when sent, must be the program's. A basket without lines is
 * sent as its {@code amount} (what a purchase sends as {@code total.amount}, adjustments included), instead of
 * {@code lines}: its goods are then one line, as the purchase without lines prices them (BasketLine.wholePurchase).
 */
record QuoteRequest(String cardNumber, String memberId, String orderId, String currency, List<LineBody> lines,
                    List<AdjustmentBody> adjustments, String promoCode, Long pointsToSpend, Long amount) {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    static final long MAX_POINTS = 1_000_000_000_000L;

    QuoteRequest {
        if ((cardNumber == null) == (memberId == null)) {
            throw new IllegalArgumentException("send exactly one of cardNumber and memberId");
        }
        if (memberId != null && !ID.matcher(memberId).matches()) {
            throw new IllegalArgumentException("memberId must be 1-64 characters: letters, digits, . _ : -");
        }
        if (orderId == null || !ID.matcher(orderId).matches()) {
            throw new IllegalArgumentException("orderId must be 1-64 characters: letters, digits, . _ : -");
        }
        if (currency != null && !currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code such as EUR");
        }
        if ((lines == null) == (amount == null)) {
            throw new IllegalArgumentException("send exactly one of lines and amount (a basket without lines)");
        }
        if (lines != null && (lines.isEmpty() || lines.size() > BasketBodies.MAX_LINES || lines.contains(null))) {
            throw new IllegalArgumentException("lines must hold 1.." + BasketBodies.MAX_LINES + " basket lines, none null");
        }
        if (amount != null && (amount < 1 || amount > BasketBodies.MAX_AMOUNT)) {
            throw new IllegalArgumentException("amount must be 1.." + BasketBodies.MAX_AMOUNT + " minor units");
        }
        if (adjustments != null && (adjustments.size() > BasketBodies.MAX_ADJUSTMENTS || adjustments.contains(null))) {
            throw new IllegalArgumentException("adjustments must hold at most " + BasketBodies.MAX_ADJUSTMENTS + " adjustments, none null");
        }
        long adjusted = 0;
        for (AdjustmentBody adjustment : adjustments == null ? List.<AdjustmentBody>of() : adjustments) {
            adjusted += adjustment.amount(); // at most 20 x 10^10: no overflow
        }
        long sum = 0;
        if (lines == null) {
            // As a purchase without lines: the goods are the amount less the adjustments, never negative.
            sum = amount - adjusted;
            if (sum < 0) {
                throw new IllegalArgumentException("adjustments (" + adjusted + ") add up to more than amount ("
                        + amount + "): the goods of a basket without lines must not be negative");
            }
        } else {
            for (LineBody line : lines) {
                sum = Math.addExact(sum, Math.multiplyExact(line.quantity(), line.unitPrice()));
            }
        }
        if (sum + adjusted <= 0) {
            throw new IllegalArgumentException("lines (" + sum + ") and adjustments (" + adjusted + ") add up to "
                    + (sum + adjusted) + ": a basket's total must be positive");
        }
        if (sum + adjusted > BasketBodies.MAX_AMOUNT) {
            throw new IllegalArgumentException("lines and adjustments add up to " + (sum + adjusted) + ", more than "
                    + BasketBodies.MAX_AMOUNT + " minor units");
        }
        if (promoCode != null && !ID.matcher(promoCode).matches()) {
            throw new IllegalArgumentException("promoCode must be 1-64 characters: letters, digits, . _ : -");
        }
        if (pointsToSpend != null && (pointsToSpend < 0 || pointsToSpend > MAX_POINTS)) {
            throw new IllegalArgumentException("pointsToSpend must be 0.." + MAX_POINTS);
        }
        lines = lines == null ? null : List.copyOf(lines);
        adjustments = adjustments == null ? List.of() : List.copyOf(adjustments);
    }

    /** The lines as sent, or a basket without lines as one line of its goods (as the purchase prices it). */
    List<BasketLine> basketLines() {
        if (lines == null) {
            long adjusted = adjustments.stream().mapToLong(AdjustmentBody::amount).sum();
            return List.of(BasketLine.wholePurchase(amount - adjusted));
        }
        return lines.stream().map(LineBody::toBasketLine).toList();
    }

    List<Adjustment> basketAdjustments() {
        return adjustments.stream().map(AdjustmentBody::toAdjustment).toList();
    }
}
