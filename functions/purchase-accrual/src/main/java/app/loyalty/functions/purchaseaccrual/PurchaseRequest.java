package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.http.BasketBodies;
import app.loyalty.shared.http.BasketBodies.AdjustmentBody;
import app.loyalty.shared.http.BasketBodies.LineBody;
import app.loyalty.shared.store.MemberStats;
import com.fasterxml.jackson.databind.JsonNode;
import app.loyalty.shared.store.OrderRepository.Line;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The body of POST /v1/purchases as a checkout sends it, checked on arrival (openapi.yaml: PurchaseRequest). The
 * fields added later come last and are left out when absent, so the fingerprint of a purchase sent without them is
 * what it was before they existed.
 */
record PurchaseRequest(String cardNumber, String memberId, String orderId, PurchaseRequest.MoneyBody total,
                       List<LineBody> lines, Long paidWithPoints, String promoCode, Instant purchasedAt,
                       List<AdjustmentBody> adjustments, JsonNode metadata, String redemptionId) {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    static final long MAX_AMOUNT = BasketBodies.MAX_AMOUNT;
    static final int MAX_LINES = BasketBodies.MAX_LINES;
    static final int MAX_ADJUSTMENTS = BasketBodies.MAX_ADJUSTMENTS;
    static final long MAX_QUANTITY = BasketBodies.MAX_QUANTITY;
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** How late a purchase may be posted; within the days MemberStats keeps per-day points for the cap. */
    static final Duration MAX_POSTING_DELAY = Duration.ofDays(MemberStats.POINTS_BY_DAY_KEPT - 1);

    record MoneyBody(Long amount, String currency) {
        MoneyBody {
            if (amount == null || amount < 1 || amount > MAX_AMOUNT) {
                throw new IllegalArgumentException("total.amount must be 1.." + MAX_AMOUNT + " minor units");
            }
            if (currency == null || !currency.matches("[A-Z]{3}")) {
                throw new IllegalArgumentException("total.currency must be an ISO 4217 code such as EUR");
            }
        }
    }

    PurchaseRequest {
        if ((cardNumber == null) == (memberId == null)) {
            throw new IllegalArgumentException("send exactly one of cardNumber and memberId");
        }
        if (memberId != null && !ID.matcher(memberId).matches()) {
            throw new IllegalArgumentException("memberId must be 1-64 characters: letters, digits, . _ : -");
        }
        if (orderId == null || !ID.matcher(orderId).matches()) {
            throw new IllegalArgumentException("orderId must be 1-64 characters: letters, digits, . _ : -");
        }
        if (total == null) {
            throw new IllegalArgumentException("total is required");
        }
        if (lines != null) {
            if (lines.size() > MAX_LINES) {
                throw new IllegalArgumentException("at most " + MAX_LINES + " lines");
            }
            if (lines.contains(null)) {
                throw new IllegalArgumentException("lines must not contain null");
            }
        }
        if (adjustments != null && (adjustments.size() > MAX_ADJUSTMENTS || adjustments.contains(null))) {
            throw new IllegalArgumentException("adjustments must hold at most " + MAX_ADJUSTMENTS + " adjustments, none null");
        }
        long adjusted = 0;
        for (AdjustmentBody adjustment : adjustments == null ? List.<AdjustmentBody>of() : adjustments) {
            adjusted += adjustment.amount(); // at most 20 x 10^10: no overflow
        }
        if (lines != null && !lines.isEmpty()) {
            long sum = 0;
            for (LineBody line : lines) {
                sum = Math.addExact(sum, Math.multiplyExact(line.quantity(), line.unitPrice()));
            }
            long basket = Math.addExact(sum, adjusted);
            if (basket <= 0) {
                throw new IllegalArgumentException("lines (" + sum + ") and adjustments (" + adjusted + ") add up to "
                        + basket + ": a purchase's total must be positive");
            }
            if (basket != total.amount()) {
                throw new IllegalArgumentException(adjusted == 0
                        ? "lines add up to " + sum + " but total.amount is " + total.amount()
                        : "lines (" + sum + ") and adjustments (" + adjusted + ") add up to " + basket
                        + " but total.amount is " + total.amount());
            }
        } else if (adjusted > total.amount()) {
            throw new IllegalArgumentException("adjustments add up to " + adjusted + ", more than total.amount "
                    + total.amount() + ": without lines the goods are total.amount minus the adjustments, never below 0");
        }
        if (paidWithPoints != null && (paidWithPoints < 0 || paidWithPoints > total.amount())) {
            throw new IllegalArgumentException("paidWithPoints must be 0..total.amount minor units");
        }
        if (redemptionId != null && !ID.matcher(redemptionId).matches()) {
            throw new IllegalArgumentException("redemptionId must be 1-64 characters: letters, digits, . _ : -");
        }
        if (promoCode != null && !ID.matcher(promoCode).matches()) {
            throw new IllegalArgumentException("promoCode must be 1-64 characters: letters, digits, . _ : -");
        }
        // Absent and empty are the same basket: an empty list is left out, so both fingerprint alike.
        adjustments = adjustments == null || adjustments.isEmpty() ? null : List.copyOf(adjustments);
        metadata = PurchaseMetadata.checked(metadata);
    }

    List<Adjustment> orderAdjustments() {
        return adjustments == null ? List.of() : adjustments.stream().map(AdjustmentBody::toAdjustment).toList();
    }

    List<Line> orderLines() {
        return lines == null ? List.of()
                : lines.stream().map(l -> new Line(l.sku(), l.category(), l.quantity(), l.unitPrice())).toList();
    }

    long paid() {
        return paidWithPoints == null ? 0 : paidWithPoints;
    }
}
