package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.InMemoryDynamoDb;
import app.loyalty.shared.runtime.Priming;
import app.loyalty.shared.runtime.PrimingStep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SnapStart priming of a purchase that succeeds, after the handler's read-only miss against the real table: a
 * 10-line purchase by card of a synthetic member, against {@link InMemoryDynamoDb} (card and profile found, program
 * read into the cache, earn calculation with exclusions and multipliers, figures and stats, the transaction built,
 * sent and accepted in memory, the answer rendered), so nothing is written anywhere; then that very transaction goes
 * to the real table, certain to be cancelled ({@link Priming#sendCancelled}), which warms the transaction's
 * marshalling and the cancellation's unmarshalling on the real client.
 */
final class PurchasePriming {
    private PurchasePriming() {
    }

    /** The outcome of each step, in order (also logged): the in-memory purchase's status, then the cancellation. */
    static List<Object> prime(AppContext real, RequestLog log) {
        Priming.Data data = Priming.data(real.clock().instant(), "prg_priming");
        Caller caller = Caller.merchant("mch_priming", data.program().programId());
        List<Object> outcomes = new ArrayList<>();
        try (InMemoryDynamoDb memory = new InMemoryDynamoDb(data.items())) {
            AppContext inMemory = memory.context(real);
            Purchases purchases = new Purchases(inMemory, Purchases.programCache(inMemory));
            outcomes.add(PrimingStep.run(log, "POST /v1/purchases by card, 10 lines, in memory", () -> purchases.record(
                    ApiRequest.from(Priming.post("POST /v1/purchases", Map.of(), caller,
                            body(data.card().cardNumber())), Json.MAPPER)).status()));
            outcomes.add(PrimingStep.run(log, "purchase transaction, cancelled by DynamoDB", () -> Priming.sendCancelled(
                    real.dynamo(), real.tableName(), memory.transactions().getFirst())));
        }
        return outcomes;
    }

    /** A checkout's basket: plain, excluded (category and SKU) and multiplied lines, and a promo code. */
    private static String body(String cardNumber) {
        String[][] lines = {{"SKU-COFFEE-1", "coffee", "2", "349"}, {"SKU-MILK-2", "grocery", "1", "129"},
                {"SKU-SHIRT-3", "apparel", "1", "2499"}, {"SKU-CIGS-4", "tobacco", "1", "890"},
                {"DEPOSIT-BOTTLE", "drinks", "6", "25"}, {"SKU-BREAD-6", "grocery", "1", "259"},
                {"SKU-GIFT-7", "gift-cards", "1", "2500"}, {"SKU-TEA-8", "coffee", "3", "199"},
                {"SKU-SOAP-9", "household", "2", "175"}, {"SKU-APPLE-10", "grocery", "4", "45"}};
        StringBuilder body = new StringBuilder("{\"cardNumber\": \"").append(cardNumber)
                .append("\", \"orderId\": \"priming-order\", \"lines\": [");
        long total = 0;
        for (int i = 0; i < lines.length; i++) {
            String[] line = lines[i];
            total += Long.parseLong(line[2]) * Long.parseLong(line[3]);
            body.append(i == 0 ? "" : ", ").append("{\"sku\": \"").append(line[0]).append("\", \"category\": \"")
                    .append(line[1]).append("\", \"quantity\": ").append(line[2]).append(", \"unitPrice\": ")
                    .append(line[3]).append('}');
        }
        return body.append("], \"total\": {\"amount\": ").append(total)
                .append(", \"currency\": \"EUR\"}, \"paidWithPoints\": 0, \"promoCode\": \"WINTER26\"}").toString();
    }
}
