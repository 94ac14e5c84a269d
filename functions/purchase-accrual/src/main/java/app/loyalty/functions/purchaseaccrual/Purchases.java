package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.Money;
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
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.CardNumber;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.MemberStats;
import app.loyalty.shared.store.OrderRepository;
import app.loyalty.shared.store.OrderRepository.Line;
import app.loyalty.shared.store.OrderRepository.Order;
import app.loyalty.shared.store.ProgramRepository;
import com.fasterxml.jackson.core.JsonProcessingException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * POST /v1/purchases: a merchant's order earns points for a member, in one transaction of order marker, lot,
 * ACCRUE entry and the member's rolling figures (plus the idempotency record with the events).
 */
final class Purchases {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    static final Pattern TEXT = Pattern.compile("[A-Za-z0-9._:/ -]{1,64}");
    static final long MAX_AMOUNT = 10_000_000_000L;
    static final int MAX_LINES = 200;
    static final long MAX_QUANTITY = 10_000;
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** How late a purchase may be posted; within the days MemberStats keeps per-day points for the cap. */
    static final Duration MAX_POSTING_DELAY = Duration.ofDays(MemberStats.POINTS_BY_DAY_KEPT - 1);
    static final Duration EXPIRING_SOON = Duration.ofDays(30);

    private final MemberRepository members;
    private final ProgramRepository programs;
    private final OrderRepository orders;
    private final IdempotentWriter writer;
    private final Clock clock;
    private final String table;

    Purchases(AppContext context) {
        this.clock = context.clock();
        this.table = context.tableName();
        this.members = new MemberRepository(context.dynamo(), context.tableName());
        this.programs = new ProgramRepository(context.dynamo(), context.tableName());
        this.orders = new OrderRepository(context.dynamo(), context.tableName());
        this.writer = new IdempotentWriter(context.dynamo(), context.tableName(), clock);
    }

    record MoneyBody(Long amount, String currency) {
        MoneyBody {
            if (amount == null || amount < 1 || amount > MAX_AMOUNT) {
                throw new IllegalArgumentException("total.amount must be 1.." + MAX_AMOUNT + " minor units");
            }
            if (currency == null || !currency.matches("[A-Z]{3}")) {
                throw new IllegalArgumentException("total.currency must be an ISO 4217 code such as EUR");
            }
        }
    }

    record LineBody(String sku, String category, Long quantity, Long unitPrice) {
        LineBody {
            if (sku == null || !TEXT.matcher(sku).matches()) {
                throw new IllegalArgumentException("lines[].sku must be 1-64 letters, digits or . _ : / - space");
            }
            if (category == null || !TEXT.matcher(category).matches()) {
                throw new IllegalArgumentException("lines[].category must be 1-64 letters, digits or . _ : / - space");
            }
            if (quantity == null || quantity < 1 || quantity > MAX_QUANTITY) {
                throw new IllegalArgumentException("lines[].quantity must be 1.." + MAX_QUANTITY);
            }
            if (unitPrice == null || unitPrice < 0 || unitPrice > MAX_AMOUNT) {
                throw new IllegalArgumentException("lines[].unitPrice must be 0.." + MAX_AMOUNT + " minor units");
            }
        }
    }

    record PurchaseRequest(String cardNumber, String memberId, String orderId, MoneyBody total, List<LineBody> lines,
                           Long paidWithPoints, String promoCode, Instant purchasedAt) {
        PurchaseRequest {
            if ((cardNumber == null) == (memberId == null)) {
                throw new IllegalArgumentException("send exactly one of cardNumber and memberId");
            }
            if (memberId != null && !ID.matcher(memberId).matches()) {
                throw new IllegalArgumentException("memberId must be 1-64 characters: letters, digits, . _ : -");
            }
            if (orderId == null || !ID.matcher(orderId).matches()) {
                throw new IllegalArgumentException("orderId must be 1-64 characters: letters, digits, . _ : -");
            }
            if (total == null) {
                throw new IllegalArgumentException("total is required");
            }
            if (lines != null) {
                if (lines.size() > MAX_LINES) {
                    throw new IllegalArgumentException("at most " + MAX_LINES + " lines");
                }
                if (lines.contains(null)) {
                    throw new IllegalArgumentException("lines must not contain null");
                }
                long sum = 0;
                for (LineBody line : lines) {
                    sum = Math.addExact(sum, Math.multiplyExact(line.quantity(), line.unitPrice()));
                }
                if (!lines.isEmpty() && sum != total.amount()) {
                    throw new IllegalArgumentException("lines add up to " + sum + " but total.amount is " + total.amount());
                }
            }
            if (paidWithPoints != null && (paidWithPoints < 0 || paidWithPoints > total.amount())) {
                throw new IllegalArgumentException("paidWithPoints must be 0..total.amount minor units");
            }
            if (promoCode != null && !ID.matcher(promoCode).matches()) {
                throw new IllegalArgumentException("promoCode must be 1-64 characters: letters, digits, . _ : -");
            }
        }

        List<Line> orderLines() {
            return lines == null ? List.of()
                    : lines.stream().map(l -> new Line(l.sku(), l.category(), l.quantity(), l.unitPrice())).toList();
        }

        long paid() {
            return paidWithPoints == null ? 0 : paidWithPoints;
        }
    }

    record Rate(long points, long perAmount) {
    }

    /** The response's view of the shared {@link Earning.Breakdown} (openapi.yaml: cappedBy absent when no cap). */
    record Breakdown(long eligibleAmount, long excludedAmount, long paidWithPoints, long earningAmount, Rate rate,
                     boolean minimumBasketMet, long pointsBeforeCaps, String cappedBy) {
        static Breakdown of(Earning.Breakdown b) {
            String cappedBy = switch (b.cappedBy()) {
                case NONE -> null;
                case PURCHASE -> "purchase";
                case DAY -> "day";
            };
            return new Breakdown(b.eligibleAmount(), b.excludedAmount(), b.paidWithPoints(), b.earningAmount(),
                    new Rate(b.rate().points(), b.rate().perMinorUnits()), b.minimumBasketMet(), b.pointsBeforeCaps(),
                    cappedBy);
        }
    }

    record BalanceView(long available, long pending) {
        static BalanceView of(Balance balance) {
            return new BalanceView(balance.available(), balance.pending());
        }
    }

    record Amount(long amount, String currency) {
    }

    record PurchaseView(String orderId, String memberId, Amount total, long pointsEarned, Breakdown breakdown,
                        String status, Instant availableAt, Instant expiresAt, BalanceView balance, String promoCode,
                        Instant purchasedAt) {
    }

    ApiResponse record(ApiRequest request) {
        Caller caller = request.caller();
        PurchaseRequest body = request.body(PurchaseRequest.class);
        String contentHash = hash(body);
        return writer.execute(request, () -> prepare(caller, body, contentHash));
    }

    private IdempotentWriter.Write prepare(Caller caller, PurchaseRequest body, String contentHash) {
        Instant now = clock.instant();
        Instant purchasedAt = body.purchasedAt() == null ? now : body.purchasedAt();
        if (purchasedAt.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw ApiException.validation("purchasedAt is more than 5 minutes in the future");
        }
        // Late posting (an offline till catching up) is fine for a few days; older dates would dodge the daily
        // cap, whose per-day counters are kept only that long, and are refused.
        if (purchasedAt.isBefore(now.minus(MAX_POSTING_DELAY))) {
            throw ApiException.validation("purchasedAt is more than " + MAX_POSTING_DELAY.toDays()
                    + " days in the past; post purchases when they happen");
        }
        var existing = orders.find(caller.merchantId(), body.orderId());
        if (existing.isPresent()) {
            return replayOrRefuse(existing.get(), body, contentHash);
        }
        Program program = programs.find(caller.programId())
                .orElseThrow(() -> new IllegalStateException("Authorized merchant's program is missing: " + caller.programId()));
        if (!program.currency().equals(body.total().currency())) {
            throw ApiException.validation("total.currency " + body.total().currency()
                    + " is not the program currency " + program.currency());
        }
        String memberId = resolveMember(caller, body);
        MemberRepository.MemberState state = members.load(memberId)
                .filter(s -> s.member().programId().equals(caller.programId()))
                .orElseThrow(() -> ApiException.notFound("Member " + memberId));

        EarnRules rules = EarnRules.of(program);
        List<Line> lines = body.orderLines();
        long amount = body.total().amount();
        long earnedToday = MemberStats.pointsOnDay(state.profileItem(), MemberStats.dayOf(purchasedAt));
        Earning earning = EarnCalculator.calculate(rules, new Purchase(state.member().kind(), basket(lines),
                Money.of(amount, program.currency()), Money.of(body.paid(), program.currency()), earnedToday,
                purchasedAt, now));
        long points = earning.points();

        MemberLedger ledger = new MemberLedger(memberId, program.programId(), LotItems.fromItems(state.lotItems()));
        List<TransactWriteItem> items = new ArrayList<>();
        List<DomainEvent> events = new ArrayList<>();
        PointsLot lot = null;
        LedgerEntry entry = null;
        if (points > 0) {
            String entryId = Ids.newId("ent");
            LedgerChange change = ledger.accrue(new EntryMeta(entryId, now, Actor.merchant(caller.merchantId()), "purchase"),
                    earning.toAccrual(caller.merchantId(), body.orderId()));
            ledger = change.ledger();
            lot = change.changedLots().getFirst();
            entry = change.entry();
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(LotItems.toItem(lot))
                    .conditionExpression("attribute_not_exists(PK)").build()).build());
            items.add(LedgerEntryItems.append(table, entry));
        }
        Balance balance = ledger.balanceAt(now, EXPIRING_SOON);
        String status = lot == null ? "none" : lot.isPendingAt(now) ? "pending" : "available";
        PurchaseView view = new PurchaseView(body.orderId(), memberId, new Amount(amount, program.currency()), points,
                Breakdown.of(earning.breakdown()), status, lot == null ? null : lot.availableAt(),
                lot == null ? null : lot.expiresAt(), BalanceView.of(balance), body.promoCode(), purchasedAt);

        Order order = new Order(caller.merchantId(), body.orderId(), program.programId(), memberId, amount,
                program.currency(), lines, body.paid(), body.promoCode(), purchasedAt, now, points,
                lot == null ? null : lot.lotId(), 0, 0, 0, Map.of(), contentHash, write(view));
        items.addFirst(orders.record(order));
        long dailyCap = rules.rulesFor(state.member().kind()).maxPointsPerDay();
        items.add(MemberStats.recordPurchase(table, memberId, state.profileItem(), purchasedAt, amount, points,
                dailyCap == EarnRules.NO_CAP ? null : dailyCap));

        Map<String, Object> recorded = new LinkedHashMap<>();
        recorded.put("memberId", memberId);
        recorded.put("merchantId", caller.merchantId());
        recorded.put("orderId", body.orderId());
        recorded.put("amount", amount);
        recorded.put("currency", program.currency());
        recorded.put("paidWithPoints", body.paid());
        recorded.put("lineCount", lines.size());
        recorded.put("purchasedAt", purchasedAt.toString());
        recorded.put("pointsEarned", points);
        if (body.promoCode() != null) {
            recorded.put("promoCode", body.promoCode());
        }
        events.add(event("PurchaseRecorded", now, program.programId(), recorded));
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
            events.add(event("PointsAccrued", now, program.programId(), accrued));
        }
        return new IdempotentWriter.Write(201, view, items, events);
    }

    private static List<BasketLine> basket(List<Line> lines) {
        return lines.stream().map(l -> new BasketLine(l.sku(), l.category(), l.quantity(), l.unitPrice())).toList();
    }

    /** The same order again: identical content answers the original result (200, nothing new); else a 409. */
    private IdempotentWriter.Write replayOrRefuse(Order order, PurchaseRequest body, String contentHash) {
        if (order.contentHash().equals(contentHash)) {
            try {
                return new IdempotentWriter.Write(200, Json.MAPPER.readTree(order.response()), List.of(), List.of());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Stored purchase answer unreadable", e);
            }
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
        if (order.paidWithPoints() != body.paid()) {
            differences.add("paidWithPoints");
        }
        if (!java.util.Objects.equals(order.promoCode(), body.promoCode())) {
            differences.add("promoCode");
        }
        if (differences.isEmpty()) {
            differences.add("card, member or purchasedAt");
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

    static DomainEvent event(String type, Instant at, String programId, Map<String, Object> data) {
        return new DomainEvent(UUID.randomUUID().toString(), type, at, programId, data);
    }

    static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fingerprint of a request's content as sent (records serialize in declaration order, nulls left out). */
    static String hash(Object body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(write(body).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
