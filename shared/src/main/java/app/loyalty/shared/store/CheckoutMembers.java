package app.loyalty.shared.store;

import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.CardNumber;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.ProblemType;

/**
 * The member a checkout request names, by member id or by card number, as quotes, holds and purchases take it. A
 * member id is used as sent (the request's own read of the profile checks its program); a card costs one GetItem and
 * must be of the caller's program (else 404, never another program's card) and active (a blocked card is a 409
 * card-blocked naming the fix: the member's current card).
 */
public final class CheckoutMembers {
    private final MemberRepository members;

    public CheckoutMembers(MemberRepository members) {
        this.members = members;
    }

    public String memberIdFor(Caller caller, String memberId, String cardNumber) {
        if (memberId != null) {
            return memberId;
        }
        if (!CardNumber.isValid(cardNumber)) {
            throw ApiException.validation("cardNumber must be 16 digits with a valid check digit");
        }
        Card card = members.findCard(cardNumber)
                .filter(c -> c.programId().equals(caller.programId()))
                .orElseThrow(() -> ApiException.notFound("Card " + cardNumber));
        if (!card.isActive()) {
            throw new ApiException(ProblemType.CARD_BLOCKED, "Card " + cardNumber + " is blocked; use the member's current card");
        }
        return card.memberId();
    }
}
