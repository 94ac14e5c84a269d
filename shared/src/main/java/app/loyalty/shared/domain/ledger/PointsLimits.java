package app.loyalty.shared.domain.ledger;

/**
 * Upper bounds on points, far below {@link Long#MAX_VALUE} so that no sum the ledger or the member figures form can
 * overflow: a balance at the cap plus a purchase at its cap is still about 9,000 times below the largest long.
 * Accepted earn rules can produce more than this in one purchase (10^10 minor units x 10^6 points per minor unit x
 * a x10 multiplier = 10^17), so these are enforced per request: a purchase that would earn more than
 * {@link #MAX_POINTS_PER_PURCHASE}, or take a balance past {@link #MAX_BALANCE}, is refused and writes nothing.
 */
public final class PointsLimits {
    /** 10^12 points in one purchase (a trillion: no real program gives that; the per-purchase cap of the rules may be lower). */
    public static final long MAX_POINTS_PER_PURCHASE = 1_000_000_000_000L;
    /** 10^15 points on one member: the balance (sum of lot remainders) never exceeds it. */
    public static final long MAX_BALANCE = 1_000_000_000_000_000L;

    private PointsLimits() {
    }

    /**
     * Refuses an accrual of {@code points} onto a member holding {@code balance} points when either limit would be
     * passed.
     */
    public static void requireAccrualWithin(long points, long balance) {
        if (points > MAX_POINTS_PER_PURCHASE) {
            throw new PointsLimitExceededException("The purchase would earn " + points + " points, more than the "
                    + MAX_POINTS_PER_PURCHASE + " one purchase may earn; lower the program's rate or set "
                    + "earn.maxPointsPerPurchase", PointsLimitExceededException.Limit.PURCHASE, MAX_POINTS_PER_PURCHASE);
        }
        if (balance > MAX_BALANCE - points) {
            throw new PointsLimitExceededException("The purchase would take the member's balance of " + balance
                    + " points past the " + MAX_BALANCE + " a member may hold",
                    PointsLimitExceededException.Limit.BALANCE, MAX_BALANCE);
        }
    }
}
