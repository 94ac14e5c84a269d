package app.loyalty.shared.domain.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;

/**
 * A member's points at one instant, computed from their lots. Every point with {@code remaining > 0} is in
 * exactly one of three buckets, so {@code available + pending + expired == total}:
 * <ul>
 *   <li>{@code available}: spendable now ({@code availableAt <= now < expiresAt});</li>
 *   <li>{@code pending}: earned, not yet spendable ({@code now < availableAt}, not expired);</li>
 *   <li>{@code expired}: past {@code expiresAt} (expiresAt == now counts as expired) but not yet written off by
 *       the expiry job. Not spendable; shown so the total still equals the sum of the ledger entries.</li>
 * </ul>
 * {@code expiringSoon} is the part of available + pending whose lots expire within the window, i.e. with
 * {@code now < expiresAt <= now + window}: what a "your points expire soon" reminder talks about.
 *
 * @param total the sum of every lot's remaining points, which equals the sum of the member's ledger entries
 */
public record Balance(long available, long pending, long expired, long expiringSoon, long total) {

    public static final Balance ZERO = new Balance(0, 0, 0, 0, 0);

    public static Balance of(Collection<PointsLot> lots, Instant now, Duration expiringSoonWindow) {
        Objects.requireNonNull(now, "now");
        if (expiringSoonWindow.isNegative()) {
            throw new IllegalArgumentException("the expiring-soon window must not be negative");
        }
        Instant soon = now.plus(expiringSoonWindow);
        long available = 0;
        long pending = 0;
        long expired = 0;
        long expiringSoon = 0;
        for (PointsLot lot : lots) {
            long points = lot.remaining();
            if (lot.isExpiredAt(now)) {
                expired = Math.addExact(expired, points);
                continue;
            }
            if (lot.isPendingAt(now)) {
                pending = Math.addExact(pending, points);
            } else {
                available = Math.addExact(available, points);
            }
            if (lot.expiresAt() != null && !lot.expiresAt().isAfter(soon)) {
                expiringSoon = Math.addExact(expiringSoon, points);
            }
        }
        return new Balance(available, pending, expired, expiringSoon, Math.addExact(Math.addExact(available, pending), expired));
    }
}
