package app.loyalty.shared.store;

import app.loyalty.shared.domain.earn.Adjustment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Orders a merchant recorded, and their returns. The order marker (PK ORDER#&lt;merchantId&gt;#&lt;orderId&gt;, SK ORDER)
 * makes an order id unique per merchant and carries what returns need: the amount and lines, the points earned
 * and their lot, and the running totals returnedAmount / reversedPoints, updated only under a condition on the
 * values read (so two returns racing cannot both count). Each return has its own marker in the same partition
 * (SK RETURN#&lt;returnId&gt;), unique per order. Neither holds PII: member id, amounts, SKUs and the answer.
 */
public final class OrderRepository {
    public static final String ORDER = "ORDER";
    public static final String RETURN_PREFIX = "RETURN#";

    private final DynamoDbClient dynamo;
    private final String tableName;

    public OrderRepository(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    /** One basket line as recorded: prices in minor units. */
    public record Line(String sku, String category, long quantity, long unitPrice) {
        public long total() {
            return Math.multiplyExact(quantity, unitPrice);
        }
    }

    /**
     * A recorded order.
     *
     * @param contentHash         fingerprint of the purchase as sent, to tell a retry from a different order
     * @param returnedQuantities  units returned so far per SKU (returns by line)
     * @param unrecoveredPoints   points returns should have reversed but the member had already spent elsewhere
     * @param response            the JSON answer of the purchase, replayed for an identical retry (it also holds
     *                            the checkout's metadata, which is stored nowhere else)
     * @param adjustments         the order-level coupons, shipping, tax and fees as sent (labels normalized)
     * @param pointsBase          the part of the amount the points stand for, which returns reverse points in
     *                            proportion to (EarnCalculator.pointsBase; = amount for orders without uncounted
     *                            charges and for orders recorded before adjustments existed)
     * @param discount            what the discount engine took off the order (lines and discountable adjustments);
     *                            the order's money is {@code amount - discount} ({@link #paidAmount}), 0 for orders
     *                            without a discount
     * @param lineDiscounts       per line, what the engine took off it (empty: none), so a return by line refunds
     *                            the line's net
     */
    public record Order(String merchantId, String orderId, String programId, String memberId, long amount,
                        String currency, List<Line> lines, long paidWithPoints, String promoCode, Instant purchasedAt,
                        Instant recordedAt, long points, String lotId, long returnedAmount, long reversedPoints,
                        long unrecoveredPoints, Map<String, Long> returnedQuantities, String contentHash,
                        String response, List<Adjustment> adjustments, long pointsBase, long discount,
                        List<Long> lineDiscounts) {
        public Order {
            lines = List.copyOf(lines);
            returnedQuantities = Map.copyOf(returnedQuantities);
            adjustments = List.copyOf(adjustments);
            lineDiscounts = lineDiscounts == null ? List.of() : List.copyOf(lineDiscounts);
        }

        /** An order without a discount from the engine. */
        public Order(String merchantId, String orderId, String programId, String memberId, long amount,
                     String currency, List<Line> lines, long paidWithPoints, String promoCode, Instant purchasedAt,
                     Instant recordedAt, long points, String lotId, long returnedAmount, long reversedPoints,
                     long unrecoveredPoints, Map<String, Long> returnedQuantities, String contentHash,
                     String response, List<Adjustment> adjustments, long pointsBase) {
            this(merchantId, orderId, programId, memberId, amount, currency, lines, paidWithPoints, promoCode,
                    purchasedAt, recordedAt, points, lotId, returnedAmount, reversedPoints, unrecoveredPoints,
                    returnedQuantities, contentHash, response, adjustments, pointsBase, 0, List.of());
        }

        /** What the order cost after the engine's discount: what returns give back at most. */
        public long paidAmount() {
            return amount - discount;
        }

        /** What the engine took off line {@code index}. */
        public long lineDiscount(int index) {
            return lineDiscounts.isEmpty() ? 0 : lineDiscounts.get(index);
        }

        /** An order without adjustments: its points stand for its whole amount. */
        public Order(String merchantId, String orderId, String programId, String memberId, long amount,
                     String currency, List<Line> lines, long paidWithPoints, String promoCode, Instant purchasedAt,
                     Instant recordedAt, long points, String lotId, long returnedAmount, long reversedPoints,
                     long unrecoveredPoints, Map<String, Long> returnedQuantities, String contentHash, String response) {
            this(merchantId, orderId, programId, memberId, amount, currency, lines, paidWithPoints, promoCode,
                    purchasedAt, recordedAt, points, lotId, returnedAmount, reversedPoints, unrecoveredPoints,
                    returnedQuantities, contentHash, response, List.of(), amount);
        }
    }

    /** A recorded return: its fingerprint and answer. */
    public record Return(String returnId, long amount, long points, String contentHash, String response) {
    }

    public static Map<String, AttributeValue> orderKey(String merchantId, String orderId) {
        return Attr.key(orderPk(merchantId, orderId), ORDER);
    }

    public static String orderPk(String merchantId, String orderId) {
        return "ORDER#" + merchantId + "#" + orderId;
    }

    public Optional<Order> find(String merchantId, String orderId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(tableName)
                .key(orderKey(merchantId, orderId)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    public static Map<String, AttributeValue> returnKey(String merchantId, String orderId, String returnId) {
        return Attr.key(orderPk(merchantId, orderId), RETURN_PREFIX + returnId);
    }

    /**
     * The order marker of a new order; fails if the merchant already used the order id, and then hands back the
     * marker with the failure, so telling a retry from a different order needs no read.
     */
    public TransactWriteItem record(Order order) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(toItem(order))
                .conditionExpression("attribute_not_exists(PK)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build();
    }

    /**
     * Moves an order's return totals from what {@code read} holds to the new values, only if nobody changed them
     * since they were read (every return raises returnedAmount, so it acts as the version).
     */
    public TransactWriteItem recordReturnTotals(Order read, long returnedAmount, long reversedPoints,
                                                long unrecoveredPoints, Map<String, Long> returnedQuantities) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName)
                .key(orderKey(read.merchantId(), read.orderId()))
                .updateExpression("SET returnedAmount = :amount, reversedPoints = :reversed, "
                        + "unrecoveredPoints = :unrecovered, returnedQuantities = :quantities")
                .conditionExpression("returnedAmount = :readAmount AND reversedPoints = :readReversed")
                .expressionAttributeValues(Map.of(
                        ":amount", Attr.n(returnedAmount), ":reversed", Attr.n(reversedPoints),
                        ":unrecovered", Attr.n(unrecoveredPoints), ":quantities", quantities(returnedQuantities),
                        ":readAmount", Attr.n(read.returnedAmount()), ":readReversed", Attr.n(read.reversedPoints())))
                .build()).build();
    }

    /** The marker of a new return; fails if the order already has a return with this id. */
    public TransactWriteItem recordReturn(Order order, Return returned, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(
                Attr.key(orderPk(order.merchantId(), order.orderId()), RETURN_PREFIX + returned.returnId()));
        item.put("returnId", Attr.s(returned.returnId()));
        item.put("orderId", Attr.s(order.orderId()));
        item.put("memberId", Attr.s(order.memberId()));
        // The program lets a recompute of the program's figures from the ledger count the return (docs/analytics.md).
        item.put("programId", Attr.s(order.programId()));
        item.put("amount", Attr.n(returned.amount()));
        item.put("points", Attr.n(returned.points()));
        item.put("contentHash", Attr.s(returned.contentHash()));
        item.put("response", Attr.s(returned.response()));
        item.put("recordedAt", Attr.s(now.toString()));
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(PK)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build();
    }

    static Map<String, AttributeValue> toItem(Order order) {
        Map<String, AttributeValue> item = new HashMap<>(orderKey(order.merchantId(), order.orderId()));
        item.put("merchantId", Attr.s(order.merchantId()));
        item.put("orderId", Attr.s(order.orderId()));
        item.put("programId", Attr.s(order.programId()));
        item.put("memberId", Attr.s(order.memberId()));
        item.put("amount", Attr.n(order.amount()));
        item.put("currency", Attr.s(order.currency()));
        item.put("lines", AttributeValue.fromL(order.lines().stream().map(line -> AttributeValue.fromM(Map.of(
                "sku", Attr.s(line.sku()), "category", Attr.s(line.category()),
                "quantity", Attr.n(line.quantity()), "unitPrice", Attr.n(line.unitPrice())))).toList()));
        item.put("paidWithPoints", Attr.n(order.paidWithPoints()));
        if (order.promoCode() != null) {
            item.put("promoCode", Attr.s(order.promoCode()));
        }
        item.put("purchasedAt", Attr.s(order.purchasedAt().toString()));
        item.put("recordedAt", Attr.s(order.recordedAt().toString()));
        item.put("points", Attr.n(order.points()));
        if (order.lotId() != null) {
            item.put("lotId", Attr.s(order.lotId()));
        }
        item.put("returnedAmount", Attr.n(order.returnedAmount()));
        item.put("reversedPoints", Attr.n(order.reversedPoints()));
        item.put("unrecoveredPoints", Attr.n(order.unrecoveredPoints()));
        item.put("returnedQuantities", quantities(order.returnedQuantities()));
        item.put("contentHash", Attr.s(order.contentHash()));
        item.put("response", Attr.s(order.response()));
        // Only orders with adjustments carry them; an order without has pointsBase = amount, read back as such.
        if (!order.adjustments().isEmpty()) {
            item.put("adjustments", AttributeValue.fromL(order.adjustments().stream().map(OrderRepository::adjustmentItem).toList()));
        }
        if (order.pointsBase() != order.amount()) {
            item.put("pointsBase", Attr.n(order.pointsBase()));
        }
        // Only discounted orders carry the engine's discount; an order without reads back 0 and no line discounts.
        if (order.discount() != 0) {
            item.put("discount", Attr.n(order.discount()));
            item.put("lineDiscounts", AttributeValue.fromL(order.lineDiscounts().stream().map(Attr::n).toList()));
        }
        return item;
    }

    public static Order fromItem(Map<String, AttributeValue> item) {
        List<Line> lines = item.get("lines").l().stream().map(AttributeValue::m).map(m -> new Line(m.get("sku").s(),
                m.get("category").s(), Long.parseLong(m.get("quantity").n()), Long.parseLong(m.get("unitPrice").n())))
                .toList();
        List<Adjustment> adjustments = item.containsKey("adjustments")
                ? item.get("adjustments").l().stream().map(AttributeValue::m).map(OrderRepository::adjustmentFrom).toList()
                : List.of();
        Map<String, Long> returned = new TreeMap<>();
        item.get("returnedQuantities").m().forEach((sku, n) -> returned.put(sku, Long.parseLong(n.n())));
        return new Order(Attr.string(item, "merchantId"), Attr.string(item, "orderId"), Attr.string(item, "programId"),
                Attr.string(item, "memberId"), Attr.number(item, "amount"), Attr.string(item, "currency"), lines,
                Attr.number(item, "paidWithPoints"), Attr.optionalString(item, "promoCode").orElse(null),
                Instant.parse(Attr.string(item, "purchasedAt")), Instant.parse(Attr.string(item, "recordedAt")),
                Attr.number(item, "points"), Attr.optionalString(item, "lotId").orElse(null),
                Attr.number(item, "returnedAmount"), Attr.number(item, "reversedPoints"),
                Attr.number(item, "unrecoveredPoints"), returned, Attr.string(item, "contentHash"),
                Attr.string(item, "response"), adjustments, Attr.optionalNumber(item, "pointsBase")
                        .orElse(Attr.number(item, "amount")), Attr.optionalNumber(item, "discount").orElse(0L),
                item.containsKey("lineDiscounts")
                        ? item.get("lineDiscounts").l().stream().map(v -> Long.parseLong(v.n())).toList() : List.of());
    }

    private static AttributeValue adjustmentItem(Adjustment adjustment) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("kind", Attr.s(adjustment.kind().wireName()));
        m.put("amount", Attr.n(adjustment.amount()));
        if (adjustment.label() != null) {
            m.put("label", Attr.s(adjustment.label()));
        }
        return AttributeValue.fromM(m);
    }

    private static Adjustment adjustmentFrom(Map<String, AttributeValue> m) {
        return new Adjustment(Adjustment.Kind.fromWireName("adjustments[].kind", m.get("kind").s()),
                Long.parseLong(m.get("amount").n()), m.containsKey("label") ? m.get("label").s() : null);
    }

    private static AttributeValue quantities(Map<String, Long> quantities) {
        Map<String, AttributeValue> m = new HashMap<>();
        quantities.forEach((sku, n) -> m.put(sku, Attr.n(n)));
        return AttributeValue.fromM(m);
    }
}
