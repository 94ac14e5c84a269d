package app.loyalty.shared.domain.redeem;

import app.loyalty.shared.domain.program.ProgramRules.Discount.PointValue;

/** Points and the money they pay, at a program's point value, with the rounding that never favours the points. */
public final class PointsMoney {
    private PointsMoney() {
    }

    /** The money {@code points} pay, rounded down: a point never pays more than it is worth. */
    public static long valueOf(PointValue pointValue, long points) {
        return Math.multiplyExact(points, pointValue.minorUnits()) / pointValue.points();
    }

    /** The points that pay {@code amount}, rounded up. */
    public static long pointsFor(PointValue pointValue, long amount) {
        return pointValue.pointsFor(amount);
    }
}
