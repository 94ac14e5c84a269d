package app.loyalty.shared.domain.earn;

/**
 * How fast points are earned, as an exact ratio: {@code points} for every {@code perMinorUnits} of eligible
 * spend, e.g. {@code new EarnRate(1, 100)} is one point per 1.00 EUR. Never a double: 1 point per 3.00 is
 * {@code (1, 300)}, not 0.333.
 */
public record EarnRate(long points, long perMinorUnits) {
    public EarnRate {
        if (points < 0) {
            throw new IllegalArgumentException("earn rate points must not be negative");
        }
        if (perMinorUnits < 1) {
            throw new IllegalArgumentException("earn rate perMinorUnits must be at least 1");
        }
    }
}
