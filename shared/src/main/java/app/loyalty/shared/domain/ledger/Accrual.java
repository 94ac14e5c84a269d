package app.loyalty.shared.domain.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * The points a new lot starts with: who issues them, for which order, and when they activate and burn. The
 * lot's earnedAt is the entry's instant.
 *
 * @param sourceOrderId the order that earned the points; required for an ACCRUE, null for an adjustment
 * @param expiresAt     the first instant the points are expired; null for never
 */
public record Accrual(long points, String issuingMerchantId, String sourceOrderId, Instant availableAt,
                      Instant expiresAt) {
    public Accrual {
        Checks.requirePositive(points, "accrued points");
        Checks.requireText(issuingMerchantId, "issuingMerchantId");
        Checks.optionalText(sourceOrderId, "sourceOrderId");
        Objects.requireNonNull(availableAt, "availableAt");
    }
}
