package app.loyalty.shared.domain.redeem;

import app.loyalty.shared.domain.ledger.PointsFigures;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * What a member may still reserve or spend, from the profile's figures and live holds alone (no lot is read).
 *
 * <p>A new hold that lasts until {@code until} may take the points that are available now and still valid at
 * {@code until}, less the points other live holds reserve:
 * {@code total - pending(now) - expired(until) - held(now)}. Counting only points that outlive the hold means a
 * hold cannot be left uncovered by its own points burning before it is captured. Lapsed holds count for nothing.
 */
public final class Spendable {
    private Spendable() {
    }

    /** A live reservation as the member's profile lists it. */
    public record Reservation(String redemptionId, long points, Instant expiresAt) {
        public boolean isLiveAt(Instant now) {
            return now.isBefore(expiresAt);
        }
    }

    public static long heldAt(Collection<Reservation> reservations, Instant now) {
        long held = 0;
        for (Reservation reservation : reservations) {
            if (reservation.isLiveAt(now)) {
                held = Math.addExact(held, reservation.points());
            }
        }
        return held;
    }

    /** Points a reservation or spend made at {@code now} and lasting until {@code until} may use; never negative. */
    public static long pointsFor(PointsFigures figures, Collection<Reservation> reservations, Instant now, Instant until) {
        long pendingNow = figures.balanceAt(now, Duration.ZERO).pending();
        long expiredByThen = figures.balanceAt(until, Duration.ZERO).expired();
        long spendable = figures.total() - pendingNow - expiredByThen - heldAt(reservations, now);
        return Math.max(0, spendable);
    }
}
