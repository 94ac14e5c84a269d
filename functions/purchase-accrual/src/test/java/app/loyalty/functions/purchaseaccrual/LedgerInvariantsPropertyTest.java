package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.ledger.Spending;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.OrderRepository;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.Spends;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static app.loyalty.shared.http.TestRequests.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Random sequences of purchases, returns (by amount, partial or the rest), replays of the previous request, points
 * spent elsewhere, and clock moves, run through the handler on DynamoDB Local. After every step the ledger
 * invariants of DESIGN section 3 hold on what is stored, and every order has reversed exactly
 * floor(points x returned / amount).
 */
class LedgerInvariantsPropertyTest {
    private static final String PROGRAM = "prg_prop";
    private static final String MEMBER = "mbr_prop";
    private static final int SHRINK_CYCLES = 60;
    private static final Caller MERCHANT = Caller.merchant("mch_prop", PROGRAM);
    private static final Caller PARTNER = Caller.merchant("mch_partner", PROGRAM);
    private static final ProgramRules RULES = new ProgramRules(
            new ProgramRules.Earn(3, 100, Set.of("excluded"), Set.of(), Map.of("double", 20_000), 0, 400L, 900L),
            null, 7, new ProgramRules.Expiry(ProgramRules.Expiry.Policy.DAYS_AFTER_EARNING, 30), null, null);

    sealed interface Step permits Purchase, Return, Replay, Spend, Tick {
    }

    record Purchase(long amount, boolean partner, String category) implements Step {
    }

    /** Returns {@code share} percent of what is left of the {@code pick}-th order (100: the rest). */
    record Return(int pick, int share) implements Step {
    }

    record Replay() implements Step {
    }

    record Spend(int percentOfAvailable) implements Step {
    }

    record Tick(int hours) implements Step {
    }

    private static Gen<List<Step>> steps() {
        Gen<Step> purchase = longs().between(1, 50_000).zip(booleans().all(),
                arbitrary().pick("food", "excluded", "double"), Purchase::new);
        Gen<Step> returned = integers().between(0, 20).zip(arbitrary().pick(1, 13, 33, 50, 100), Return::new);
        Gen<Step> replay = Generate.constant(new Replay());
        Gen<Step> spend = integers().between(1, 100).map(Spend::new);
        Gen<Step> tick = arbitrary().pick(1, 24, 24 * 6, 24 * 8, 24 * 31).map(Tick::new);
        Gen<Step> step = Generate.frequency(List.of(
                Pair.of(4, purchase), Pair.of(4, returned), Pair.of(2, replay), Pair.of(1, spend), Pair.of(2, tick)));
        return lists().of(step).ofSizeBetween(1, 14);
    }

    /**
     * Each example runs on DynamoDB Local (about half a second), so shrinking a failure is capped: QuickTheories'
     * default would go on for hours, while a few dozen cycles already cut a sequence down to its culprit steps.
     */
    @Test
    void everyStepKeepsTheLedgerInvariants() {
        qt().withExamples(40).withShrinkCycles(SHRINK_CYCLES).forAll(steps()).checkAssert(LedgerInvariantsPropertyTest::runKeepingTheInvariants);
    }

    private static void runKeepingTheInvariants(List<Step> steps) {
        MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
        AppContext context = TestContexts.appContext(clock);
        Fixtures fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", RULES);
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        var handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
        OrderRepository orders = new OrderRepository(context.dynamo(), context.tableName());
        List<Caller> orderMerchants = new ArrayList<>();
        List<String> orderIds = new ArrayList<>();
        APIGatewayV2HTTPEvent previous = null;
        int n = 0;

        for (Step step : steps) {
            n++;
            APIGatewayV2HTTPEvent request = null;
            switch (step) {
                case Purchase p -> {
                    Caller merchant = p.partner() ? PARTNER : MERCHANT;
                    String orderId = "o-" + n;
                    request = post("POST /v1/purchases", merchant, "key-" + n + "-purchase", """
                            {"memberId":"%s","orderId":"%s","total":{"amount":%d,"currency":"EUR"},
                             "lines":[{"sku":"s-%d","category":"%s","quantity":1,"unitPrice":%d}]}"""
                            .formatted(MEMBER, orderId, p.amount(), n, p.category(), p.amount()));
                    orderMerchants.add(merchant);
                    orderIds.add(orderId);
                }
                case Return r -> {
                    if (orderIds.isEmpty()) {
                        continue;
                    }
                    int index = r.pick() % orderIds.size();
                    var order = orders.find(orderMerchants.get(index).merchantId(), orderIds.get(index)).orElseThrow();
                    long left = order.amount() - order.returnedAmount();
                    long amount = r.share() == 100 ? left : Math.max(1, left * r.share() / 100);
                    if (left == 0) {
                        amount = 1; // beyond the order: must be refused and change nothing
                    }
                    request = post("POST /v1/purchases/{orderId}/returns", Map.of("orderId", order.orderId()),
                            orderMerchants.get(index), "key-" + n + "-return",
                            "{\"returnId\":\"r-" + n + "\",\"amount\":" + amount + "}");
                }
                case Replay ignored -> request = previous;
                case Spend s -> spend(context, clock.instant(), s.percentOfAvailable(), n);
                case Tick t -> clock.advance(Duration.ofHours(t.hours()));
            }
            if (request != null) {
                APIGatewayV2HTTPResponse response = handler.handleRequest(request, null);
                assertThat(response.getStatusCode()).as(step + " -> " + response.getBody()).isIn(200, 201, 409);
                previous = request;
            }
            assertInvariants(fixtures, orders, orderMerchants, orderIds, clock);
        }
    }

    private static void assertInvariants(Fixtures fixtures, OrderRepository orders, List<Caller> merchants,
                                         List<String> orderIds, MutableClock clock) {
        List<PointsLot> lots = new ArrayList<>(LotItems.fromItems(fixtures.memberItems(MEMBER, "LOT#")));
        lots.addAll(LotItems.fromItems(fixtures.memberItems(MEMBER, LotItems.HISTORY_PREFIX)));
        List<LedgerEntry> entries = fixtures.memberItems(MEMBER, "ENTRY#").stream().map(LedgerEntryItems::fromItem).toList();
        long remainders = 0;
        for (PointsLot lot : lots) {
            assertThat(lot.remaining()).isBetween(0L, lot.amount());
            assertThat(lot.issuingMerchantId()).isIn(MERCHANT.merchantId(), PARTNER.merchantId());
            long traced = lot.amount() + entries.stream().filter(e -> e.type() != app.loyalty.shared.domain.ledger.EntryType.ACCRUE)
                    .mapToLong(e -> e.changeTo(lot.lotId())).sum();
            assertThat(traced).as("lot %s: amount + entry allocations", lot.lotId()).isEqualTo(lot.remaining());
            remainders += lot.remaining();
        }
        long entrySum = entries.stream().mapToLong(LedgerEntry::points).sum();
        assertThat(entrySum).as("sum of entries == balance").isEqualTo(remainders);
        Balance balance = Balance.of(lots, clock.instant(), Duration.ZERO);
        assertThat(balance.total()).isEqualTo(remainders);
        assertThat(balance.available()).isNotNegative();
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).balanceAt(clock.instant(), Duration.ZERO))
                .as("the profile's figures give the balance the lots give").isEqualTo(balance);
        for (int i = 0; i < orderIds.size(); i++) {
            var order = orders.find(merchants.get(i).merchantId(), orderIds.get(i));
            if (order.isEmpty()) {
                continue;
            }
            var o = order.get();
            assertThat(o.returnedAmount()).isBetween(0L, o.amount());
            assertThat(o.reversedPoints()).isEqualTo(BigInteger.valueOf(o.points())
                    .multiply(BigInteger.valueOf(o.returnedAmount())).divide(BigInteger.valueOf(o.amount())).longValueExact());
            long reversedInLedger = -entries.stream()
                    .filter(e -> e.type() == app.loyalty.shared.domain.ledger.EntryType.REVERSE && o.orderId().equals(e.orderId()))
                    .mapToLong(LedgerEntry::points).sum();
            assertThat(reversedInLedger + o.unrecoveredPoints()).as("order %s reversed + unrecovered", o.orderId())
                    .isEqualTo(o.reversedPoints());
        }
    }

    /** Points spent elsewhere (a redemption, a later issue), through the ledger domain, to exercise the return policy. */
    private static void spend(AppContext context, java.time.Instant now, int percent, int n) {
        List<PointsLot> lots = LotItems.fromItems(new Fixtures(context).memberItems(MEMBER, "LOT#"));
        Spends.spend(context, MEMBER, PROGRAM, MERCHANT.merchantId(), Spending.available(lots, now) * percent / 100,
                "spend-" + n, "ent_spend_" + n);
    }
}
