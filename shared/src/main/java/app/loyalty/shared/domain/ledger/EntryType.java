package app.loyalty.shared.domain.ledger;

/**
 * What a ledger entry did. The type fixes the sign of the entry's points, so a REDEEM can never add points
 * and an ACCRUE can never remove them.
 */
public enum EntryType {
    /** Points earned on a purchase: a new lot. Positive. */
    ACCRUE(Sign.POSITIVE),
    /** Points spent as a discount. Negative. */
    REDEEM(Sign.NEGATIVE),
    /** Points taken back because the purchase that earned them was returned. Negative. */
    REVERSE(Sign.NEGATIVE),
    /** Points that reached their lot's expiresAt unspent. Negative. */
    EXPIRE(Sign.NEGATIVE),
    /** A correction: positive (a new lot, or points given back to existing lots) or negative. */
    ADJUST(Sign.NON_ZERO),
    /** Points moved to or from another member. Positive on the receiving side, negative on the giving side. */
    TRANSFER(Sign.NON_ZERO),
    /** Pending points became available. Changes no balance, so its points are zero; its allocations name the lots. */
    ACTIVATE(Sign.ZERO);

    enum Sign { POSITIVE, NEGATIVE, NON_ZERO, ZERO }

    private final Sign sign;

    EntryType(Sign sign) {
        this.sign = sign;
    }

    /** Whether an entry of this type may carry this many points. */
    public boolean allows(long points) {
        return switch (sign) {
            case POSITIVE -> points > 0;
            case NEGATIVE -> points < 0;
            case NON_ZERO -> points != 0;
            case ZERO -> points == 0;
        };
    }

    /** False only for ACTIVATE, which records a change of state without moving points. */
    public boolean movesPoints() {
        return sign != Sign.ZERO;
    }
}
