package app.loyalty.functions.purchaseaccrual;

import app.loyalty.functions.purchaseaccrual.PurchaseView.AdjustmentView;
import app.loyalty.functions.purchaseaccrual.PurchaseView.Amount;
import app.loyalty.functions.purchaseaccrual.PurchaseView.BalanceView;
import app.loyalty.functions.purchaseaccrual.PurchaseView.Breakdown;
import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.discount.card.DiscountCard;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.earn.EarnCalculator;
import app.loyalty.shared.domain.earn.EarnRules;
import app.loyalty.shared.domain.earn.Earning;
import app.loyalty.shared.domain.earn.Purchase;
import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.LedgerChange;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLimitExceededException;
import app.loyalty.shared.domain.ledger.PointsLimits;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.CardNumber;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.CardLevels;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.MemberStats;
import app.loyalty.shared.store.OrderRepository;
import app.loyalty.shared.store.OrderRepository.Line;
import app.loyalty.shared.store.OrderRepository.Order;
import app.loyalty.shared.store.PointsPayments;
import app.loyalty.shared.store.ProgramCache;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.InactivityIndex;
import app.loyalty.shared.store.UpdateExpression;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * POST /v1/purchases: a merchant's order earns points for a member. Reads: the card (when the purchase names one)
 * and the member's profile, whose figures give the balance without reading a lot; the program comes from the
 * container's cache. Then one transaction: order marker (unique per merchant, holding the answer), lot, ACCRUE
 * entry, the profile's figures and the idempotency record with the events. A retry is recognised by the failed
 * conditions of that transaction, never by a read before it.
 */
final class Purchases {
    static final Duration EXPIRING_SOON = Duration.ofDays(30);

    private final MemberRepository members;
    private final ProgramCache programs;
    private final OrderRepository orders;
    private final PointsPayments payments;
    private final IdempotentWriter writer;
    private final Clock clock;
    private final String table;

    Purchases(AppContext context, ProgramCache programs) {
        this.clock = context.clock();
        this.table = context.tableName();
        this.members = new MemberRepository(context.dynamo(), context.tableName());
        this.programs = programs;
        this.orders = new OrderRepository(context.dynamo(), context.tableName());
        this.payments = new PointsPayments(context.dynamo(), context.tableName());
        this.writer = new IdempotentWriter(context.dynamo(), context.tableName(), clock);
    }

    static ProgramCache programCache(AppContext context) {
        return new ProgramCache(new ProgramRepository(context.dynamo(), context.tableName()), context.clock());
    }

    ApiResponse record(ApiRequest request) {
        Caller caller = request.caller();
        PurchaseRequest body = request.body(PurchaseRequest.class);
        String contentHash = Answers.hash(body);
        IdempotentWriter.Marker orderMarker = new IdempotentWriter.Marker(
                OrderRepository.orderKey(caller.merchantId(), body.orderId()),
                item -> replayOrRefuse(OrderRepository.fromItem(item), body, contentHash));
        return writer.execute(request, orderMarker, () -> prepare(caller, body, contentHash));
    }

    private IdempotentWriter.Write prepare(Caller caller, PurchaseRequest body, String contentHash) {
        Instant now = clock.instant();
        Instant purchasedAt = body.purchasedAt() == null ? now : body.purchasedAt();
        if (purchasedAt.isAfter(now.plus(PurchaseRequest.MAX_CLOCK_SKEW))) {
            throw ApiException.validation("purchasedAt is more than 5 minutes in the future");
        }
        // Late posting (an offline till catching up) is fine for a few days; older dates would dodge the daily
        // cap, whose per-day counters are kept only that long, and are refused.
        if (purchasedAt.isBefore(now.minus(PurchaseRequest.MAX_POSTING_DELAY))) {
            throw ApiException.validation("purchasedAt is more than " + PurchaseRequest.MAX_POSTING_DELAY.toDays()
                    + " days in the past; post purchases when they happen");
        }
        Program program = programs.find(caller.programId())
                .orElseThrow(() -> new IllegalStateException("Authorized merchant's program is missing: " + caller.programId()));
        if (!program.currency().equals(body.total().currency())) {
            throw ApiException.validation("total.currency " + body.total().currency()
                    + " is not the program currency " + program.currency());
        }
        String memberId = resolveMember(caller, body);
        // Paying with points spends lots, so they are read with the profile (one Query instead of one GetItem).
        MemberRepository.MemberState state = (body.paid() > 0 ? members.loadWithOpenLots(memberId) : members.load(memberId))
                .filter(s -> s.member().programId().equals(caller.programId()))
                .orElseThrow(() -> ApiException.notFound("Member " + memberId));
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> profile = state.profileItem();

        EarnRules rules = EarnRules.of(program);
        List<Line> lines = body.orderLines();
        List<Adjustment> adjustments = body.orderAdjustments();
        long amount = body.total().amount();
        long earnedToday = MemberStats.pointsOnDay(profile, MemberStats.dayOf(purchasedAt));
        Purchase purchase = new Purchase(state.member().kind(), basket(lines), adjustments,
                Money.of(amount, program.currency()), Money.of(body.paid(), program.currency()), earnedToday,
                purchasedAt, now);
        Earning earning = EarnCalculator.calculate(rules, purchase);
        long points = earning.points();
        PointsFigures figures = MemberFigures.read(profile);
        try {
            PointsLimits.requireAccrualWithin(points, figures.total());
        } catch (PointsLimitExceededException e) {
            throw new ApiException(ProblemType.POINTS_LIMIT_EXCEEDED, e.getMessage(), Map.of(
                    "limit", e.limit().name().toLowerCase(java.util.Locale.ROOT), "maximum", e.maximum(),
                    "points", points, "balance", figures.total()));
        }

        List<TransactWriteItem> items = new ArrayList<>();
        List<DomainEvent> events = new ArrayList<>();
        PointsLot lot = null;
        LedgerEntry entry = null;
        PointsFigures.Change change = PointsFigures.Change.none(now);
        if (points > 0) {
            String entryId = Ids.newId("ent");
            // Accruing needs no other lot: the new lot is a new item, and the balance comes from the figures.
            LedgerChange accrual = MemberLedger.empty(memberId, program.programId()).accrue(
                    new EntryMeta(entryId, now, Actor.merchant(caller.merchantId()), "purchase"),
                    earning.toAccrual(caller.merchantId(), body.orderId()));
            lot = accrual.changedLots().getFirst();
            entry = accrual.entry();
            change = PointsFigures.Change.added(lot, now);
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(LotItems.toItem(lot))
                    .conditionExpression("attribute_not_exists(PK)").build()).build());
            items.add(LedgerEntryItems.append(table, entry));
        }
        UpdateExpression profileUpdate = new UpdateExpression().condition("attribute_exists(PK)");
        PointsPayments.Payment payment = payments.pay(program, caller.merchantId(), memberId, profile, state.lotItems(),
                body.orderId(), amount, body.paid(), body.redemptionId(), now, profileUpdate);
        items.addAll(payment.items());
        events.addAll(payment.events());
        change = change.plus(payment.figures());
        long dailyCap = rules.rulesFor(state.member().kind()).maxPointsPerDay();
        var spendByDay = MemberStats.recordPurchase(profileUpdate, profile, purchasedAt, amount, points,
                dailyCap == EarnRules.NO_CAP ? null : dailyCap, now, program.rules().discount().windowDays());
        var tierChanged = CardLevels.reevaluate(profileUpdate, profile, program.rules(), spendByDay, now,
                DiscountCard.Reason.PURCHASE, memberId, program.programId());
        Balance balance = MemberFigures.apply(profileUpdate, profile, change, now).balanceAt(now, EXPIRING_SOON);
        InactivityIndex.recordPurchase(profileUpdate, memberId, program.rules(), now);
        items.add(profileUpdate.build(table, MemberRepository.profileKey(memberId)));

        String status = lot == null ? "none" : lot.isPendingAt(now) ? "pending" : "available";
        PurchaseView view = new PurchaseView(body.orderId(), memberId, new Amount(amount, program.currency()), points,
                Breakdown.of(earning.breakdown(), !adjustments.isEmpty()), status, lot == null ? null : lot.availableAt(),
                lot == null ? null : lot.expiresAt(), BalanceView.of(balance), body.promoCode(), purchasedAt,
                AdjustmentView.of(adjustments), body.metadata(), PurchaseView.PointsPaid.of(payment, program.currency()));
        // The metadata lives in the stored answer only: stored once, never in the event or the ledger.
        Order order = new Order(caller.merchantId(), body.orderId(), program.programId(), memberId, amount,
                program.currency(), lines, body.paid(), body.promoCode(), purchasedAt, now, points,
                lot == null ? null : lot.lotId(), 0, 0, 0, Map.of(), contentHash, Answers.write(view), adjustments,
                EarnCalculator.pointsBase(rules, purchase));
        items.addFirst(orders.record(order));
        events.add(Answers.event("PurchaseRecorded", now, program.programId(),
                recorded(caller, body, memberId, program.currency(), lines.size(), purchasedAt, points)));
        if (lot != null) {
            Map<String, Object> accrued = new LinkedHashMap<>();
            accrued.put("memberId", memberId);
            accrued.put("merchantId", caller.merchantId());
            accrued.put("orderId", body.orderId());
            accrued.put("entryId", entry.entryId());
            accrued.put("lotId", lot.lotId());
            accrued.put("points", points);
            accrued.put("status", status);
            accrued.put("availableAt", lot.availableAt().toString());
            if (lot.expiresAt() != null) {
                accrued.put("expiresAt", lot.expiresAt().toString());
            }
            events.add(Answers.event("PointsAccrued", now, program.programId(), accrued));
        }
        tierChanged.ifPresent(events::add);
        // The answer is stored once, on the order marker, which outlives the idempotency record (24 h) and serves
        // retries under another key; the record refers to it.
        return new IdempotentWriter.Write(201, view, view, items, events,
                OrderRepository.orderKey(caller.merchantId(), body.orderId()));
    }

    private static Map<String, Object> recorded(Caller caller, PurchaseRequest body, String memberId, String currency,
                                                int lineCount, Instant purchasedAt, long points) {
        Map<String, Object> recorded = new LinkedHashMap<>();
        recorded.put("memberId", memberId);
        recorded.put("merchantId", caller.merchantId());
        recorded.put("orderId", body.orderId());
        recorded.put("amount", body.total().amount());
        recorded.put("currency", currency);
        recorded.put("paidWithPoints", body.paid());
        recorded.put("lineCount", lineCount);
        recorded.put("purchasedAt", purchasedAt.toString());
        recorded.put("pointsEarned", points);
        if (body.promoCode() != null) {
            recorded.put("promoCode", body.promoCode());
        }
        return recorded;
    }

    private static List<BasketLine> basket(List<Line> lines) {
        return lines.stream().map(l -> new BasketLine(l.sku(), l.category(), l.quantity(), l.unitPrice())).toList();
    }

    /** The same order again: identical content answers the original result (200, nothing new); else a 409. */
    private static ApiResponse replayOrRefuse(Order order, PurchaseRequest body, String contentHash) {
        if (order.contentHash().equals(contentHash)) {
            return Answers.original(order.response());
        }
        List<String> differences = new ArrayList<>();
        if (order.amount() != body.total().amount() || !order.currency().equals(body.total().currency())) {
            differences.add("total (recorded " + order.amount() + " " + order.currency() + ", now "
                    + body.total().amount() + " " + body.total().currency() + ")");
        }
        if (body.memberId() != null && !body.memberId().equals(order.memberId())) {
            differences.add("member");
        }
        if (!order.lines().equals(body.orderLines())) {
            differences.add("lines");
        }
        if (!order.adjustments().equals(body.orderAdjustments())) {
            differences.add("adjustments");
        }
        if (order.paidWithPoints() != body.paid()) {
            differences.add("paidWithPoints");
        }
        if (!Objects.equals(order.promoCode(), body.promoCode())) {
            differences.add("promoCode");
        }
        if (differences.isEmpty()) {
            differences.add("card, member, purchasedAt or metadata");
        }
        throw new ApiException(ProblemType.CONFLICT, "Order " + order.orderId() + " was already recorded with different "
                + String.join(", ", differences) + ". An order id is unique per merchant: resend the original purchase "
                + "to get its answer, record a return to change it, or use a new order id.",
                Map.of("orderId", order.orderId()));
    }

    private String resolveMember(Caller caller, PurchaseRequest body) {
        if (body.memberId() != null) {
            return body.memberId();
        }
        if (!CardNumber.isValid(body.cardNumber())) {
            throw ApiException.validation("cardNumber must be 16 digits with a valid check digit");
        }
        Card card = members.findCard(body.cardNumber())
                .filter(c -> c.programId().equals(caller.programId()))
                .orElseThrow(() -> ApiException.notFound("Card " + body.cardNumber()));
        if (!card.isActive()) {
            throw new ApiException(ProblemType.CARD_BLOCKED,
                    "Card " + body.cardNumber() + " is blocked; use the member's current card");
        }
        return card.memberId();
    }
}
