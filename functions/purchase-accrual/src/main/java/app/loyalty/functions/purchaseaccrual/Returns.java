package app.loyalty.functions.purchaseaccrual;

import app.loyalty.functions.purchaseaccrual.PurchaseView.Amount;
import app.loyalty.functions.purchaseaccrual.PurchaseView.BalanceView;
import app.loyalty.functions.purchaseaccrual.ReturnView.Reversal;
import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.LargestRemainder;
import app.loyalty.shared.domain.discount.card.DiscountCard;
import app.loyalty.shared.domain.earn.ProportionalReturn;
import app.loyalty.shared.domain.earn.ReturnExceedsPurchaseException;
import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.ledger.ReversalOutcome;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.CardLevels;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.ProgramCache;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.MemberStats;
import app.loyalty.shared.store.OrderRepository;
import app.loyalty.shared.store.OrderRepository.Line;
import app.loyalty.shared.store.OrderRepository.Order;
import app.loyalty.shared.store.PointsRefunds;
import app.loyalty.shared.store.UpdateExpression;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

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
 * ({@link MemberLedger#reverseOrder}). Reads: the order marker, then the member's profile and open lots in one
 * Query; one transaction writes the rest, the return marker (unique per order, holding the answer) included.
 */
final class Returns {
    private final MemberRepository members;
    private final OrderRepository orders;
    private final PointsRefunds refunds;
    private final ProgramCache programs;
    private final IdempotentWriter writer;
    private final Clock clock;
    private final String table;

    Returns(AppContext context, ProgramCache programs) {
        this.programs = programs;
        this.clock = context.clock();
        this.table = context.tableName();
        this.members = new MemberRepository(context.dynamo(), context.tableName());
        this.orders = new OrderRepository(context.dynamo(), context.tableName());
        this.refunds = new PointsRefunds(context.dynamo(), context.tableName());
        this.writer = new IdempotentWriter(context.dynamo(), context.tableName(), clock);
    }

    ApiResponse returnPurchase(ApiRequest request) {
        Caller caller = request.caller();
        String orderId = request.pathParameter("orderId");
        if (!PurchaseRequest.ID.matcher(orderId).matches()) {
            throw ApiException.validation("orderId must be 1-64 characters: letters, digits, . _ : -");
        }
        ReturnRequest body = request.body(ReturnRequest.class);
        String contentHash = Answers.hash(body);
        IdempotentWriter.Marker returnMarker = new IdempotentWriter.Marker(
                OrderRepository.returnKey(caller.merchantId(), orderId, body.returnId()),
                item -> replayOrRefuse(item, orderId, body.returnId(), contentHash));
        return writer.execute(request, returnMarker, () -> prepare(caller, orderId, body, contentHash));
    }

    /** The same return id again: identical content answers the original result (200), else 409. */
    private static ApiResponse replayOrRefuse(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item,
                                              String orderId, String returnId, String contentHash) {
        if (!Attr.string(item, "contentHash").equals(contentHash)) {
            throw new ApiException(ProblemType.CONFLICT, "Return " + returnId + " of order " + orderId
                    + " was already recorded with different content; a return id is unique per order",
                    Map.of("orderId", orderId, "returnId", returnId));
        }
        return Answers.original(Attr.string(item, "response"));
    }

    private IdempotentWriter.Write prepare(Caller caller, String orderId, ReturnRequest body, String contentHash) {
        Order order = orders.find(caller.merchantId(), orderId)
                .filter(o -> o.programId().equals(caller.programId()))
                .orElseThrow(() -> ApiException.notFound("Order " + orderId));
        Map<String, Long> returnedQuantities = new TreeMap<>(order.returnedQuantities());
        long amount = body.amount() != null ? body.amount() : priceLines(order, body.lines(), returnedQuantities);
        ProportionalReturn.Step step = returnOf(order, amount);
        long totalReturned = step.after().returnedSoFar().minorUnits();
        long target = step.after().reversedSoFar();
        long toReverse = step.pointsToReverse();

        Instant now = clock.instant();
        MemberRepository.MemberState state = members.loadWithOpenLots(order.memberId())
                .orElseThrow(() -> new IllegalStateException("Order " + orderId + " names a missing member"));
        MemberLedger ledger = new MemberLedger(order.memberId(), order.programId(), lotsFor(order, state));
        List<TransactWriteItem> items = new ArrayList<>();
        List<DomainEvent> events = new ArrayList<>();
        Reversal reversal = new Reversal(0, 0, 0, 0);
        PointsFigures.Change change = PointsFigures.Change.none(now);
        if (toReverse > 0) {
            String entryId = Ids.newId("ent");
            ReversalOutcome outcome = ledger.reverseOrder(
                    new EntryMeta(entryId, now, Actor.merchant(caller.merchantId()), "return"), caller.merchantId(), orderId,
                    toReverse);
            for (PointsLot changed : outcome.change().changedLots()) {
                PointsLot read = ledger.lot(changed.lotId()).orElseThrow();
                items.addAll(LotItems.change(table, read, changed));
                change = change.plus(PointsFigures.Change.changed(read, changed, now));
            }
            outcome.change().entries().forEach(entry -> items.add(LedgerEntryItems.append(table, entry, outcome.change().changedLots())));
            reversal = new Reversal(toReverse, outcome.fromOrderLots(), outcome.fromOtherLots(), outcome.unrecovered());
            events.add(Answers.event("PointsReversed", now, order.programId(),
                    reversed(caller, order, body.returnId(), outcome, toReverse, amount)));
        }
        // An order paid partly with points gets its share of them back, and that share of the money (docs/ledger.md).
        PointsRefunds.Refund refund = refunds.refund(caller.merchantId(), order.memberId(), order.programId(), orderId,
                order.paidAmount(), order.paidWithPoints(), order.returnedAmount(), totalReturned, now).orElse(null);
        if (refund != null) {
            items.addAll(refund.items());
            change = change.plus(refund.figures());
        }
        // Every return, with or without points to move, says what money came back: analytics nets it off revenue.
        events.add(Answers.event("PurchaseReturned", now, order.programId(),
                returned(caller, order, body.returnId(), amount, reversal, refund)));
        UpdateExpression profileUpdate = new UpdateExpression().condition("attribute_exists(PK)");
        var rules = programs.find(order.programId()).orElseThrow(
                () -> new IllegalStateException("Order " + orderId + " names a missing program")).rules();
        var spendByDay = MemberStats.recordReturn(profileUpdate, state.profileItem(), order.purchasedAt(), amount, now,
                rules.discount().windowDays());
        CardLevels.reevaluate(profileUpdate, state.profileItem(), rules, spendByDay, now, DiscountCard.Reason.RETURN,
                order.memberId(), order.programId()).ifPresent(events::add);
        app.loyalty.shared.store.LevelFallIndex.record(profileUpdate, state.profileItem(), order.memberId(), rules,
                spendByDay, now);
        Balance balance = MemberFigures.apply(profileUpdate, state.profileItem(), change, now)
                .balanceAt(now, Purchases.EXPIRING_SOON);
        items.add(profileUpdate.build(table, MemberRepository.profileKey(order.memberId())));

        ReturnView view = new ReturnView(orderId, body.returnId(), order.memberId(),
                new Amount(amount, order.currency()), new Amount(totalReturned, order.currency()),
                new Amount(order.paidAmount() - totalReturned, order.currency()), toReverse, reversal,
                order.points(), target, BalanceView.of(balance), ReturnView.PointsRefund.of(refund, order.currency()));
        String response = Answers.write(view);
        items.addFirst(orders.recordReturnTotals(order, totalReturned, target,
                Math.addExact(order.unrecoveredPoints(), reversal.unrecovered()), returnedQuantities));
        items.add(orders.recordReturn(order, new OrderRepository.Return(body.returnId(), amount, toReverse, contentHash,
                response), now));
        return new IdempotentWriter.Write(201, view, view, items, events,
                OrderRepository.returnKey(caller.merchantId(), orderId, body.returnId()));
    }

    /**
     * The member's open lots, plus the order's own lot when it is closed (spent or written off: it is not in the
     * open range and holds 0 points). The ledger needs it only to know what the order earned; a closed lot is never
     * written again, so it is rebuilt from the order instead of read.
     */
    private static List<PointsLot> lotsFor(Order order, MemberRepository.MemberState state) {
        List<PointsLot> lots = new ArrayList<>(LotItems.fromItems(state.lotItems()));
        if (order.lotId() != null && lots.stream().noneMatch(lot -> lot.lotId().equals(order.lotId()))) {
            lots.add(new PointsLot(order.lotId(), order.memberId(), order.points(), 0, order.recordedAt(),
                    order.recordedAt(), null, order.merchantId(), order.orderId()));
        }
        return lots;
    }

    private static Map<String, Object> reversed(Caller caller, Order order, String returnId, ReversalOutcome outcome,
                                                long requested, long amount) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", order.memberId());
        data.put("merchantId", caller.merchantId());
        data.put("orderId", order.orderId());
        data.put("returnId", returnId);
        if (!outcome.change().isEmpty()) {
            data.put("entryId", outcome.change().entry().entryId());
            data.put("allocations", outcome.change().entry().allocations().stream()
                    .map(a -> Map.<String, Object>of("lotId", a.lotId(), "points", a.points())).toList());
        }
        data.put("points", outcome.reversed());
        data.put("requested", requested);
        data.put("fromOrderLots", outcome.fromOrderLots());
        data.put("fromOtherLots", outcome.fromOtherLots());
        data.put("unrecovered", outcome.unrecovered());
        data.put("returnedAmount", amount);
        data.put("currency", order.currency());
        return data;
    }

    private static Map<String, Object> returned(Caller caller, Order order, String returnId, long amount,
                                                Reversal reversal, PointsRefunds.Refund refund) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", order.memberId());
        data.put("merchantId", caller.merchantId());
        data.put("orderId", order.orderId());
        data.put("returnId", returnId);
        data.put("amount", amount);
        data.put("currency", order.currency());
        data.put("pointsReversed", reversal.fromOrderLots() + reversal.fromOtherLots());
        data.put("pointsRestored", refund == null ? 0L : refund.points());
        return data;
    }

    /** The order's return state after {@code amount} more comes back; 409 beyond what is left of the order. */
    private static ProportionalReturn.Step returnOf(Order order, long amount) {
        // A discounted order returns at most what it cost after the discount (Order.paidAmount).
        if (order.paidAmount() <= 0) {
            throw new ApiException(ProblemType.CONFLICT, "Order " + order.orderId() + " cost nothing after its discounts: "
                    + "there is nothing to return", Map.of("orderId", order.orderId(), "returnableAmount", 0));
        }
        ProportionalReturn before = new ProportionalReturn(order.points(), Money.of(order.paidAmount(), order.currency()),
                Money.of(order.returnedAmount(), order.currency()), order.pointsBase());
        try {
            return before.returnAmount(Money.of(amount, order.currency()));
        } catch (ReturnExceedsPurchaseException e) {
            long returnable = e.returnable().minorUnits();
            throw new ApiException(ProblemType.CONFLICT, "Return of " + amount + " exceeds what is left of order "
                    + order.orderId() + ": " + returnable + " of " + order.paidAmount() + " " + order.currency()
                    + " (already returned " + order.returnedAmount() + ")",
                    Map.of("orderId", order.orderId(), "returnableAmount", returnable));
        }
    }

    /**
     * The price of returned units, taken from the order's lines: the n-th unit of a SKU returned is priced as the
     * n-th unit bought (lines in order), so several returns by line add up to what the lines cost. A line's price is
     * what was paid for it: its total less its share of the order's coupons ({@link #couponShares}), spread over its
     * units without drift (units 1..k carry floor(k x share / quantity) of it). The discount engine's discount on the
     * line (Order.lineDiscount) is taken off the same way, so a discounted line refunds its net. Updates
     * {@code returnedQuantities}.
     */
    private static long priceLines(Order order, List<ReturnRequest.ReturnLine> lines, Map<String, Long> returnedQuantities) {
        if (order.lines().isEmpty()) {
            throw ApiException.validation("Order " + order.orderId() + " was recorded without lines: return by amount");
        }
        long[] couponShares = couponShares(order);
        for (int i = 0; i < couponShares.length; i++) {
            // What the line cost: its total less its coupon share and the engine's discount, never below nothing.
            couponShares[i] = Math.min(order.lines().get(i).total(), couponShares[i] + order.lineDiscount(i));
        }
        long amount = 0;
        for (ReturnRequest.ReturnLine line : lines) {
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
            for (int i = 0; i < order.lines().size(); i++) {
                Line l = order.lines().get(i);
                if (!l.sku().equals(line.sku())) {
                    continue;
                }
                long skipped = Math.min(skip, l.quantity());
                skip -= skipped;
                long units = Math.min(take, l.quantity() - skipped);
                long couponPart = Math.multiplyExact(couponShares[i], skipped + units) / l.quantity()
                        - Math.multiplyExact(couponShares[i], skipped) / l.quantity();
                amount = Math.addExact(amount, Math.multiplyExact(units, l.unitPrice()) - couponPart);
                take -= units;
            }
            returnedQuantities.put(line.sku(), already + line.quantity());
        }
        if (amount == 0) {
            throw ApiException.validation("The returned lines are worth nothing: nothing to return");
        }
        return amount;
    }

    /**
     * Each line's part of the order's coupons, whether or not they counted for points (a coupon lowers what was paid
     * either way): all coupons, at most the lines' total, spread over the lines in proportion to their totals, largest
     * remainder ({@link LargestRemainder}), so the lines' prices less their shares add up to what the goods cost.
     */
    private static long[] couponShares(Order order) {
        long couponsOff = 0;
        for (Adjustment adjustment : order.adjustments()) {
            if (adjustment.kind() == Adjustment.Kind.COUPON) {
                couponsOff -= adjustment.amount();
            }
        }
        long[] totals = order.lines().stream().mapToLong(Line::total).toArray();
        return LargestRemainder.split(Math.min(couponsOff, java.util.Arrays.stream(totals).sum()), totals);
    }
}
