package app.loyalty.shared.domain.earn;

import app.loyalty.shared.domain.program.ProgramRules;

/**
 * The part of a bill a checkout says was paid with points. Until redemptions spend points for real, a purchase only
 * states it; it must at least be possible: within the program's maximum share of a bill, and covered by the points
 * the member has available, converted at the program's point value (rounded up, so points never pay more than they
 * are worth).
 */
public final class PointsPayment {
    private PointsPayment() {
    }

    /**
     * @param total     the bill, minor units (> 0)
     * @param paid      the part paid with points, minor units (0..total)
     * @param available the member's available points now
     * @throws PointsPaymentRefusedException when the share or the points do not cover {@code paid}
     */
    public static void requireCovered(long total, long paid, long available, ProgramRules.Discount discount) {
        if (paid == 0) {
            return;
        }
        int maxBp = discount.maxPointsPaymentBp();
        if (Math.multiplyExact(paid, (long) EarnRules.ONE_X_BPS) > Math.multiplyExact(total, (long) maxBp)) {
            long maxPaid = Math.multiplyExact(total, (long) maxBp) / EarnRules.ONE_X_BPS;
            throw new PointsPaymentRefusedException("paidWithPoints " + paid + " is more than the program lets points pay: "
                    + maxBp / 100.0 + " % of " + total + " = " + maxPaid, PointsPaymentRefusedException.Reason.SHARE,
                    maxPaid, 0);
        }
        long needed = discount.pointValue().pointsFor(paid);
        if (needed > available) {
            throw new PointsPaymentRefusedException("paidWithPoints " + paid + " needs " + needed
                    + " points but the member has " + available + " available",
                    PointsPaymentRefusedException.Reason.POINTS, needed, available);
        }
    }
}
