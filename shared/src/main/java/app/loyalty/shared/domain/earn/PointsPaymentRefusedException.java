package app.loyalty.shared.domain.earn;

/** A purchase's paidWithPoints cannot be right: more than the program's share, or more than the member's points. */
public final class PointsPaymentRefusedException extends RuntimeException {
    public enum Reason { SHARE, POINTS }

    private final Reason reason;
    private final long limit;
    private final long available;

    /**
     * @param limit     SHARE: the most points may pay (minor units); POINTS: the points the payment needs
     * @param available POINTS: the member's available points; 0 for SHARE
     */
    public PointsPaymentRefusedException(String message, Reason reason, long limit, long available) {
        super(message);
        this.reason = reason;
        this.limit = limit;
        this.available = available;
    }

    public Reason reason() {
        return reason;
    }

    public long limit() {
        return limit;
    }

    public long available() {
        return available;
    }
}
