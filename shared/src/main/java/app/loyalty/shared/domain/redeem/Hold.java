package app.loyalty.shared.domain.redeem;

import java.time.Instant;
import java.util.Objects;

/**
 * Points a merchant reserved for one order (POST /v1/redemptions). A hold moves no points: the member's lots stay as
 * they are until the hold is captured (a REDEEM entry then spends them, soonest-expiring first). While it is live it
 * only lowers what other spending may take ({@link Spendable}). It lapses by itself: from {@code expiresAt} on, it
 * counts for nothing and cannot be captured, whatever its stored status still says, so no job is needed for that.
 *
 * @param status as stored; {@link #statusAt} is what it means at an instant
 * @param value  the money the points pay, minor units of {@code currency} at the program's point value
 */
public record Hold(String redemptionId, String memberId, String programId, String merchantId, String orderId, long points,
                   long value, String currency, Status status, Instant createdAt, Instant expiresAt) {

    public enum Status {
        /** Reserved; live until expiresAt. */
        HELD,
        /** Spent: a REDEEM entry took the points. */
        CAPTURED,
        /** Freed by the merchant before it lapsed. */
        CANCELLED,
        /** Lapsed at expiresAt without capture or cancel. */
        EXPIRED
    }

    public Hold {
        Objects.requireNonNull(redemptionId, "redemptionId");
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (points < 1) {
            throw new IllegalArgumentException("a hold reserves at least one point");
        }
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("a hold must expire after it is created");
        }
    }

    /** The status at {@code now}: a stored HELD is EXPIRED from expiresAt on (expiresAt exactly now is expired). */
    public Status statusAt(Instant now) {
        return status == Status.HELD && !now.isBefore(expiresAt) ? Status.EXPIRED : status;
    }

    public boolean isLiveAt(Instant now) {
        return statusAt(now) == Status.HELD;
    }

    public Hold with(Status newStatus) {
        return new Hold(redemptionId, memberId, programId, merchantId, orderId, points, value, currency, newStatus,
                createdAt, expiresAt);
    }
}
