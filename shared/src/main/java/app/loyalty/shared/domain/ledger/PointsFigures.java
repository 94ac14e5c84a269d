package app.loyalty.shared.domain.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A member's points summarised so that the balance at any instant follows without reading a single lot. Kept on the
 * member's profile and changed, in the same transaction, by every write that changes a lot:
 * <ul>
 *   <li>{@code total}: the sum of every lot's remaining points (so it equals the sum of the ledger entries);</li>
 *   <li>{@code pendingUntil}: availableAt -> points still pending until then, only for lots that were pending when
 *       written. An instant at or before now is no longer pending, whatever it says, so passed instants are simply
 *       ignored and pruned by later writes: the map holds at most the lots earned within the returns window;</li>
 *   <li>{@code expiringAt}: expiresAt -> remaining points of the lots that burn then. Every expiry policy yields a
 *       UTC midnight ({@link app.loyalty.shared.domain.earn.ExpiryPolicy}), so there is at most one entry per day,
 *       and a passed entry is folded into {@code expired} by a later write;</li>
 *   <li>{@code expired}: points of expired lots whose entry was folded and that the expiry job has not written off
 *       yet.</li>
 * </ul>
 * Pending lots are never expired (every policy expires after availability), so each point with remaining > 0 is in
 * exactly one of available, pending or expired, as in {@link Balance#of}; {@link #balanceAt} equals
 * {@code Balance.of(lots, now, window)} for the lots the figures were kept for (PointsFiguresTest holds that).
 */
public record PointsFigures(long total, long expired, NavigableMap<Instant, Long> pendingUntil,
                            NavigableMap<Instant, Long> expiringAt) {

    public static final PointsFigures ZERO = new PointsFigures(0, 0, new TreeMap<>(), new TreeMap<>());

    public PointsFigures {
        if (total < 0 || expired < 0) {
            throw new IllegalArgumentException("points figures must not be negative");
        }
        pendingUntil = Collections.unmodifiableNavigableMap(new TreeMap<>(pendingUntil));
        expiringAt = Collections.unmodifiableNavigableMap(new TreeMap<>(expiringAt));
    }

    /** The figures of a set of lots as of {@code now} (seeding, backfills, tests). */
    public static PointsFigures of(Collection<PointsLot> lots, Instant now) {
        PointsFigures figures = ZERO;
        for (PointsLot lot : lots) {
            figures = figures.plus(Change.added(lot, now));
        }
        return figures;
    }

    public Balance balanceAt(Instant now, Duration expiringSoonWindow) {
        Objects.requireNonNull(now, "now");
        Instant soon = now.plus(expiringSoonWindow);
        long pending = sum(pendingUntil.tailMap(now, false));
        long expiredNow = Math.addExact(expired, sum(expiringAt.headMap(now, true)));
        long expiringSoon = sum(expiringAt.subMap(now, false, soon, true));
        long available = Math.subtractExact(Math.subtractExact(total, pending), expiredNow);
        if (available < 0) {
            throw new IllegalStateException("points figures are inconsistent: " + this + " at " + now);
        }
        return new Balance(available, pending, expiredNow, expiringSoon, total);
    }

    /** These figures after {@code change}, as the profile holds them once the write commits. */
    public PointsFigures plus(Change change) {
        TreeMap<Instant, Long> pending = new TreeMap<>(pendingUntil);
        change.pendingUntil().forEach((at, points) -> pending.merge(at, points, Math::addExact));
        TreeMap<Instant, Long> expiring = new TreeMap<>(expiringAt);
        long folded = expired;
        for (Map.Entry<Instant, Long> e : change.expiringAt().entrySet()) {
            if (expiring.containsKey(e.getKey()) || e.getKey().isAfter(change.at())) {
                expiring.merge(e.getKey(), e.getValue(), Math::addExact);
            } else {
                folded = Math.addExact(folded, e.getValue()); // its entry was folded already: the points are in expired
            }
        }
        return new PointsFigures(Math.addExact(total, change.total()), folded, pending, expiring);
    }

    /** These figures with the entries passed at {@code now} pruned (pending) and folded (expiring), as writes do. */
    public PointsFigures tidiedAt(Instant now) {
        TreeMap<Instant, Long> expiring = new TreeMap<>(expiringAt.tailMap(now, false));
        long folded = Math.addExact(expired, sum(expiringAt.headMap(now, true)));
        return new PointsFigures(total, folded, pendingUntil.tailMap(now, false), expiring);
    }

    private static long sum(Map<Instant, Long> entries) {
        long sum = 0;
        for (long points : entries.values()) {
            sum = Math.addExact(sum, points);
        }
        return sum;
    }

    /**
     * What a write does to the figures: signed deltas, made at {@code at}. Pending deltas exist only for lots still
     * pending at {@code at}; expiring deltas for every lot that can expire.
     */
    public record Change(Instant at, long total, Map<Instant, Long> pendingUntil, Map<Instant, Long> expiringAt) {
        public Change {
            Objects.requireNonNull(at, "at");
            pendingUntil = Map.copyOf(pendingUntil);
            expiringAt = Map.copyOf(expiringAt);
        }

        public static Change none(Instant at) {
            return new Change(at, 0, Map.of(), Map.of());
        }

        public static Change added(PointsLot lot, Instant at) {
            return of(lot, lot.remaining(), at);
        }

        /** A lot whose remaining went from {@code before.remaining()} to {@code after.remaining()}. */
        public static Change changed(PointsLot before, PointsLot after, Instant at) {
            if (!before.lotId().equals(after.lotId())) {
                throw new IllegalArgumentException("not the same lot");
            }
            return of(before, Math.subtractExact(after.remaining(), before.remaining()), at);
        }

        private static Change of(PointsLot lot, long delta, Instant at) {
            if (delta == 0) {
                return none(at);
            }
            Map<Instant, Long> pending = lot.availableAt().isAfter(at) ? Map.of(lot.availableAt(), delta) : Map.of();
            Map<Instant, Long> expiring = lot.expiresAt() == null ? Map.of() : Map.of(lot.expiresAt(), delta);
            return new Change(at, delta, pending, expiring);
        }

        public Change plus(Change other) {
            TreeMap<Instant, Long> pending = new TreeMap<>(pendingUntil);
            other.pendingUntil.forEach((k, v) -> pending.merge(k, v, Math::addExact));
            TreeMap<Instant, Long> expiring = new TreeMap<>(expiringAt);
            other.expiringAt.forEach((k, v) -> expiring.merge(k, v, Math::addExact));
            return new Change(at, Math.addExact(total, other.total), pending, expiring);
        }
    }
}
