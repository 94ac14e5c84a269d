package app.loyalty.shared.domain.member;

import java.time.Instant;

/**
 * A loyalty card. A blocked card earns and is replaced no more, but it is still looked up: a checkout that scans
 * an old card learns when and why it was blocked and which card replaced it. {@code blockReason} is absent on
 * cards blocked before reasons were kept.
 */
public record Card(String cardNumber, String memberId, String programId, Status status, Instant issuedAt,
                   Instant blockedAt, String blockReason, String replacedBy) {
    public enum Status { ACTIVE, BLOCKED }

    public static Card issue(CardNumber number, String memberId, String programId, Instant now) {
        return new Card(number.value(), memberId, programId, Status.ACTIVE, now, null, null, null);
    }

    public boolean isActive() {
        return status == Status.ACTIVE;
    }

    public Card blockedFor(String replacement, String reason, Instant now) {
        return new Card(cardNumber, memberId, programId, Status.BLOCKED, issuedAt, now, reason, replacement);
    }
}
