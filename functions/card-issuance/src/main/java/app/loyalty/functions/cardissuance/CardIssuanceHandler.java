package app.loyalty.functions.cardissuance;

import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.RequestLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;

import java.util.List;
import java.util.Map;

/** Merchant routes for members and their cards: enrol, read, look a card up, replace a lost card. */
public final class CardIssuanceHandler extends ApiFunction {

    public CardIssuanceHandler() {
        this(AppContext.fromEnvironment());
    }

    private final AppContext context;

    public CardIssuanceHandler(AppContext context) {
        this(context, new Membership(context));
    }

    private CardIssuanceHandler(AppContext context, Membership membership) {
        super(Map.of(
                "POST /v1/members", Route.merchant(membership::enrol),
                "GET /v1/members/{memberId}", Route.merchant(membership::readMember),
                "GET /v1/cards/{cardNumber}", Route.merchant(membership::readCard),
                "POST /v1/cards/{cardNumber}/replace", Route.merchant(membership::replaceCard)));
        this.context = context;
    }

    /** After the misses against the real table, the paths that find data and write: {@link CardIssuancePriming}. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> checkpoint) {
        super.beforeCheckpoint(checkpoint);
        CardIssuancePriming.prime(context, RequestLog.STDOUT);
    }

    /**
     * Lookups that find nothing, one per read path: a card (GetItem of the card item) and a member (GetItem of the
     * profile, which carries the balance figures), each through Jackson and the problem path, without writing.
     */
    @Override
    protected List<APIGatewayV2HTTPEvent> primingRequests() {
        Caller caller = Caller.merchant("mch_priming", "prg_priming");
        return List.of(
                primingGet("GET /v1/members/{memberId}", Map.of("memberId", "mbr_priming"), caller),
                primingGet("GET /v1/cards/{cardNumber}", Map.of("cardNumber", "8000000000000003"), caller));
    }
}
