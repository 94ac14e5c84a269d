package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Merchant routes of the checkout: record a purchase (points earned), record a return (points reversed). */
public final class PurchaseAccrualHandler extends ApiFunction {

    public PurchaseAccrualHandler() {
        this(AppContext.fromEnvironment());
    }

    private final AppContext context;

    public PurchaseAccrualHandler(AppContext context) {
        this(context, Purchases.programCache(context));
    }

    /** One program cache for purchases and returns: a return re-evaluates the discount card under the same rules. */
    private PurchaseAccrualHandler(AppContext context, app.loyalty.shared.store.ProgramCache programs) {
        this(context, new Purchases(context, programs), new Returns(context, programs));
    }

    private PurchaseAccrualHandler(AppContext context, Purchases purchases, Returns returns) {
        super(Map.of(
                "POST /v1/purchases", Route.merchant(purchases::record),
                "POST /v1/purchases/{orderId}/returns", Route.merchant(returns::returnPurchase)));
        this.context = context;
    }

    /** After the miss against the real table, a purchase that succeeds, in memory: {@link PurchasePriming}. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> checkpoint) {
        super.beforeCheckpoint(checkpoint);
        PurchasePriming.prime(context, RequestLog.STDOUT);
    }

    /**
     * A valid purchase by a card that no member holds: body parsing, validation and the idempotency, order and
     * lookup reads against DynamoDB, then a refusal before anything is written. A purchase cannot be primed by
     * writing one; the reads are what the first real purchase would otherwise pay for (SDK marshalling, signing,
     * the connection). The idempotency key is per snapshot, so a key reused by a client can never be the priming's.
     */
    @Override
    protected List<APIGatewayV2HTTPEvent> primingRequests() {
        APIGatewayV2HTTPEvent event = primingGet("POST /v1/purchases", Map.of(), Caller.merchant("mch_priming", "prg_priming"));
        event.setBody("{\"cardNumber\":\"8000000000000003\",\"orderId\":\"priming\","
                + "\"total\":{\"amount\":2500,\"currency\":\"EUR\"},"
                + "\"lines\":[{\"sku\":\"PRIMING\",\"category\":\"priming\",\"quantity\":1,\"unitPrice\":2500}],"
                + "\"paidWithPoints\":0}");
        event.setHeaders(Map.of("content-type", "application/json", "user-agent", "snapstart-priming",
                "idempotency-key", "snapstart-priming-" + UUID.randomUUID()));
        return List.of(event);
    }
}
