package app.loyalty.shared.domain.ledger;

/** A spend (or a negative adjustment) asked for more points than the member has available. Nothing was changed. */
public class InsufficientPointsException extends RuntimeException {
    private final long requested;
    private final long available;

    public InsufficientPointsException(long requested, long available) {
        super("requested " + requested + " points but only " + available + " are available");
        this.requested = requested;
        this.available = available;
    }

    public long requested() {
        return requested;
    }

    public long available() {
        return available;
    }
}
