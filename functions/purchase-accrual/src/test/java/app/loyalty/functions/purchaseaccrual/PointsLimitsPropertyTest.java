package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.PointsLimits;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static app.loyalty.shared.http.TestRequests.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Issue 6 defect 1, as a property (QuickTheories): under random earn rules anywhere within the accepted bounds and
 * random purchases (up to 10^10 minor units, some paid partly with points), returns and clock moves, run through the
 * handler on DynamoDB Local, no request answers 5xx, and after every step the stored state is one a later request can
 * read: lots within 0..amount, the sum of entries equal to the sum of remainders, the balance within
 * {@link PointsLimits#MAX_BALANCE}, and the profile's figures giving exactly the balance the lots give.
 */
class PointsLimitsPropertyTest {
    private static final String PROGRAM = "prg_limits";
    private static final String MEMBER = "mbr_limits";
    private static final Caller MERCHANT = Caller.merchant("mch_limits", PROGRAM);

    @Test
    void randomRulesAndRequests_neverAnswer5xx_andAlwaysLeaveAReadableLedger() {
        qt().withExamples(12).withShrinkCycles(0)
                .forAll(longs().all(), lists().of(longs().all()).ofSizeBetween(1, 12))
                .checkAssert(this::runScenario);
    }

    private void runScenario(long ruleSeed, List<Long> stepSeeds) {
        MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
        AppContext context = TestContexts.appContext(clock);
        Fixtures fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", rules(new SplittableRandom(ruleSeed)));
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        PurchaseAccrualHandler handler = new PurchaseAccrualHandler(context);
        List<String> orders = new ArrayList<>();
        int n = 0;
        for (long seed : stepSeeds) {
            SplittableRandom random = new SplittableRandom(seed);
            n++;
            APIGatewayV2HTTPResponse response = null;
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    long amount = logUniform(random, 10_000_000_000L);
                    long paid = random.nextInt(4) == 0 ? random.nextLong(amount + 1) : 0;
                    String category = random.nextBoolean() ? "luxury" : "plain";
                    String orderId = "o-" + n;
                    orders.add(orderId);
                    response = handler.handleRequest(post("POST /v1/purchases", MERCHANT, "limits-key-" + n, """
                            {"memberId":"%s","orderId":"%s","total":{"amount":%d,"currency":"EUR"},"paidWithPoints":%d,
                             "lines":[{"sku":"s","category":"%s","quantity":1,"unitPrice":%d}]}"""
                            .formatted(MEMBER, orderId, amount, paid, category, amount)), null);
                }
                case 2 -> {
                    if (orders.isEmpty()) {
                        continue;
                    }
                    String orderId = orders.get(random.nextInt(orders.size()));
                    response = handler.handleRequest(post("POST /v1/purchases/{orderId}/returns", Map.of("orderId", orderId),
                            MERCHANT, "limits-key-" + n, "{\"returnId\":\"r-" + n + "\",\"amount\":"
                                    + logUniform(random, 10_000_000_000L) + "}"), null);
                }
                default -> clock.advance(Duration.ofHours(1 + random.nextInt(24 * 40)));
            }
            if (response != null) {
                assertThat(response.getStatusCode()).as(response.getBody()).isBetween(200, 499);
            }
            assertReadable(fixtures, clock);
        }
    }

    private static void assertReadable(Fixtures fixtures, MutableClock clock) {
        List<PointsLot> lots = new ArrayList<>(LotItems.fromItems(fixtures.memberItems(MEMBER, "LOT#")));
        lots.addAll(LotItems.fromItems(fixtures.memberItems(MEMBER, LotItems.HISTORY_PREFIX)));
        long remainders = 0;
        for (PointsLot lot : lots) {
            assertThat(lot.remaining()).isBetween(0L, lot.amount());
            remainders = Math.addExact(remainders, lot.remaining());
        }
        long entries = fixtures.memberItems(MEMBER, "ENTRY#").stream().map(LedgerEntryItems::fromItem)
                .mapToLong(LedgerEntry::points).reduce(0, Math::addExact);
        assertThat(entries).isEqualTo(remainders);
        assertThat(remainders).isLessThanOrEqualTo(PointsLimits.MAX_BALANCE);
        Balance fromLots = Balance.of(lots, clock.instant(), Duration.ofDays(30));
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).balanceAt(clock.instant(), Duration.ofDays(30)))
                .isEqualTo(fromLots);
    }

    /** Any rules the program API accepts, the extremes included. */
    private static ProgramRules rules(SplittableRandom random) {
        long points = random.nextInt(3) == 0 ? 1_000_000 : random.nextLong(1_000_001);
        long perAmount = random.nextInt(3) == 0 ? 1 : 1 + random.nextLong(100_000_000);
        Long perPurchase = random.nextBoolean() ? null : random.nextLong(PointsLimits.MAX_POINTS_PER_PURCHASE + 1);
        Long perDay = random.nextBoolean() ? null : random.nextLong(PointsLimits.MAX_BALANCE + 1);
        ProgramRules.Expiry expiry = switch (random.nextInt(4)) {
            case 0 -> new ProgramRules.Expiry(ProgramRules.Expiry.Policy.DAYS_AFTER_EARNING, 1 + random.nextInt(3650));
            case 1 -> new ProgramRules.Expiry(ProgramRules.Expiry.Policy.END_OF_MONTH, null);
            case 2 -> new ProgramRules.Expiry(ProgramRules.Expiry.Policy.END_OF_YEAR, null);
            default -> new ProgramRules.Expiry(ProgramRules.Expiry.Policy.NEVER, null);
        };
        ProgramRules.Discount discount = new ProgramRules.Discount(ProgramRules.Discount.Scheme.NONE, 0, List.of(), 365,
                random.nextInt(10_001), new ProgramRules.Discount.PointValue(1 + random.nextInt(1000), 1 + random.nextInt(1000)));
        return new ProgramRules(new ProgramRules.Earn(points, perAmount, Set.of(), Set.of(),
                Map.of("luxury", random.nextInt(100_001)), random.nextLong(1000), perPurchase, perDay),
                null, random.nextInt(31), expiry, discount, null);
    }

    /** 1..max, spread over the orders of magnitude so that both small and extreme amounts come up. */
    private static long logUniform(SplittableRandom random, long max) {
        long bound = (long) Math.pow(10, random.nextInt(11));
        return Math.min(max, 1 + random.nextLong(bound));
    }
}
