package app.loyalty.shared.domain.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which lots a spend consumes. Points that burn first are spent first, so a member loses as few points to
 * expiry as possible: soonest {@code expiresAt} first, lots that never expire last, ties broken by the oldest
 * {@code earnedAt} and then by lot id so the order is total and every run allocates the same way.
 */
public final class Spending {

    public static final Comparator<PointsLot> ORDER = Comparator
            .comparing(PointsLot::expiresAt, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(PointsLot::earnedAt)
            .thenComparing(PointsLot::lotId);

    private Spending() {
    }

    /** The points spendable at {@code now}. */
    public static long available(Collection<PointsLot> lots, Instant now) {
        long available = 0;
        for (PointsLot lot : lots) {
            if (lot.isAvailableAt(now)) {
                available = Math.addExact(available, lot.remaining());
            }
        }
        return available;
    }

    /**
     * Allocates {@code points} over the lots available at {@code now}, in {@link #ORDER}.
     *
     * @throws InsufficientPointsException if fewer points are available; a balance never goes negative
     */
    public static List<LotAllocation> allocate(Collection<PointsLot> lots, long points, Instant now) {
        Checks.requirePositive(points, "points to spend");
        long available = available(lots, now);
        if (available < points) {
            throw new InsufficientPointsException(points, available);
        }
        List<PointsLot> spendable = lots.stream().filter(lot -> lot.isAvailableAt(now)).sorted(ORDER).toList();
        return takeInOrder(spendable, points);
    }

    /** Takes up to {@code points} from the lots in the order given; fewer if they hold fewer. */
    static List<LotAllocation> takeInOrder(List<PointsLot> orderedLots, long points) {
        List<LotAllocation> allocations = new ArrayList<>();
        long left = points;
        for (PointsLot lot : orderedLots) {
            if (left == 0) {
                break;
            }
            long taken = Math.min(left, lot.remaining());
            if (taken > 0) {
                allocations.add(new LotAllocation(lot.lotId(), taken));
                left -= taken;
            }
        }
        return allocations;
    }

    static long sum(List<LotAllocation> allocations) {
        long sum = 0;
        for (LotAllocation allocation : allocations) {
            sum = Math.addExact(sum, allocation.points());
        }
        return sum;
    }
}
