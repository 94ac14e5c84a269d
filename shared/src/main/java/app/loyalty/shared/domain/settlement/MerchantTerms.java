package app.loyalty.shared.domain.settlement;

/**
 * One merchant's part of a program's partner agreement. Rates are minor units of the program currency per
 * 1,000 points ({@value #PER_POINTS} points), whole numbers, so a rate of a fraction of a cent per point needs no
 * double: 0.35 cents per point is 350 per 1,000 points.
 *
 * @param issue                        whether purchases at this merchant may earn points (issue them)
 * @param redeem                       whether points may be spent at this merchant (holds, captures, paidWithPoints)
 * @param issueFeePer1000              what the merchant owes the operator per 1,000 points it issues
 * @param reimbursementPer1000         what the merchant is paid per 1,000 points of other merchants redeemed at it,
 *                                     by the merchant that issued them
 * @param prepaidPoints                null: no prepaid budget; else the points the merchant may issue in total
 * @param lowBudgetPoints              MerchantBudgetLow is published once when the points left of the budget fall
 *                                     below this (null: never); at most prepaidPoints
 */
public record MerchantTerms(boolean issue, boolean redeem, long issueFeePer1000, long reimbursementPer1000,
                            Long prepaidPoints, Long lowBudgetPoints) {
    public static final long PER_POINTS = 1_000;
    /** 10^9 minor units per 1,000 points is a million currency units per point: no real rate comes near it. */
    public static final long MAX_RATE = 1_000_000_000L;
    /** The balance cap of one member (PointsLimits.MAX_BALANCE) is far above any merchant's budget. */
    public static final long MAX_PREPAID = 1_000_000_000_000_000L;

    /** A program without an agreement: every merchant issues and redeems, no fees, no budget. */
    public static final MerchantTerms OPEN = new MerchantTerms(true, true, 0, 0, null, null);

    public MerchantTerms {
        if (issueFeePer1000 < 0 || issueFeePer1000 > MAX_RATE) {
            throw new IllegalArgumentException("issueFeePer1000 must be 0.." + MAX_RATE);
        }
        if (reimbursementPer1000 < 0 || reimbursementPer1000 > MAX_RATE) {
            throw new IllegalArgumentException("reimbursementPer1000 must be 0.." + MAX_RATE);
        }
        if (prepaidPoints != null && (prepaidPoints < 1 || prepaidPoints > MAX_PREPAID)) {
            throw new IllegalArgumentException("prepaidPoints must be 1.." + MAX_PREPAID);
        }
        if (lowBudgetPoints != null) {
            if (prepaidPoints == null) {
                throw new IllegalArgumentException("lowBudgetPoints needs prepaidPoints");
            }
            if (lowBudgetPoints < 1 || lowBudgetPoints > prepaidPoints) {
                throw new IllegalArgumentException("lowBudgetPoints must be 1..prepaidPoints");
            }
        }
    }

    public boolean hasBudget() {
        return prepaidPoints != null;
    }

    /**
     * The issued total at which the budget is low: {@code prepaid - lowBudgetPoints}; a purchase whose issued total
     * goes from below it to at or above it publishes MerchantBudgetLow. Null when there is no threshold.
     */
    public Long lowMark() {
        return lowBudgetPoints == null ? null : prepaidPoints - lowBudgetPoints;
    }
}
