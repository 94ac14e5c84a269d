package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.MerchantVelocity;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static app.loyalty.shared.http.TestRequests.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent purchases of many members at one merchant against its per-minute velocity limit, through the real SDK
 * over loopback HTTP to DynamoDB Local (which raises TransactionConflict like DynamoDB; see ConcurrentPurchasesIT):
 * 20 purchases at once against a limit of 8 land exactly 8, the rest are 429, and the sharded counters add up to 8.
 */
class ConcurrentMerchantVelocityIT {
    private static final String PROGRAM = "prg_concurrent_velocity";
    private static final Caller MERCHANT = Caller.merchant("mch_concurrent_velocity", PROGRAM);
    private static final int LIMIT = 8;
    private static final int PURCHASES = 20;

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");

    @Test
    void concurrentPurchasesAtOneMerchant_landExactlyTheLimit_andTheRestAre429() throws Exception {
        AppContext context = TestContexts.appContext(DynamoDbLocal.client(), clock);
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler =
                ContractChecked.handler(new PurchaseAccrualHandler(context));
        Fixtures fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", new ProgramRules(null, null, 0, null, null, null)
                .withVelocity(new ProgramRules.Velocity(null, null, null, LIMIT, null)));
        List<Callable<Integer>> purchases = new ArrayList<>();
        for (int i = 0; i < PURCHASES; i++) {
            String member = "mbr_concurrent_velocity" + i;
            fixtures.member(member, PROGRAM, MemberKind.CUSTOMER, null);
            String body = "{\"memberId\":\"" + member + "\",\"orderId\":\"order-" + i
                    + "\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}";
            String key = "velocity-key-" + i;
            purchases.add(() -> asACheckout(() -> handler.handleRequest(
                    post("POST /v1/purchases", MERCHANT, key, body), null).getStatusCode()));
        }

        List<Integer> statuses = runAll(purchases);

        assertThat(statuses).filteredOn(s -> s == 201).hasSize(LIMIT);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(PURCHASES - LIMIT);
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(LIMIT);
        assertThat(fixtures.all().stream().filter(item -> item.get("PK").s().startsWith(MerchantVelocity.PREFIX))
                .mapToLong(item -> Long.parseLong(item.get("count").n())).sum()).isEqualTo(LIMIT);
    }

    /** A 409 (contention that outlasted the writer's attempts) wrote nothing: sent again, as a checkout would. */
    private static int asACheckout(java.util.function.IntSupplier send) {
        int status;
        int attempts = 0;
        do {
            status = send.getAsInt();
        } while (status == 409 && ++attempts < 5);
        return status;
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
