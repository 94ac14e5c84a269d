package app.loyalty.functions.cardissuance;

import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;

import java.util.Map;

/** Merchant routes for members and their cards: enrol, read, look a card up, replace a lost card. */
public final class CardIssuanceHandler extends ApiFunction {

    public CardIssuanceHandler() {
        this(AppContext.fromEnvironment());
    }

    public CardIssuanceHandler(AppContext context) {
        this(new Membership(context));
    }

    private CardIssuanceHandler(Membership membership) {
        super(Map.of(
                "POST /v1/members", Route.merchant(membership::enrol),
                "GET /v1/members/{memberId}", Route.merchant(membership::readMember),
                "GET /v1/cards/{cardNumber}", Route.merchant(membership::readCard),
                "POST /v1/cards/{cardNumber}/replace", Route.merchant(membership::replaceCard)));
    }
}
