package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.domain.redeem.Hold;
import app.loyalty.shared.store.RedemptionStore.StoredHold;

import java.time.Instant;
import java.util.Locale;

/**
 * A redemption as the API answers it (openapi.yaml: Redemption). {@code status} is as of the answer: a hold past
 * expiresAt is "expired" even before any write closed it. {@code spendable}: what the member can still hold or spend
 * right after this answer, only on the answer to a new hold.
 */
record RedemptionView(String redemptionId, String memberId, String orderId, long points, Amount value, String status,
                      Instant createdAt, Instant expiresAt, Instant closedAt, Long capturedPoints, String entryId,
                      Long spendable) {

    record Amount(long amount, String currency) {
    }

    static RedemptionView of(StoredHold stored, Instant now, Long spendable) {
        Hold hold = stored.hold();
        Hold.Status status = hold.statusAt(now);
        Instant closedAt = stored.closedAt() != null ? stored.closedAt()
                : status == Hold.Status.EXPIRED ? hold.expiresAt() : null;
        return new RedemptionView(hold.redemptionId(), hold.memberId(), hold.orderId(), hold.points(),
                new Amount(hold.value(), hold.currency()), status.name().toLowerCase(Locale.ROOT), hold.createdAt(),
                hold.expiresAt(), closedAt, status == Hold.Status.CAPTURED ? stored.capturedPoints() : null,
                stored.entryId(), spendable);
    }
}
