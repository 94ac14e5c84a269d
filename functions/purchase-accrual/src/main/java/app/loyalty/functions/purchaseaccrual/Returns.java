package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.earn.ProportionalReturn;
import app.loyalty.shared.domain.earn.ReturnExceedsPurchaseException;
import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.ledger.ReversalOutcome;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.MemberStats;
import app.loyalty.shared.store.OrderRepository;
import app.loyalty.shared.store.OrderRepository.Line;
import app.loyalty.shared.store.OrderRepository.Order;
import app.loyalty.shared.store.TableSchema;
import com.fasterxml.jackson.core.JsonProcessingException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * POST /v1/purchases/{orderId}/returns: part or all of an order comes back, by amount or by lines, and its points
 * are reversed in proportion without drift ({@link ProportionalReturn}: after every return the order has reversed
 * exactly floor(points x returnedAmount / amount) in total). Where the points come from is the ledger's policy
 * ({@link MemberLedger#reverseOrder}).
 */
final class Returns {
    private final MemberRepository members;
    private final OrderRepository orders;
    private final IdempotentWriter writer;
    private final Clock clock;
    private final String table;

    Returns(AppContext context) {
        this.clock = context.clock();
        this.table = context.tableName();
        this.members = new MemberRepository(context.dynamo(), context.tableName());
        this.orders = new OrderRepository(context.dynamo(), context.tableName());
        this.writer = new IdempotentWriter(context.dynamo(), context.tableName(), clock);
    }

    record ReturnLine(String sku, Long quantity) {
        ReturnLine {
            // The SKU rule of purchase lines: a return names SKUs of the order, and openapi.yaml states one pattern.
            if (sku == null || !Purchases.TEXT.matcher(sku).matches()) {
                throw new IllegalArgumentException("lines[].sku must be 1-64 letters, digits or . _ : / - space");
            }
            if (quantity == null || quantity < 1 || quantity > Purchases.MAX_QUANTITY) {
                throw new IllegalArgumentException("lines[].quantity must be 1.." + Purchases.MAX_QUANTITY);
            }
        }
    }

    record ReturnRequest(String returnId, Long amount, List<ReturnLine> lines) {
        ReturnRequest {
            if (returnId == null || !Purchases.ID.matcher(returnId).matches()) {
                throw new IllegalArgumentException("returnId must be 1-64 characters: letters, digits, . _ : -");
            }
            if ((amount == null) == (lines == null)) {
                throw new IllegalArgumentException("send exactly one of amount and lines");
            }
            if (amount != null && (amount < 1 || amount > Purchases.MAX_AMOUNT)) {
                throw new IllegalArgumentException("amount must be 1.." + Purchases.MAX_AMOUNT + " minor units");
            }
            if (lines != null) {
                if (lines.isEmpty() || lines.size() > Purchases.MAX_LINES || lines.contains(null)) {
                    throw new IllegalArgumentException("lines must hold 1.." + Purchases.MAX_LINES + " lines");
                }
                if (lines.stream().map(ReturnLine::sku).distinct().count() != lines.size()) {
                    throw new IllegalArgumentException("each sku at most once in lines");
                }
            }
        }
    }

    record Reversal(long requested, long fromOrderLots, long fromOtherLots, long unrecovered) {
    }

    record ReturnView(String orderId, String returnId, String memberId, Purchases.Amount returned,
                      Purchases.Amount totalReturned, Purchases.Amount returnable, long pointsReversed,
                      Reversal reversal, long orderPoints, long orderPointsReversed, Purchases.BalanceView balance) {
    }

    ApiResponse returnPurchase(ApiRequest request) {
        Caller caller = request.caller();
        String orderId = request.pathParameter("orderId");
        if (!Purchases.ID.matcher(orderId).matches()) {
            throw ApiException.validation("orderId must be 1-64 characters: letters, digits, . _ : -");
        }
        ReturnRequest body = request.body(ReturnRequest.class);
        String contentHash = Purchases.hash(body);
        return writer.execute(request, () -> prepare(caller, orderId, body, contentHash));
    }

    private IdempotentWriter.Write prepare(Caller caller, String orderId, ReturnRequest body, String contentHash) {
        Order order = orders.find(caller.merchantId(), orderId)
                .filter(o -> o.programId().equals(caller.programId()))
                .orElseThrow(() -> ApiException.notFound("Order " + orderId));
        var previous = orders.findReturn(caller.merchantId(), orderId, body.returnId());
        if (previous.isPresent()) {
            if (!previous.get().contentHash().equals(contentHash)) {
                throw new ApiException(ProblemType.CONFLICT, "Return " + body.returnId() + " of order " + orderId
                        + " was already recorded with different content; a return id is unique per order",
                        Map.of("orderId", orderId, "returnId", body.returnId()));
            }
            try {
                return new IdempotentWriter.Write(200, Json.MAPPER.readTree(previous.get().response()), List.of(), List.of());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Stored return answer unreadable", e);
            }
        }
        Map<String, Long> returnedQuantities = new TreeMap<>(order.returnedQuantities());
        long amount = body.amount() != null ? body.amount() : priceLines(order, body.lines(), returnedQuantities);
        ProportionalReturn.Step step = returnOf(order, amount);
        long totalReturned = step.after().returnedSoFar().minorUnits();
        long target = step.after().reversedSoFar();
        long toReverse = step.pointsToReverse();

        Instant now = clock.instant();
        MemberRepository.MemberState state = members.load(order.memberId())
                .orElseThrow(() -> new IllegalStateException("Order " + orderId + " names a missing member"));
        MemberLedger ledger = new MemberLedger(order.memberId(), order.programId(), LotItems.fromItems(state.lotItems()));
        List<TransactWriteItem> items = new ArrayList<>();
        List<DomainEvent> events = new ArrayList<>();
        Reversal reversal = new Reversal(0, 0, 0, 0);
        if (toReverse > 0) {
            String entryId = Ids.newId("ent");
            ReversalOutcome outcome = ledger.reverseOrder(
                    new EntryMeta(entryId, now, Actor.merchant(caller.merchantId()), "return"), caller.merchantId(), orderId,
                    toReverse);
            for (PointsLot changed : outcome.change().changedLots()) {
                items.add(updateRemaining(ledger.lot(changed.lotId()).orElseThrow(), changed));
            }
            outcome.change().entries().forEach(entry -> items.add(LedgerEntryItems.append(table, entry)));
            ledger = outcome.change().ledger();
            reversal = new Reversal(toReverse, outcome.fromOrderLots(), outcome.fromOtherLots(), outcome.unrecovered());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("memberId", order.memberId());
            data.put("merchantId", caller.merchantId());
            data.put("orderId", orderId);
            data.put("returnId", body.returnId());
            if (!outcome.change().isEmpty()) {
                data.put("entryId", outcome.change().entry().entryId());
                data.put("allocations", outcome.change().entry().allocations().stream()
                        .map(a -> Map.<String, Object>of("lotId", a.lotId(), "points", a.points())).toList());
            }
            data.put("points", outcome.reversed());
            data.put("requested", toReverse);
            data.put("fromOrderLots", outcome.fromOrderLots());
            data.put("fromOtherLots", outcome.fromOtherLots());
            data.put("unrecovered", outcome.unrecovered());
            data.put("returnedAmount", amount);
            data.put("currency", order.currency());
            events.add(Purchases.event("PointsReversed", now, order.programId(), data));
        }
        Balance balance = ledger.balanceAt(now, Purchases.EXPIRING_SOON);
        ReturnView view = new ReturnView(orderId, body.returnId(), order.memberId(),
                new Purchases.Amount(amount, order.currency()), new Purchases.Amount(totalReturned, order.currency()),
                new Purchases.Amount(order.amount() - totalReturned, order.currency()), toReverse, reversal,
                order.points(), target, Purchases.BalanceView.of(balance));
        String response = Purchases.write(view);
        items.addFirst(orders.recordReturnTotals(order, totalReturned, target,
                order.unrecoveredPoints() + reversal.unrecovered(), returnedQuantities));
        items.add(orders.recordReturn(order, new OrderRepository.Return(body.returnId(), amount, toReverse, contentHash,
                response), now));
        items.add(MemberStats.recordReturn(table, order.memberId(), order.purchasedAt(), amount));
        return new IdempotentWriter.Write(201, view, items, events);
    }

    /** The order's return state after {@code amount} more comes back; 409 beyond what is left of the order. */
    private static ProportionalReturn.Step returnOf(Order order, long amount) {
        ProportionalReturn before = new ProportionalReturn(order.points(), Money.of(order.amount(), order.currency()),
                Money.of(order.returnedAmount(), order.currency()));
        try {
            return before.returnAmount(Money.of(amount, order.currency()));
        } catch (ReturnExceedsPurchaseException e) {
            long returnable = e.returnable().minorUnits();
            throw new ApiException(ProblemType.CONFLICT, "Return of " + amount + " exceeds what is left of order "
                    + order.orderId() + ": " + returnable + " of " + order.amount() + " " + order.currency()
                    + " (already returned " + order.returnedAmount() + ")",
                    Map.of("orderId", order.orderId(), "returnableAmount", returnable));
        }
    }

    /**
     * The price of returned units, taken from the order's lines: the n-th unit of a SKU returned is priced as the
     * n-th unit bought (lines in order), so several returns by line add up to what the lines cost. Updates
     * {@code returnedQuantities}.
     */
    private static long priceLines(Order order, List<ReturnLine> lines, Map<String, Long> returnedQuantities) {
        if (order.lines().isEmpty()) {
            throw ApiException.validation("Order " + order.orderId() + " was recorded without lines: return by amount");
        }
        long amount = 0;
        for (ReturnLine line : lines) {
            List<Line> bought = order.lines().stream().filter(l -> l.sku().equals(line.sku())).toList();
            if (bought.isEmpty()) {
                throw ApiException.validation("SKU " + line.sku() + " is not on order " + order.orderId());
            }
            long already = returnedQuantities.getOrDefault(line.sku(), 0L);
            long boughtUnits = bought.stream().mapToLong(Line::quantity).sum();
            if (already + line.quantity() > boughtUnits) {
                throw new ApiException(ProblemType.CONFLICT, "Cannot return " + line.quantity() + " of SKU " + line.sku()
                        + ": " + boughtUnits + " bought, " + already + " already returned",
                        Map.of("orderId", order.orderId(), "sku", line.sku(), "returnableQuantity", boughtUnits - already));
            }
            long skip = already;
            long take = line.quantity();
            for (Line l : bought) {
                long skipped = Math.min(skip, l.quantity());
                skip -= skipped;
                long units = Math.min(take, l.quantity() - skipped);
                amount = Math.addExact(amount, Math.multiplyExact(units, l.unitPrice()));
                take -= units;
            }
            returnedQuantities.put(line.sku(), already + line.quantity());
        }
        if (amount == 0) {
            throw ApiException.validation("The returned lines are worth nothing: nothing to return");
        }
        return amount;
    }

    /** A lot's new remaining, only if it still holds what was read; an emptied lot leaves the expiry index. */
    private TransactWriteItem updateRemaining(PointsLot read, PointsLot changed) {
        boolean leavesIndex = changed.remaining() == 0 && changed.expiresAt() != null;
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(LotItems.key(read))
                .updateExpression("SET remaining = :remaining"
                        + (leavesIndex ? " REMOVE " + TableSchema.GSI2_PK + ", " + TableSchema.GSI2_SK : ""))
                .conditionExpression("remaining = :read")
                .expressionAttributeValues(Map.of(":remaining", Attr.n(changed.remaining()), ":read", Attr.n(read.remaining())))
                .build()).build();
    }

}
