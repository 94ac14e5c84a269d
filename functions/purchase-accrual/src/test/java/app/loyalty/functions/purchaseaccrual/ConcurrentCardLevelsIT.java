package app.loyalty.functions.purchaseaccrual;

import static app.loyalty.shared.http.TestRequests.post;
import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.program.ProgramRules.Discount;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Concurrent purchases climbing one member's cumulative card (DynamoDB Local over loopback, as
 * {@link ConcurrentPurchasesIT}, for the same reason): every purchase lands, the stored level is what the whole
 * spend supports, and each level's TierChanged is reported once (the level's write is guarded by its rev).
 */
class ConcurrentCardLevelsIT {
    private static final String PROGRAM = "prg_concurrent_cards";
    private static final String MEMBER = "mbr_concurrent_cards";
    private static final Caller MERCHANT = Caller.merchant("mch_concurrent_cards", PROGRAM);

    @Test
    void concurrentPurchasesClimbingTheLevels_landAll_andReportEachLevelOnce() throws Exception {
        MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
        AppContext context = TestContexts.appContext(ConcurrentPurchasesIT.dynamo(), clock);
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler =
                ContractChecked.handler(new PurchaseAccrualHandler(context));
        Fixtures fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", new ProgramRules(null, null, 14, null, new Discount(Discount.Scheme.CUMULATIVE,
                0, DiscountCardLevelTest.STEPS, 30, 5000, null, null, 7), DiscountCardLevelTest.TIERS));
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        List<Callable<APIGatewayV2HTTPResponse>> purchases = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            String body = "{\"memberId\":\"" + MEMBER + "\",\"orderId\":\"climb-" + i
                    + "\",\"total\":{\"amount\":5000,\"currency\":\"EUR\"}}";
            String key = "climb-key-" + i;
            purchases.add(() -> handler.handleRequest(post("POST /v1/purchases", MERCHANT, key, body), null));
        }

        List<APIGatewayV2HTTPResponse> responses = runAll(purchases);

        assertThat(responses).extracting(APIGatewayV2HTTPResponse::getStatusCode).containsOnly(201);
        var card = fixtures.profile(MEMBER).get("discountCard").m();
        assertThat(card.get("levelBp").n()).as("1000.00 in the window: 30 %").isEqualTo("3000");
        assertThat(card.get("tier").s()).isEqualTo("gold");
        List<Object> reached = fixtures.outboxEvents().stream().filter(e -> e.detailType().equals("TierChanged"))
                .map(DomainEvent::data).map(data -> data.get("toLevelBp")).toList();
        assertThat(reached).doesNotHaveDuplicates().contains(3000);
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
