package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.ProgramCache;
import app.loyalty.shared.store.ProgramRepository;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import java.util.List;
import java.util.Map;

/**
 * Merchant routes of the checkout that decide what it charges: redemptions (points held for an order, captured when it
 * completes, cancelled, or lapsing by themselves), and the discount quote (what the checkout charges and why).
 */
public final class DiscountCalculationHandler extends ApiFunction {
    private final AppContext context;

    public DiscountCalculationHandler() {
        this(AppContext.fromEnvironment());
    }

    public DiscountCalculationHandler(AppContext context) {
        this(context, new ProgramCache(new ProgramRepository(context.dynamo(), context.tableName()), context.clock()));
    }

    /** One program cache for quotes and redemptions: a container reads the program once per TTL for both. */
    private DiscountCalculationHandler(AppContext context, ProgramCache programs) {
        this(context, new Redemptions(context, programs), new Quotes(context, programs));
    }

    private DiscountCalculationHandler(AppContext context, Redemptions redemptions, Quotes quotes) {
        super(Map.of(
                "POST /v1/discounts/quote", Route.merchant(quotes::quote),
                "POST /v1/redemptions", Route.merchant(redemptions::hold),
                "GET /v1/redemptions/{redemptionId}", Route.merchant(redemptions::read),
                "POST /v1/redemptions/{redemptionId}/capture", Route.merchant(redemptions::capture),
                "POST /v1/redemptions/{redemptionId}/cancel", Route.merchant(redemptions::cancel)));
        this.context = context;
    }

    /** After the miss against the real table, the quote's found path in memory: {@link DiscountCalculationPriming}. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> checkpoint) {
        super.beforeCheckpoint(checkpoint);
        DiscountCalculationPriming.prime(context, RequestLog.STDOUT);
    }

    /**
     * A redemption that does not exist: one GetItem of the hold item through Jackson and the problem path, without
     * writing. It is the read every capture, cancel and GET starts with.
     */
    @Override
    protected List<APIGatewayV2HTTPEvent> primingRequests() {
        Caller caller = Caller.merchant("mch_priming", "prg_priming");
        return List.of(primingGet("GET /v1/redemptions/{redemptionId}", Map.of("redemptionId", "rdm_priming"), caller));
    }
}
