package app.loyalty.shared.domain.earn;

import app.loyalty.shared.domain.ledger.Accrual;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The points one purchase earns, when they become available and expire, and how they were arrived at.
 *
 * @param expiresAt null when the points never expire
 */
public record Earning(long points, Instant availableAt, Instant expiresAt, Breakdown breakdown) {

    public enum Exclusion { CATEGORY, SKU }

    /** Which cap, if any, lowered the points. */
    public enum Cap { NONE, PURCHASE, DAY }

    /**
     * One basket line's part: {@code multiplierBps} is 0 when the line is excluded. A purchase sent without lines
     * shows one line with sku "total" and no category. A counted shipping, tax or fee adjustment shows as a line
     * with sku "adjustment:" + its kind ("adjustment:shipping"), no category, at x1.
     *
     * @param countedAdjustment the line's share of the counted coupons, at most zero and never more than the line:
     *                          what earns is {@code lineTotal + countedAdjustment}
     */
    public record LineEarning(String sku, String category, long lineTotal, int multiplierBps, Exclusion excludedBy,
                              long countedAdjustment) {
        public LineEarning {
            if (countedAdjustment > 0 || Math.addExact(lineTotal, countedAdjustment) < 0) {
                throw new IllegalArgumentException("a line's share of the coupons must be between -lineTotal and 0");
            }
        }

        /** A line no counted coupon touches. */
        public LineEarning(String sku, String category, long lineTotal, int multiplierBps, Exclusion excludedBy) {
            this(sku, category, lineTotal, multiplierBps, excludedBy, 0);
        }

        /** What of the line earns (before its multiplier): its total less its share of the counted coupons. */
        public long netTotal() {
            return lineTotal + countedAdjustment;
        }
    }

    /**
     * @param eligibleAmount   the total of the lines that earn (minor units, before multipliers), net of their share
     *                         of the counted coupons, counted charges (shipping, tax, fee) included
     * @param excludedAmount   the total of the excluded lines, net of their share of the counted coupons
     * @param earningAmount    the multiplied eligible amount after taking out the part paid with points, rounded
     *                         down to minor units: what the rate applied to (for display; points are computed
     *                         from the exact value)
     * @param pointsBeforeCaps the points the rate gives, rounded down, before the caps (0 below the minimum basket)
     * @param countedAdjustments   the signed sum of the adjustments the rules count (as sent; a counted coupon larger
     *                             than what it can be spread over takes everything off and no more)
     * @param uncountedAdjustments the signed sum of the adjustments the rules do not count
     */
    public record Breakdown(List<LineEarning> lines, long eligibleAmount, long excludedAmount, long paidWithPoints,
                            long earningAmount, EarnRate rate, boolean minimumBasketMet, long pointsBeforeCaps,
                            Cap cappedBy, long countedAdjustments, long uncountedAdjustments) {
        public Breakdown {
            lines = List.copyOf(lines);
            Objects.requireNonNull(rate, "rate");
            Objects.requireNonNull(cappedBy, "cappedBy");
        }

        /** A purchase without adjustments. */
        public Breakdown(List<LineEarning> lines, long eligibleAmount, long excludedAmount, long paidWithPoints,
                         long earningAmount, EarnRate rate, boolean minimumBasketMet, long pointsBeforeCaps,
                         Cap cappedBy) {
            this(lines, eligibleAmount, excludedAmount, paidWithPoints, earningAmount, rate, minimumBasketMet,
                    pointsBeforeCaps, cappedBy, 0, 0);
        }
    }

    public Earning {
        if (points < 0) {
            throw new IllegalArgumentException("points earned must not be negative");
        }
        Objects.requireNonNull(availableAt, "availableAt");
        Objects.requireNonNull(breakdown, "breakdown");
    }

    /** The new lot for these points, for {@code MemberLedger.accrue}. Only when there are points to accrue. */
    public Accrual toAccrual(String issuingMerchantId, String orderId) {
        if (points == 0) {
            throw new IllegalStateException("a purchase that earned no points creates no lot");
        }
        return new Accrual(points, issuingMerchantId, orderId, availableAt, expiresAt);
    }
}
