package app.loyalty.functions.purchaseaccrual;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import app.loyalty.shared.testing.ContractChecked;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static app.loyalty.shared.http.TestRequests.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent checkouts for one member through the real SDK over loopback HTTP: nothing is lost, nothing is
 * refused, and the ledger adds up. A bounded pool keeps the server busy without flooding it.
 *
 * <p>The server is DynamoDB Local, not {@link app.loyalty.shared.testing.Emulator}'s moto_server: moto 5.x serves
 * requests on threads, but its DynamoDB backend is not thread-safe for writes to one item. Run against it, this
 * test saw lost updates of a nested counter ({@code pointsByDay} 928 instead of 947 after 50 purchases) and of a
 * top-level ADD, and a failed transaction's rollback restores a snapshot of the whole table taken before it,
 * discarding transactions other threads committed meanwhile. DynamoDB Local applies each item's update atomically
 * and raises TransactionConflict like DynamoDB, which is what this test is about (DESIGN section 8 allows DynamoDB
 * Local for DynamoDB-only tests). The same scenarios on a correct emulator (LOYALTY_TEST_ENDPOINT, LocalStack)
 * pass unchanged: only {@link #dynamo()} would differ.
 */
class ConcurrentPurchasesIT {
    private static final String PROGRAM = "prg_concurrent";
    private static final String MEMBER = "mbr_concurrent";
    private static final Caller MERCHANT = Caller.merchant("mch_concurrent", PROGRAM);

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    /** Every exchange is held to openapi.yaml (ContractChecked). */
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private Fixtures fixtures;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(dynamo(), clock);
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", new ProgramRules(null, null, 14, null, null, null));
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
    }

    @Test
    void fiftyConcurrentPurchasesForOneMember_allLand_andTheBalanceIsTheirSum() throws Exception {
        List<Callable<APIGatewayV2HTTPResponse>> purchases = new ArrayList<>();
        long expectedPoints = 0;
        long expectedSpend = 0;
        for (int i = 1; i <= 50; i++) {
            long amount = 1000L + 37L * i;
            expectedPoints += amount / 100;
            expectedSpend += amount;
            String body = "{\"memberId\":\"" + MEMBER + "\",\"orderId\":\"order-" + i + "\",\"total\":{\"amount\":"
                    + amount + ",\"currency\":\"EUR\"}}";
            String key = "concurrent-key-" + i;
            purchases.add(() -> asACheckout(() -> handler.handleRequest(post("POST /v1/purchases", MERCHANT, key, body), null)));
        }

        List<APIGatewayV2HTTPResponse> responses = runAll(purchases);

        assertThat(responses).extracting(APIGatewayV2HTTPResponse::getStatusCode).containsOnly(201);
        var lots = LotItems.fromItems(fixtures.memberItems(MEMBER, "LOT#"));
        assertThat(lots).hasSize(50);
        Balance balance = Balance.of(lots, clock.instant(), Duration.ZERO);
        assertThat(balance.pending()).isEqualTo(expectedPoints);
        assertThat(entriesSum()).isEqualTo(expectedPoints);
        var profile = fixtures.profile(MEMBER);
        assertThat(Attr.number(profile, "purchaseCount")).isEqualTo(50);
        assertThat(Attr.number(profile, "totalSpend")).isEqualTo(expectedSpend);
        assertThat(profile.get("pointsByDay").m().get("2026-11-23").n()).isEqualTo(Long.toString(expectedPoints));
    }

    @Test
    void concurrentReturnsOfOneOrder_allLand_andReverseExactlyItsPoints() throws Exception {
        handler.handleRequest(post("POST /v1/purchases", MERCHANT, "order-big-key", "{\"memberId\":\"" + MEMBER
                + "\",\"orderId\":\"order-big\",\"total\":{\"amount\":9990,\"currency\":\"EUR\"}}"), null);
        List<Callable<APIGatewayV2HTTPResponse>> returns = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            String body = "{\"returnId\":\"return-" + i + "\",\"amount\":999}";
            String key = "return-key-" + i;
            returns.add(() -> asACheckout(() -> handler.handleRequest(post("POST /v1/purchases/{orderId}/returns",
                    Map.of("orderId", "order-big"), MERCHANT, key, body), null)));
        }

        List<APIGatewayV2HTTPResponse> responses = runAll(returns);

        assertThat(responses).extracting(APIGatewayV2HTTPResponse::getStatusCode).containsOnly(201);
        assertThat(fixtures.memberItems(MEMBER, "LOT#")).as("the emptied lot left the open range").isEmpty();
        var closed = LotItems.fromItems(fixtures.memberItems(MEMBER, LotItems.HISTORY_PREFIX));
        assertThat(closed).singleElement().satisfies(lot -> assertThat(lot.remaining()).isZero());
        assertThat(Attr.number(fixtures.profile(MEMBER), MemberFigures.TOTAL)).isZero();
        assertThat(entriesSum()).isZero();
        assertThat(Attr.number(fixtures.profile(MEMBER), "totalSpend")).isZero();
    }

    /**
     * Sends as a checkout does: a 409 for contention that outlasted the writer's attempts wrote nothing, so it is
     * sent again with the same Idempotency-Key (each request here is distinct, so a 409 can only be contention).
     */
    private static APIGatewayV2HTTPResponse asACheckout(java.util.function.Supplier<APIGatewayV2HTTPResponse> send) {
        APIGatewayV2HTTPResponse response;
        int attempts = 0;
        do {
            response = send.get();
        } while (response.getStatusCode() == 409 && ++attempts < 5);
        return response;
    }

    static DynamoDbClient dynamo() {
        return DynamoDbLocal.client();
    }

    private long entriesSum() {
        return fixtures.memberItems(MEMBER, "ENTRY#").stream().map(LedgerEntryItems::fromItem)
                .mapToLong(e -> e.points()).sum();
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
