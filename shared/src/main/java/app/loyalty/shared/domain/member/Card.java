package app.loyalty.shared.domain.member;

import java.time.Instant;

/**
 * A loyalty card. A blocked card earns and is replaced no more, but it is still looked up: a checkout that scans
 * an old card learns when and why it was blocked and which card replaced it. {@code blockReason} is absent on
 * cards blocked before reasons were kept. {@code kind} (standard, staff, partner, vip, ...) decides a fixed card
 * discount ({@code discount.fixedBpByCardKind}); cards issued before kinds existed read as standard.
 */
public record Card(String cardNumber, String memberId, String programId, Status status, Instant issuedAt,
                   Instant blockedAt, String blockReason, String replacedBy, String kind) {
    public enum Status { ACTIVE, BLOCKED }

    public Card {
        kind = app.loyalty.shared.domain.discount.card.CardKind.orStandard(kind);
    }

    /** A standard card. */
    public static Card issue(CardNumber number, String memberId, String programId, Instant now) {
        return issue(number, memberId, programId, null, now);
    }

    public static Card issue(CardNumber number, String memberId, String programId, String kind, Instant now) {
        return new Card(number.value(), memberId, programId, Status.ACTIVE, now, null, null, null, kind);
    }

    public boolean isActive() {
        return status == Status.ACTIVE;
    }

    public Card blockedFor(String replacement, String reason, Instant now) {
        return new Card(cardNumber, memberId, programId, Status.BLOCKED, issuedAt, now, reason, replacement, kind);
    }
}
