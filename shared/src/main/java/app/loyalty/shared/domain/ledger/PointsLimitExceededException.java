package app.loyalty.shared.domain.ledger;

/** A request would pass one of the {@link PointsLimits}; nothing was changed. */
public final class PointsLimitExceededException extends RuntimeException {
    public enum Limit { PURCHASE, BALANCE }

    private final Limit limit;
    private final long maximum;

    public PointsLimitExceededException(String message, Limit limit, long maximum) {
        super(message);
        this.limit = limit;
        this.maximum = maximum;
    }

    public Limit limit() {
        return limit;
    }

    public long maximum() {
        return maximum;
    }
}
