package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.RedemptionStore;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many checkouts holding and capturing one member's points at once, through the real SDK over loopback HTTP to
 * DynamoDB Local (as ConcurrentPurchasesIT, for the same reason: it applies item updates atomically and raises
 * TransactionConflict like DynamoDB). 40 checkouts each hold 70 of the member's 1000 points, then capture (or every
 * fourth cancels): holds never exceed the points, so every accepted hold is captured, and the ledger adds up.
 */
class ConcurrentRedemptionsIT {
    private static final String PROGRAM = "prg_0123456789abcdefghjk";
    private static final String MERCHANT = "mch_0123456789abcdefghjk";
    private static final String MEMBER = "mbr_0123456789abcdefghjk";
    private static final Caller CALLER = Caller.merchant(MERCHANT, PROGRAM);
    private static final long HOLD = 70;

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private Fixtures fixtures;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(DynamoDbLocal.client(), clock);
        handler = ContractChecked.handler(new DiscountCalculationHandler(context));
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", new ProgramRules(null, null, 0, null, null, null));
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        fixtures.grant(MEMBER, PROGRAM, MERCHANT, 300, clock.instant().plus(Duration.ofDays(10)));
        fixtures.grant(MEMBER, PROGRAM, "mch_abcdefghjk0123456789", 450, clock.instant().plus(Duration.ofDays(20)));
        fixtures.grant(MEMBER, PROGRAM, MERCHANT, 250, null);
    }

    @Test
    void concurrentHoldsAndCaptures_neverOverdraw_andTheLedgerAddsUp() throws Exception {
        List<Callable<long[]>> checkouts = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            int n = i;
            checkouts.add(() -> checkout(n));
        }

        List<long[]> outcomes = runAll(checkouts);

        long held = outcomes.stream().filter(o -> o[0] == 201).count();
        long captured = outcomes.stream().filter(o -> o[1] == 200 && o[2] == 0).count();
        long cancelled = outcomes.stream().filter(o -> o[1] == 200 && o[2] == 1).count();
        assertThat(outcomes).allSatisfy(o -> assertThat(o[0]).isIn(201L, 422L, 409L));
        assertThat(held).as("every accepted hold was covered, so each capture or cancel succeeded")
                .isEqualTo(captured + cancelled);
        assertThat(captured * HOLD).isLessThanOrEqualTo(1000);
        assertThat(captured).as("a fair share of the points was spent").isGreaterThan(0);

        List<PointsLot> lots = fixtures.memberItems(MEMBER, "LOT#").stream().map(LotItems::fromItem).toList();
        List<LedgerEntry> entries = fixtures.memberItems(MEMBER, "ENTRY#").stream().map(LedgerEntryItems::fromItem).toList();
        long balance = lots.stream().mapToLong(PointsLot::remaining).sum();
        assertThat(balance).isEqualTo(1000 - captured * HOLD);
        assertThat(entries.stream().mapToLong(LedgerEntry::points).sum()).isEqualTo(balance);
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).total()).isEqualTo(balance);
        assertThat(lots).allSatisfy(l -> assertThat(l.remaining()).isBetween(0L, l.amount()));
        Set<String> knownLots = new java.util.HashSet<>();
        fixtures.memberItems(MEMBER, "LOT#").forEach(i -> knownLots.add(i.get("lotId").s()));
        fixtures.memberItems(MEMBER, "HIST#LOT#").forEach(i -> knownLots.add(i.get("lotId").s()));
        assertThat(entries.stream().filter(e -> e.type().name().equals("REDEEM")))
                .as("every point spent is traceable to a lot, and so to its issuing merchant")
                .hasSize((int) captured)
                .allSatisfy(e -> assertThat(e.allocations()).allSatisfy(a -> assertThat(knownLots).contains(a.lotId())));
        assertThat(RedemptionStore.reservations(fixtures.profile(MEMBER))).isEmpty();
    }

    /** Hold status, then capture/cancel status (0 when not held), then 1 if it cancelled. */
    private long[] checkout(int n) {
        String body = "{\"memberId\":\"" + MEMBER + "\",\"orderId\":\"o-" + n + "\",\"points\":" + HOLD + "}";
        APIGatewayV2HTTPResponse hold = handler.handleRequest(post("POST /v1/redemptions", CALLER, "hold-key-" + n, body), null);
        if (hold.getStatusCode() != 201) {
            return new long[]{hold.getStatusCode(), 0, 0};
        }
        String id = json(hold).get("redemptionId").asText();
        boolean cancel = n % 4 == 0;
        String route = cancel ? "POST /v1/redemptions/{redemptionId}/cancel" : "POST /v1/redemptions/{redemptionId}/capture";
        // As a checkout does: a 409 here can only be contention that outlasted the writer's attempts (nothing was
        // written; the hold is captured or cancelled once), so it retries with the same Idempotency-Key.
        APIGatewayV2HTTPResponse done;
        int attempts = 0;
        do {
            done = handler.handleRequest(post(route, Map.of("redemptionId", id), CALLER, "done-key-" + n, null), null);
        } while (done.getStatusCode() == 409 && ++attempts < 5);
        return new long[]{201, done.getStatusCode(), cancel ? 1 : 0};
    }

    private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(tasks)) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
    }
}
