package app.loyalty.functions.purchaseaccrual;

import app.loyalty.functions.purchaseaccrual.PurchaseView.AdjustmentView;
import app.loyalty.functions.purchaseaccrual.PurchaseView.Amount;
import app.loyalty.functions.purchaseaccrual.PurchaseView.BalanceView;
import app.loyalty.functions.purchaseaccrual.PurchaseView.Breakdown;
import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.discount.Checkout;
import app.loyalty.shared.domain.discount.CheckoutCalculator;
import app.loyalty.shared.domain.discount.Quote;
import app.loyalty.shared.domain.ledger.Accrual;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.redeem.PointsMoney;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.CheckoutReader;
import app.loyalty.shared.store.PromoCodeRepository;
import app.loyalty.shared.store.RewardPoolBudgets;
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
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.PartnerAccess;
import app.loyalty.shared.domain.settlement.MerchantTerms;
import app.loyalty.shared.store.MerchantBudgets;
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
import app.loyalty.shared.store.CheckoutMembers;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.MemberStats;
import app.loyalty.shared.store.OrderRepository;
import app.loyalty.shared.store.OrderRepository.Line;
import app.loyalty.shared.store.OrderRepository.Order;
import app.loyalty.shared.store.PointsPayments;
import app.loyalty.shared.store.ProgramCache;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.PurchaseVelocity;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.store.MerchantVelocity;
import app.loyalty.shared.store.InactivityIndex;
import app.loyalty.shared.store.LevelFallIndex;
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
 * and, for a purchase with lines, the checkout's facts in one BatchGetItem ({@link CheckoutReader}: profile, promo
 * code, pools; the profile's figures give the balance without reading a lot), from which the discount engine
 * computes exactly what the order's quote said (docs/discounts.md, "Quote and purchase"); without lines the profile
 * alone. The program comes from the container's cache. Then one transaction: order marker (unique per merchant,
 * holding the answer), lot, ACCRUE entry, the profile's figures, the checkout's counters (promo code use, pool
 * budgets, staff cap, birthday marker) and the idempotency record with the events. A retry is recognised by the
 * failed conditions of that transaction, never by a read before it.
 */
final class Purchases {
    static final Duration EXPIRING_SOON = Duration.ofDays(30);

    private final MemberRepository members;
    private final ProgramCache programs;
    private final OrderRepository orders;
    private final PointsPayments payments;
    private final IdempotentWriter writer;
    private final CheckoutReader reader;
    private final MerchantBudgets budgets;
    private final MerchantVelocity merchantVelocity;
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
        this.reader = new CheckoutReader(context.dynamo(), context.tableName());
        this.budgets = new MerchantBudgets(context.dynamo(), context.tableName());
        this.merchantVelocity = new MerchantVelocity(context.dynamo(), context.tableName());
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
        // Per-merchant velocity counters: one per request, as they remember whether the last attempt lost its condition.
        MerchantVelocity.Counter merchantPurchases = merchantVelocity.counter(
                MerchantVelocity.Measure.PURCHASES_PER_MINUTE, caller.programId(), caller.merchantId(), body.orderId());
        MerchantVelocity.Counter merchantPointsRedeemed = merchantVelocity.counter(
                MerchantVelocity.Measure.POINTS_REDEEMED_PER_DAY, caller.programId(), caller.merchantId(), body.orderId());
        return writer.execute(request, orderMarker,
                () -> prepare(caller, body, contentHash, merchantPurchases, merchantPointsRedeemed));
    }

    private IdempotentWriter.Write prepare(Caller caller, PurchaseRequest body, String contentHash,
                                           MerchantVelocity.Counter merchantPurchases,
                                           MerchantVelocity.Counter merchantPointsRedeemed) {
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
        if (body.paid() > 0) {
            PartnerAccess.requireMayRedeem(program, caller.merchantId());
        }
        String memberId = resolveMember(caller, body);
        List<Line> lines = body.orderLines();
        List<Adjustment> adjustments = body.orderAdjustments();
        long amount = body.total().amount();
        long paid = body.paid();
        // A purchase with lines goes through the discount engine with the facts the quote uses (CheckoutReader: one
        // BatchGetItem of the profile, the promo code and the pools; paying with points reads the open lots with the
        // profile in one Query instead). Without lines and without a promo code there is no basket to discount: the
        // profile alone, as before. A promo code sent without lines is applied to the goods as one line (the quote
        // does the same), so the code is either applied and counted or refused: never echoed unapplied.
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> profile;
        List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> lotItems;
        MemberKind kind;
        CheckoutReader.Facts facts = null;
        Checkout checkout = null;
        Quote quote = null;
        if (lines.isEmpty() && body.promoCode() == null) {
            MemberRepository.MemberState state = (paid > 0 ? members.loadWithOpenLots(memberId) : members.load(memberId))
                    .filter(s -> s.member().programId().equals(caller.programId()))
                    .orElseThrow(() -> ApiException.notFound("Member " + memberId));
            profile = state.profileItem();
            refuseErased(profile, memberId);
            lotItems = state.lotItems();
            kind = state.member().kind();
        } else {
            CheckoutReader.Read read = reader.read(memberId, program, body.promoCode(), paid > 0)
                    .filter(r -> Attr.string(r.profile(), "programId").equals(caller.programId()))
                    .orElseThrow(() -> ApiException.notFound("Member " + memberId));
            profile = read.profile();
            refuseErased(profile, memberId);
            lotItems = read.lotItems();
            kind = read.member().kind();
            facts = CheckoutReader.facts(read, program, body.promoCode(), caller.merchantId(), body.orderId(), now,
                    purchasedAt);
            long pointsToSpend = PointsMoney.pointsFor(program.rules().discount().pointValue(), paid);
            if (body.redemptionId() != null) {
                // The hold's points are this order's (PointsPayments checks the hold covers them, live or captured).
                facts = facts.withAvailablePoints(Math.max(facts.member().availablePoints(), pointsToSpend));
            }
            List<BasketLine> basket = lines.isEmpty()
                    ? List.of(BasketLine.wholePurchase(amount - adjustments.stream().mapToLong(Adjustment::amount).sum()))
                    : basket(lines);
            checkout = CheckoutReader.checkout(facts, program, body.orderId(), basket, adjustments,
                    paid > 0 ? pointsToSpend : null, now);
            quote = CheckoutReader.quote(checkout, facts);
            refuseRefusedPromoCode(quote, body.promoCode());
        }

        int purchasesPerHour = program.rules().velocity().maxPurchasesPerMemberPerHour();
        PurchaseVelocity.requireBelowLimit(profile, now, purchasesPerHour);
        EarnRules rules = EarnRules.of(program);
        long amountDue = quote == null ? amount : quote.amountDue();
        long earnedToday = MemberStats.pointsOnDay(profile, MemberStats.dayOf(purchasedAt));
        Purchase purchase = quote == null
                ? new Purchase(kind, basket(lines), adjustments, Money.of(amount, program.currency()),
                        Money.of(paid, program.currency()), earnedToday, purchasedAt, now)
                // What the points pay per the engine: a paidWithPoints that differs is refused below, after the
                // payment's own checks, so their clearer refusals come first.
                : netPurchase(checkout, quote, quote.points().appliedValue(), purchasedAt, now, kind, earnedToday);
        Earning earning = EarnCalculator.calculate(rules, purchase);
        if (quote != null && earning.points() != quote.pointsEarned()) {
            throw new IllegalStateException("The purchase earns " + earning.points() + " points but its quote "
                    + quote.pointsEarned() + ": the engine and the purchase must earn on the same net purchase");
        }
        // Everything the purchase credits is one lot: earned, multiplier bonus, birthday, cashback and blind points.
        long points = quote == null ? earning.points() : quote.pointsCredited();
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
        ProgramRules.Velocity velocity = program.rules().velocity();
        items.addAll(merchantPurchases.add(velocity.maxPurchasesPerMerchantPerMinute() == null ? null
                : velocity.maxPurchasesPerMerchantPerMinute().longValue(), 1, now));
        if (points > 0) {
            // Issuing: the agreement must allow it, and a prepaid budget must cover it (docs/settlement.md).
            PartnerAccess.requireMayIssue(program, caller.merchantId());
            MerchantTerms terms = program.agreement().termsOf(caller.merchantId()).orElseThrow();
            if (terms.hasBudget()) {
                MerchantBudgets.Spend budget = MerchantBudgets.spend(table, program.programId(), caller.merchantId(),
                        terms, points, budgets.issued(program.programId(), caller.merchantId()));
                items.add(budget.item());
                if (budget.becomesLow()) {
                    events.add(Answers.event("MerchantBudgetLow", now, program.programId(),
                            budgetLow(caller.merchantId(), terms, budget.issuedAfter())));
                }
            }
        }
        PointsLot lot = null;
        LedgerEntry entry = null;
        PointsFigures.Change change = PointsFigures.Change.none(now);
        if (points > 0) {
            String entryId = Ids.newId("ent");
            // Accruing needs no other lot: the new lot is a new item, and the balance comes from the figures.
            LedgerChange accrual = MemberLedger.empty(memberId, program.programId()).accrue(
                    new EntryMeta(entryId, now, Actor.merchant(caller.merchantId()), "purchase"),
                    new Accrual(points, caller.merchantId(), body.orderId(), earning.availableAt(), earning.expiresAt()));
            lot = accrual.changedLots().getFirst();
            entry = accrual.entry();
            change = PointsFigures.Change.added(lot, now);
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(LotItems.toItem(lot))
                    .conditionExpression("attribute_not_exists(PK)").build()).build());
            items.add(LedgerEntryItems.append(table, entry, List.of(lot)));
        }
        UpdateExpression profileUpdate = new UpdateExpression().condition("attribute_exists(PK)");
        PointsPayments.Payment payment = payments.pay(program, caller.merchantId(), memberId, profile, lotItems,
                body.orderId(), amountDue, paid, body.redemptionId(), now, profileUpdate);
        if (quote != null && paid > 0 && quote.points().appliedValue() != paid) {
            throw new ApiException(ProblemType.POINTS_PAYMENT_NOT_COVERED, "paidWithPoints " + paid + " is not what "
                    + "points pay of this order: the quote applies " + quote.points().applied() + " points worth "
                    + quote.points().appliedValue() + " (at most " + program.rules().discount().maxPointsPaymentBp()
                    + " bp of the amount due " + amountDue + ", in whole points); send paidWithPoints = points.appliedValue",
                    Map.of("reason", "quote", "pointsNeeded", quote.points().requested(),
                            "pointsAvailable", quote.points().usable()));
        }
        items.addAll(payment.items());
        items.addAll(merchantPointsRedeemed.add(velocity.maxPointsRedeemedPerMerchantPerDay(), payment.pointsSpentNow(), now));
        events.addAll(payment.events());
        change = change.plus(payment.figures());
        if (quote != null) {
            applyCheckout(quote, facts, program, memberId, profile, now, profileUpdate, items);
        }
        long dailyCap = rules.rulesFor(kind).maxPointsPerDay();
        long cappedPoints = quote == null ? points : quote.pointsEarned() + quote.bonusPoints();
        var spendByDay = MemberStats.recordPurchase(profileUpdate, profile, purchasedAt, amountDue, cappedPoints,
                dailyCap == EarnRules.NO_CAP ? null : dailyCap, now, program.rules().discount().windowDays());
        var tierChanged = CardLevels.reevaluate(profileUpdate, profile, program.rules(), spendByDay, now,
                DiscountCard.Reason.PURCHASE, memberId, program.programId());
        Balance balance = MemberFigures.apply(profileUpdate, profile, change, now).balanceAt(now, EXPIRING_SOON);
        InactivityIndex.recordPurchase(profileUpdate, memberId, program.rules(), now);
        // The day the daily job next looks at this member's level (warning, then fall): same update, no extra call.
        LevelFallIndex.record(profileUpdate, profile, memberId, program.rules(), spendByDay, now);
        PurchaseVelocity.recordPurchase(profileUpdate, profile, now, purchasesPerHour);
        items.add(profileUpdate.build(table, MemberRepository.profileKey(memberId)));

        String status = lot == null ? "none" : lot.isPendingAt(now) ? "pending" : "available";
        PurchaseView view = new PurchaseView(body.orderId(), memberId, new Amount(amount, program.currency()), points,
                Breakdown.of(earning.breakdown(), !adjustments.isEmpty()), status, lot == null ? null : lot.availableAt(),
                lot == null ? null : lot.expiresAt(), BalanceView.of(balance), body.promoCode(), purchasedAt,
                AdjustmentView.of(adjustments), body.metadata(), PurchaseView.PointsPaid.of(payment, program.currency()),
                PurchaseView.Checkout.of(quote));
        // The metadata lives in the stored answer only: stored once, never in the event or the ledger.
        Order order = new Order(caller.merchantId(), body.orderId(), program.programId(), memberId, amount,
                program.currency(), lines, paid, body.promoCode(), purchasedAt, now, points,
                lot == null ? null : lot.lotId(), 0, 0, 0, Map.of(), contentHash, Answers.write(view), adjustments,
                EarnCalculator.pointsBase(rules, purchase), quote == null ? 0 : quote.totalDiscount(),
                quote == null || quote.totalDiscount() == 0 ? List.of()
                        : quote.lines().subList(0, lines.size()).stream().map(Quote.LineQuote::discount).toList());
        items.addFirst(orders.record(order));
        events.add(Answers.event("PurchaseRecorded", now, program.programId(),
                recorded(caller, body, memberId, program.currency(), lines.size(), purchasedAt, points, quote)));
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
        if (quote != null) {
            events.addAll(PromotionsApplied.events(quote, program.programId(), caller.merchantId(), memberId,
                    body.orderId(), now));
        }
        tierChanged.ifPresent(events::add);
        // The answer is stored once, on the order marker, which outlives the idempotency record (24 h) and serves
        // retries under another key; the record refers to it.
        return new IdempotentWriter.Write(201, view, view, items, events,
                OrderRepository.orderKey(caller.merchantId(), body.orderId()));
    }

    /**
     * The net purchase the engine earned on (CheckoutCalculator.netPurchase), at the purchase's own times; when the
     * discounts leave less than nothing (a checkout coupon larger than the rest) a purchase of nothing, which earns 0.
     */
    private static Purchase netPurchase(Checkout checkout, Quote quote, long paid, Instant purchasedAt, Instant now,
                                        MemberKind kind, long earnedToday) {
        Purchase net = CheckoutCalculator.netPurchase(checkout, quote.lines(), paid, purchasedAt, now);
        if (net != null) {
            return net;
        }
        Money nothing = Money.zero(checkout.program().currency());
        return new Purchase(kind, List.of(), List.of(), nothing, nothing, earnedToday, purchasedAt, now);
    }

    /**
     * A promo code the engine refused for one of the code's own reasons (used up, the member's limit, out of its
     * window, not for this member or basket) is a 422 and nothing is written: the checkout would otherwise charge a
     * discount the purchase does not give. An unknown or switched-off code is only listed (it was free text before
     * codes were stored), and a code that lost to the card (BETTER_WINS) or the maximum total discount is not refused.
     */
    private static void refuseRefusedPromoCode(Quote quote, String promoCode) {
        if (promoCode == null) {
            return;
        }
        for (Quote.NotApplied notApplied : quote.notApplied()) {
            if (notApplied.kind() == Quote.Kind.PROMO_CODE && REFUSALS.contains(notApplied.reason())) {
                throw new ApiException(ProblemType.PROMO_CODE_REFUSED, "Promo code " + promoCode + " does not apply: "
                        + notApplied.message(), Map.of("reason", notApplied.reason().name(), "promoCode", promoCode));
            }
        }
    }

    private static final java.util.Set<Quote.Reason> REFUSALS = java.util.EnumSet.of(Quote.Reason.NOT_YET_VALID,
            Quote.Reason.EXPIRED, Quote.Reason.EXHAUSTED, Quote.Reason.MEMBER_LIMIT, Quote.Reason.NOT_ELIGIBLE,
            Quote.Reason.BELOW_MINIMUM, Quote.Reason.NO_ELIGIBLE_LINES);

    /**
     * What applying the quote adds to the purchase's transaction: the promo code's use (conditional on its limits),
     * each blind reward's spend of its pool's budget (conditional on the budget), the staff discount of the month
     * (conditional on the cap) and the birthday marker (conditional on not having had this birthday's bonus). A
     * condition that fails because a concurrent purchase took the last of something makes the writer prepare the
     * purchase again from the new state: the code is then refused (422), the pool or the cap cut to what is left.
     */
    private void applyCheckout(Quote quote, CheckoutReader.Facts facts, Program program, String memberId,
                               Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> profile,
                               Instant now, UpdateExpression profileUpdate, List<TransactWriteItem> items) {
        for (Quote.Applied applied : quote.applied()) {
            switch (applied.kind()) {
                case PROMO_CODE -> items.addAll(PromoCodeRepository.use(table, program.programId(),
                        facts.promoCode().code(), memberId));
                case STAFF -> CheckoutReader.recordStaffDiscount(profileUpdate, profile, now, applied.amount(),
                        program.rules().staff().monthlyCap());
                default -> {
                }
            }
        }
        for (Quote.BlindReward reward : quote.blindRewards()) {
            long spent = reward.points() + reward.amount();
            long budget = program.rules().rewardPools().stream().filter(p -> p.id().equals(reward.poolId()))
                    .findFirst().orElseThrow().budget();
            items.add(RewardPoolBudgets.spend(table, program.programId(), reward.poolId(), spent, budget));
        }
        if (quote.birthdayPoints() > 0) {
            CheckoutReader.recordBirthdayBonus(profileUpdate, facts.birthdayOccurrence());
        }
    }

    private static Map<String, Object> budgetLow(String merchantId, MerchantTerms terms, long issued) {
        Map<String, Object> low = new LinkedHashMap<>();
        low.put("merchantId", merchantId);
        low.put("prepaidPoints", terms.prepaidPoints());
        low.put("issuedPoints", issued);
        low.put("remainingPoints", terms.prepaidPoints() - issued);
        low.put("lowBudgetPoints", terms.lowBudgetPoints());
        return low;
    }

    private static Map<String, Object> recorded(Caller caller, PurchaseRequest body, String memberId, String currency,
                                                int lineCount, Instant purchasedAt, long points, Quote quote) {
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
        if (quote != null && quote.totalDiscount() > 0) {
            recorded.put("discount", quote.totalDiscount());
            recorded.put("amountDue", quote.amountDue());
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
        return new CheckoutMembers(members).memberIdFor(caller, body.memberId(), body.cardNumber());
    }

    /**
     * A member erased on request (docs/members.md) earns no more: its cards are blocked (409 card-blocked), and a
     * purchase naming its member id is refused too, with nothing written.
     */
    private static void refuseErased(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> profile,
                                     String memberId) {
        if (app.loyalty.shared.domain.member.Member.Status.ERASED.name().equals(Attr.string(profile, "status"))) {
            throw new ApiException(ProblemType.MEMBER_ERASED, "Member " + memberId + " was erased on request and earns no more");
        }
    }
}
