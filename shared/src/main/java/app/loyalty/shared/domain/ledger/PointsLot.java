package app.loyalty.shared.domain.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A batch of points earned together, e.g. by one purchase. Lots are what make points traceable: each knows the
 * merchant that issued it (and so pays for it in settlement), when it becomes spendable and when it burns.
 *
 * <p>The lot id is the id of the ledger entry that created the lot (an ACCRUE, a positive ADJUST or an incoming
 * TRANSFER), so the lot and its origin can always be joined.
 *
 * <p>Time boundaries, both inclusive of the instant named:
 * <ul>
 *   <li>at {@code availableAt} the points are available (before it they are pending);</li>
 *   <li>at {@code expiresAt} the points are expired (before it they can still be spent). {@code expiresAt} is
 *       therefore the first instant the points are gone, and a null {@code expiresAt} means never.</li>
 * </ul>
 *
 * @param sourceOrderId the order whose purchase earned the lot; null for lots created by an adjustment
 */
public record PointsLot(String lotId, String memberId, long amount, long remaining, Instant earnedAt,
                        Instant availableAt, Instant expiresAt, String issuingMerchantId, String sourceOrderId) {

    public PointsLot {
        Checks.requireText(lotId, "lotId");
        Checks.requireText(memberId, "memberId");
        Checks.requireText(issuingMerchantId, "issuingMerchantId");
        Checks.optionalText(sourceOrderId, "sourceOrderId");
        Checks.requirePositive(amount, "lot amount");
        if (remaining < 0 || remaining > amount) {
            throw new IllegalArgumentException(
                    "lot " + lotId + ": remaining must be between 0 and the amount " + amount + ", got " + remaining);
        }
        Objects.requireNonNull(earnedAt, "earnedAt");
        Objects.requireNonNull(availableAt, "availableAt");
        if (availableAt.isBefore(earnedAt)) {
            throw new IllegalArgumentException("lot " + lotId + ": availableAt must not be before earnedAt");
        }
        if (expiresAt != null && !expiresAt.isAfter(earnedAt)) {
            throw new IllegalArgumentException("lot " + lotId + ": expiresAt must be after earnedAt");
        }
    }

    /** Expired at {@code now}: expiresAt has been reached (expiresAt == now counts as expired). */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /** Spendable at {@code now}: availableAt has been reached (availableAt == now counts) and not expired. */
    public boolean isAvailableAt(Instant now) {
        return !availableAt.isAfter(now) && !isExpiredAt(now);
    }

    /** Earned but not yet spendable at {@code now}. A lot that expires before it activates counts as expired. */
    public boolean isPendingAt(Instant now) {
        return availableAt.isAfter(now) && !isExpiredAt(now);
    }

    /** Earned by this merchant's order: order ids are unique per merchant only, so the merchant is part of the key. */
    public boolean isFromOrder(String merchantId, String orderId) {
        return sourceOrderId != null && sourceOrderId.equals(orderId) && issuingMerchantId.equals(merchantId);
    }

    public boolean isExhausted() {
        return remaining == 0;
    }

    /** The points already taken out of this lot (spent, reversed, expired or adjusted away). */
    public long consumed() {
        return amount - remaining;
    }

    public PointsLot withRemaining(long newRemaining) {
        return new PointsLot(lotId, memberId, amount, newRemaining, earnedAt, availableAt, expiresAt,
                issuingMerchantId, sourceOrderId);
    }
}
