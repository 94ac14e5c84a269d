package app.loyalty.shared.domain.settlement;

import app.loyalty.shared.domain.ledger.EntryType;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a settlement needs of one ledger entry: its type and signed points, where it happened (the merchant of the
 * actor, null for the system or the operator), its reason, and the points per issuing merchant of the lots it
 * touched. Built from the stored entry (its allocations carry their lot's issuer), so the settlement derives from
 * the ledger alone.
 */
public record SettlementEntry(String entryId, EntryType type, long points, Instant at, String merchantId,
                              String reason, List<IssuerShare> shares) {
    /** The reason of the ADJUST entries that give back points spent on an order that was returned (PointsRefunds). */
    public static final String RETURN_REFUND = "return-refund";

    public SettlementEntry {
        Objects.requireNonNull(entryId, "entryId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        shares = List.copyOf(shares);
        long sum = 0;
        for (IssuerShare share : shares) {
            sum = Math.addExact(sum, share.points());
        }
        if (type.movesPoints() && sum != Math.abs(points)) {
            throw new IllegalArgumentException("entry " + entryId + ": shares add up to " + sum + ", not " + Math.abs(points));
        }
    }

    /** Points of the lots of one issuing merchant that the entry moved (always positive). */
    public record IssuerShare(String issuerId, long points) {
        public IssuerShare {
            Objects.requireNonNull(issuerId, "issuerId");
            if (points < 1) {
                throw new IllegalArgumentException("a share is at least 1 point");
            }
        }
    }

    /** +1 when the entry added points to the lots, -1 when it took them. */
    public int sign() {
        return Long.signum(points);
    }
}
