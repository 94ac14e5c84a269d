package app.loyalty.shared.domain.member;

import java.time.Instant;

/** A member of one program, holding its current card. Points belong to the member, not the card. */
public record Member(String memberId, String programId, MemberKind kind, MemberProfile profile, Consents consents,
                     Status status, String cardNumber, Instant enrolledAt, String enrolledByMerchantId) {
    public enum Status { ACTIVE, CLOSED }
}
