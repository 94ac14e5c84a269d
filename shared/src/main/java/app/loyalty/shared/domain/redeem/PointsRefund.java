package app.loyalty.shared.domain.redeem;

import java.util.ArrayList;
import java.util.List;

/**
 * How a return splits between money and points when the order was paid partly with points, without drift. For an
 * order of {@code amount} minor units of which {@code paidWithPoints} were paid by {@code pointsSpent} points, after
 * returns totalling {@code returned}:
 * <ul>
 *   <li>points given back so far: {@code floor(pointsSpent x returned / amount)};</li>
 *   <li>money refunded so far: {@code returned - floor(paidWithPoints x returned / amount)}.</li>
 * </ul>
 * Each return gives the difference from the previous one, so returns adding up to the whole order give back exactly
 * the points spent and the money paid. Points go back to the lots they came from in reverse spending order
 * (latest-expiring first), as new lots with the same issuing merchant and expiry ({@link #pieces}).
 */
public final class PointsRefund {
    private PointsRefund() {
    }

    /** One return's share: points to give back and money to refund. */
    public record Step(long points, long money, long pointsAfter) {
    }

    public static Step step(long amount, long paidWithPoints, long pointsSpent, long returnedBefore, long returnedAfter) {
        if (amount < 1 || returnedBefore < 0 || returnedAfter < returnedBefore || returnedAfter > amount
                || paidWithPoints < 0 || paidWithPoints > amount || pointsSpent < 0) {
            throw new IllegalArgumentException("not a return of this order");
        }
        long pointsBefore = share(pointsSpent, returnedBefore, amount);
        long pointsAfter = share(pointsSpent, returnedAfter, amount);
        long moneyBefore = returnedBefore - share(paidWithPoints, returnedBefore, amount);
        long moneyAfter = returnedAfter - share(paidWithPoints, returnedAfter, amount);
        return new Step(pointsAfter - pointsBefore, moneyAfter - moneyBefore, pointsAfter);
    }

    /** A piece of points taken from one lot, and going back as issued by the same merchant. */
    public record Piece(String lotId, long points) {
    }

    /**
     * The pieces of the spent lots that the points between {@code from} and {@code to} (counted over the lots in
     * reverse spending order) come from.
     */
    public static List<Piece> pieces(List<Piece> spentInOrder, long from, long to) {
        List<Piece> pieces = new ArrayList<>();
        long offset = 0;
        for (int i = spentInOrder.size() - 1; i >= 0; i--) {
            Piece lot = spentInOrder.get(i);
            long start = Math.max(from, offset);
            long end = Math.min(to, offset + lot.points());
            if (end > start) {
                pieces.add(new Piece(lot.lotId(), end - start));
            }
            offset += lot.points();
        }
        return pieces;
    }

    /** floor(total x part / whole), exact for any longs in range (the product may pass 2^63). */
    private static long share(long total, long part, long whole) {
        return java.math.BigInteger.valueOf(total).multiply(java.math.BigInteger.valueOf(part))
                .divide(java.math.BigInteger.valueOf(whole)).longValueExact();
    }
}
