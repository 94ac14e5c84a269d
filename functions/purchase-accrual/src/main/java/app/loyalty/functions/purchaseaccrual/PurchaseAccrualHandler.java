package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import java.util.List;
import java.util.Map;

/** Merchant routes of the checkout: record a purchase (points earned), record a return (points reversed). */
public final class PurchaseAccrualHandler extends ApiFunction {

    public PurchaseAccrualHandler() {
        this(AppContext.fromEnvironment());
    }

    public PurchaseAccrualHandler(AppContext context) {
        this(new Purchases(context, Purchases.programCache(context)), new Returns(context));
    }

    private PurchaseAccrualHandler(Purchases purchases, Returns returns) {
        super(Map.of(
                "POST /v1/purchases", Route.merchant(purchases::record),
                "POST /v1/purchases/{orderId}/returns", Route.merchant(returns::returnPurchase)));
    }

    /**
     * A purchase without an Idempotency-Key: body parsing and validation, then a 400 before anything is read or
     * written, so the snapshot holds a warm request path without a side effect.
     */
    @Override
    protected List<APIGatewayV2HTTPEvent> primingRequests() {
        APIGatewayV2HTTPEvent event = primingGet("POST /v1/purchases", Map.of(), Caller.merchant("mch_priming", "prg_priming"));
        event.setBody("{\"memberId\":\"mbr_priming\",\"orderId\":\"priming\",\"total\":{\"amount\":100,\"currency\":\"EUR\"}}");
        event.setHeaders(Map.of("content-type", "application/json", "user-agent", "snapstart-priming"));
        return List.of(event);
    }
}
