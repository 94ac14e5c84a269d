package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.earn.Adjustment;

import java.util.List;

/**
 * What a checkout charges and credits, all in minor units of the program currency and whole points.
 *
 * @param lines              per basket line (then per discountable adjustment) its amount, discount and net
 * @param subtotal           the lines plus all adjustments (a coupon takes off), before this engine's discounts
 * @param discountable       what discounts may take off: the lines plus the adjustments stacking makes discountable
 * @param totalDiscount      the sum of the line discounts, never above {@code discountable}
 * @param amountDue          subtotal - totalDiscount, never below zero
 * @param points             what points can and do pay
 * @param amountToPay        amountDue - points.appliedValue: what the member pays with money
 * @param pointsEarned       the points the purchase earns under the earn rules (the part paid with points earns nothing)
 * @param bonusPoints        extra points from MULTIPLIER promotions
 * @param birthdayPoints     the birthday bonus
 * @param cashbackPoints     cashback credited as points
 * @param blindRewards       the blind rewards drawn (at most one per pool)
 * @param applied            what applied, in the order it did
 * @param notApplied         what did not, and why
 */
public record Quote(String currency, List<LineQuote> lines, long subtotal, long discountable, long totalDiscount,
                    long amountDue, Points points, long amountToPay, long pointsEarned, long bonusPoints,
                    long birthdayPoints, long cashbackPoints, List<BlindReward> blindRewards, List<Applied> applied,
                    List<NotApplied> notApplied) {

    public Quote {
        lines = List.copyOf(lines);
        blindRewards = List.copyOf(blindRewards);
        applied = List.copyOf(applied);
        notApplied = List.copyOf(notApplied);
    }

    /** Where a discount, a payment or points come from. */
    public enum Kind { INSTANT_REWARD, BIRTHDAY, CARD, STAFF, PROMO_CODE, BLIND_REWARD, MULTIPLIER, CASHBACK, POINTS }

    /**
     * Why something did not apply (a promo code's own reasons are {@link PromoCode.Refusal}'s names; UNKNOWN is a code
     * the program does not have, or has switched off, which only the caller reading storage can tell).
     */
    public enum Reason {
        UNKNOWN, NOT_YET_VALID, EXPIRED, EXHAUSTED, MEMBER_LIMIT, BELOW_MINIMUM, NOT_ELIGIBLE, NO_ELIGIBLE_LINES,
        NOT_COMBINABLE, MAX_TOTAL_DISCOUNT, STAFF_CAP_REACHED, CONDITION_NOT_MET, OUTSIDE_BIRTHDAY_WINDOW, NOT_DRAWN,
        BUDGET_EXHAUSTED, SKU_NOT_IN_BASKET, POINTS_LIMITED, ALREADY_GRANTED
    }

    /**
     * One basket line ({@code adjustment} null) or discountable adjustment: its amount, the discount on it, and what
     * is left.
     */
    public record LineQuote(String sku, String category, Adjustment.Kind adjustment, long amount, long discount, long net) {
    }

    /**
     * @param usable         the most points this order can take: by discount.maxPointsPaymentBp of amountDue, by
     *                       discount.pointValue, and by the member's available points
     * @param usableValue    their money value (rounded down)
     * @param requested      what the member asked to spend (0 for none)
     * @param applied        the points the order spends: at most requested and usable, and never more than the
     *                       money they pay is worth (rounded up to whole points)
     * @param appliedValue   the money they pay
     */
    public record Points(long usable, long usableValue, long requested, long applied, long appliedValue) {
    }

    /** The blind reward drawn: points (POINTS) or money off one line (LINE_PERCENT, FREE_SKU). */
    public record BlindReward(String poolId, RewardPool.Reward.Kind kind, long points, long amount, String sku) {
    }

    /** @param amount minor units taken off (0 for points) @param points points credited or spent (0 for discounts) */
    public record Applied(Kind kind, String id, long amount, long points, String why) {
    }

    public record NotApplied(Kind kind, String id, Reason reason, String message) {
    }

    /** This quote with one more thing that did not apply (the caller's own finding, e.g. an unknown promo code). */
    public Quote withNotApplied(NotApplied more) {
        List<NotApplied> all = new java.util.ArrayList<>(notApplied);
        all.add(more);
        return new Quote(currency, lines, subtotal, discountable, totalDiscount, amountDue, points, amountToPay,
                pointsEarned, bonusPoints, birthdayPoints, cashbackPoints, blindRewards, applied, all);
    }

    /** Everything the member gets in points for this purchase. */
    public long pointsCredited() {
        return pointsEarned + bonusPoints + birthdayPoints + cashbackPoints
                + blindRewards.stream().mapToLong(BlindReward::points).sum();
    }
}
