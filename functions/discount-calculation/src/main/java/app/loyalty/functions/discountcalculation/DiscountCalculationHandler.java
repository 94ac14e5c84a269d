package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import java.util.List;
import java.util.Map;

/**
 * Merchant routes of the checkout that decide what it charges: redemptions (points held for an order, captured when it
 * completes, cancelled, or lapsing by themselves). The discount quote joins them here.
 */
public final class DiscountCalculationHandler extends ApiFunction {

    public DiscountCalculationHandler() {
        this(AppContext.fromEnvironment());
    }

    public DiscountCalculationHandler(AppContext context) {
        this(new Redemptions(context));
    }

    private DiscountCalculationHandler(Redemptions redemptions) {
        super(Map.of(
                "POST /v1/redemptions", Route.merchant(redemptions::hold),
                "GET /v1/redemptions/{redemptionId}", Route.merchant(redemptions::read),
                "POST /v1/redemptions/{redemptionId}/capture", Route.merchant(redemptions::capture),
                "POST /v1/redemptions/{redemptionId}/cancel", Route.merchant(redemptions::cancel)));
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
