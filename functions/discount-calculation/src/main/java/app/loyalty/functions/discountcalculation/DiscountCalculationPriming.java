package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.InMemoryDynamoDb;
import app.loyalty.shared.runtime.Priming;
import app.loyalty.shared.runtime.PrimingStep;
import app.loyalty.shared.store.ProgramCache;
import app.loyalty.shared.store.ProgramRepository;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SnapStart priming of the quote, the checkout's first call, after the handler's read-only miss against the real
 * table: a quote by card and one by member of a synthetic member that is found (card, the BatchGetItem of profile and
 * promo code, the engine over a basket with a promo code and points to spend, the answer rendered), against
 * {@link InMemoryDynamoDb}, so the real table is never read for them and nothing is written anywhere. Without it the
 * first quote after a restore loaded the engine, the batch read and the view on the checkout's clock.
 */
final class DiscountCalculationPriming {
    private static final String BASKET = """
            "orderId": "priming", "promoCode": "PRIMING10", "pointsToSpend": 100,
            "lines": [{"sku": "BEANS-1KG", "category": "coffee", "quantity": 2, "unitPrice": 4500},
                      {"sku": "MUG", "category": "merch", "quantity": 1, "unitPrice": 3550}]""";

    private DiscountCalculationPriming() {
    }

    /** The status of each step, in order (also logged). */
    static List<Object> prime(AppContext real, RequestLog log) {
        Priming.Data data = Priming.data(real.clock().instant(), "prg_priming");
        Caller caller = Caller.merchant("mch_priming", data.program().programId());
        List<Object> outcomes = new ArrayList<>();
        try (InMemoryDynamoDb memory = new InMemoryDynamoDb(data.items())) {
            AppContext inMemory = memory.context(real);
            Quotes quotes = new Quotes(inMemory, new ProgramCache(new ProgramRepository(inMemory.dynamo(),
                    inMemory.tableName()), inMemory.clock()));
            outcomes.add(PrimingStep.run(log, "POST /v1/discounts/quote by card, found, in memory", () -> PrimingStep.repeated(() ->
                    quotes.quote(request(caller, "{\"cardNumber\": \"" + data.card().cardNumber() + "\", " + BASKET + "}")).status())));
            outcomes.add(PrimingStep.run(log, "POST /v1/discounts/quote by member, found, in memory", () -> PrimingStep.repeated(() ->
                    quotes.quote(request(caller, "{\"memberId\": \"" + data.member().memberId() + "\", " + BASKET + "}")).status())));
        }
        return outcomes;
    }

    private static ApiRequest request(Caller caller, String body) {
        return ApiRequest.from(Priming.post("POST /v1/discounts/quote", Map.of(), caller, body), Json.MAPPER);
    }
}
