package app.loyalty.shared.domain.member;

import java.time.Instant;

/** A loyalty card. A blocked card is refused everywhere; its member carries on with the replacement. */
public record Card(String cardNumber, String memberId, String programId, Status status, Instant issuedAt,
                   Instant blockedAt, String replacedBy) {
    public enum Status { ACTIVE, BLOCKED }

    public static Card issue(CardNumber number, String memberId, String programId, Instant now) {
        return new Card(number.value(), memberId, programId, Status.ACTIVE, now, null, null);
    }

    public boolean isActive() {
        return status == Status.ACTIVE;
    }

    public Card blockedFor(String replacement, Instant now) {
        return new Card(cardNumber, memberId, programId, Status.BLOCKED, issuedAt, now, replacement);
    }
}
