package app.loyalty.shared.domain.member;

import java.time.Instant;

/**
 * A member of one program, holding its current card. Points belong to the member, not the card. An erased member
 * has no profile (null): its personal data is gone, only ids and figures remain.
 */
public record Member(String memberId, String programId, MemberKind kind, MemberProfile profile, Consents consents,
                     Status status, String cardNumber, Instant enrolledAt, String enrolledByMerchantId) {
    /** ERASED: personal data removed on request; the ledger stays under the pseudonymous member id. */
    public enum Status { ACTIVE, CLOSED, ERASED }
}
