package app.loyalty.shared.domain.ledger;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Writing off expired points: one EXPIRE entry per lot that has reached its {@code expiresAt} (expiresAt == now
 * counts) with points remaining. Works on any collection of lots, so the expiry job can feed it the lots it
 * found through the date index without loading whole members.
 */
public final class LotExpiry {

    public static final String REASON = "expiry";

    private LotExpiry() {
    }

    /** The lots to write off at {@code now}, oldest expiry first. */
    public static List<PointsLot> dueLots(Collection<PointsLot> lots, Instant now) {
        return lots.stream()
                .filter(lot -> lot.isExpiredAt(now) && lot.remaining() > 0)
                .sorted(Comparator.comparing(PointsLot::expiresAt).thenComparing(PointsLot::lotId))
                .toList();
    }

    /**
     * The id of the EXPIRE entry for a lot. Derived from the lot alone (a lot expires at most once, taking all
     * its remaining points), so a rerun of the expiry job produces the same id and its conditional write of the
     * entry fails instead of expiring twice.
     */
    public static String entryIdFor(PointsLot lot) {
        return "expiry-" + lot.lotId();
    }

    /** The EXPIRE entry writing off everything left in an expired lot. */
    public static LedgerEntry entryFor(PointsLot lot, String programId, Instant now, Actor actor) {
        if (!lot.isExpiredAt(now) || lot.remaining() == 0) {
            throw new IllegalArgumentException("lot " + lot.lotId() + " has nothing to expire at " + now);
        }
        return new LedgerEntry(entryIdFor(lot), lot.memberId(), programId, EntryType.EXPIRE, -lot.remaining(), now,
                actor, REASON, null, List.of(new LotAllocation(lot.lotId(), lot.remaining())));
    }
}
