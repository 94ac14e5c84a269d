package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.discount.PromoCode;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.CheckoutReader;
import app.loyalty.shared.store.PromoCodeRepository;
import app.loyalty.shared.store.RewardPoolBudgets;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent purchases that race for the discount engine's limits, through the real SDK on DynamoDB Local (see
 * {@link ConcurrentPurchasesIT} for why not moto): a promo code with 5 uses is used 5 times, never 6, the others
 * refused with 422; a blind pool never pays out more than its budget; a staff member's monthly cap is never passed.
 * Every count is a condition in the purchase's one transaction, and a purchase that loses a race is prepared again
 * from the new state. On a loaded host a purchase may run out of attempts against the others and answer 409
 * (nothing written, the client retries): the tests allow that and still check every count against what committed.
 */
class ConcurrentCheckoutsIT {
    private static final String PROGRAM = "prg_00000000000000000077";
    private static final Caller MERCHANT = Caller.merchant("mch_00000000000000000077", PROGRAM);

    private final MutableClock clock = MutableClock.at("2026-03-10T09:30:00Z");
    private AppContext context;
    private Fixtures fixtures;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;

    private void program(String rules) throws Exception {
        context = TestContexts.appContext(ConcurrentPurchasesIT.dynamo(), clock);
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", Json.MAPPER.readValue(rules, ProgramRules.class));
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
    }

    private Callable<APIGatewayV2HTTPResponse> purchase(String memberId, String orderId, String extra) {
        return () -> handler.handleRequest(post("POST /v1/purchases", MERCHANT, "race-" + orderId, """
                {"memberId":"%s","orderId":"%s","total":{"amount":4000,"currency":"EUR"},
                 "lines":[{"sku":"shirt","category":"apparel","quantity":1,"unitPrice":4000}]%s}"""
                .formatted(memberId, orderId, extra)), null);
    }

    @Test
    void twelveCheckoutsRaceForAFiveUseCode_exactlyFiveGetIt_theOthersAre422() throws Exception {
        program("{}");
        fixtures.promoCode(PROGRAM, new PromoCode("RACE", 1000, null, null, null, 5L, null, null, null, null, null));
        List<Callable<APIGatewayV2HTTPResponse>> purchases = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            fixtures.memberBorn("mbr_race-" + i, PROGRAM, MemberKind.CUSTOMER, null);
            purchases.add(purchase("mbr_race-" + i, "o-" + i, ",\"promoCode\":\"RACE\""));
        }

        List<APIGatewayV2HTTPResponse> answers = runAll(purchases);

        assertThat(answers).extracting(APIGatewayV2HTTPResponse::getStatusCode).isSubsetOf(201, 422, 409);
        List<APIGatewayV2HTTPResponse> used = answers.stream().filter(a -> a.getStatusCode() == 201).toList();
        long outOfAttempts = answers.stream().filter(a -> a.getStatusCode() == 409).count();
        assertThat(used).allSatisfy(a -> assertThat(json(a).at("/checkout/discount").asLong()).isEqualTo(400));
        assertThat(answers.stream().filter(a -> a.getStatusCode() == 422))
                .allSatisfy(a -> assertThat(json(a).get("reason").asText()).isEqualTo("EXHAUSTED"));
        assertThat((long) used.size()).as("never a sixth use").isLessThanOrEqualTo(5)
                .as("all five used unless a purchase gave up on contention").isGreaterThanOrEqualTo(5 - outOfAttempts)
                .isEqualTo(new PromoCodeRepository(context.dynamo(), context.tableName()).find(PROGRAM, "RACE")
                        .orElseThrow().uses());
    }

    @Test
    void eightCheckoutsDrawFromOnePool_itNeverPaysOutMoreThanItsBudget() throws Exception {
        program("""
                {"rewardPools":[{"id":"lucky","chanceBp":10000,"budgetUnit":"POINTS","budget":120,
                                 "rewards":[{"kind":"POINTS","weight":1,"points":50}]}]}""");
        List<Callable<APIGatewayV2HTTPResponse>> purchases = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            fixtures.memberBorn("mbr_pool-" + i, PROGRAM, MemberKind.CUSTOMER, null);
            purchases.add(purchase("mbr_pool-" + i, "o-" + i, ""));
        }

        List<APIGatewayV2HTTPResponse> answers = runAll(purchases);

        assertThat(answers).extracting(APIGatewayV2HTTPResponse::getStatusCode).isSubsetOf(201, 409);
        List<APIGatewayV2HTTPResponse> recorded = answers.stream().filter(a -> a.getStatusCode() == 201).toList();
        long paidOut = recorded.stream().mapToLong(a -> json(a).at("/checkout/credits/blind").asLong()).sum();
        var pool = context.dynamo().getItem(GetItemRequest.builder().tableName(context.tableName())
                .key(RewardPoolBudgets.key(PROGRAM, "lucky")).consistentRead(true).build()).item();
        assertThat(paidOut).isEqualTo(RewardPoolBudgets.spent(pool)).isLessThanOrEqualTo(120);
        if (recorded.size() >= 3) {
            assertThat(paidOut).as("three purchases are enough to spend it all").isEqualTo(120);
        }
    }

    @Test
    void eightCheckoutsOfOneStaffMember_neverPassTheMonthlyCap() throws Exception {
        program("""
                {"staff":{"bp":2000,"monthlyCap":2000}}""");
        fixtures.memberBorn("mbr_staff", PROGRAM, MemberKind.STAFF, null);
        List<Callable<APIGatewayV2HTTPResponse>> purchases = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            purchases.add(purchase("mbr_staff", "o-" + i, ""));
        }

        List<APIGatewayV2HTTPResponse> answers = runAll(purchases);

        assertThat(answers).extracting(APIGatewayV2HTTPResponse::getStatusCode).isSubsetOf(201, 409);
        List<APIGatewayV2HTTPResponse> recorded = answers.stream().filter(a -> a.getStatusCode() == 201).toList();
        long given = recorded.stream().mapToLong(a -> json(a).at("/checkout/discount").asLong()).sum();
        assertThat(given).isEqualTo(Attr.number(fixtures.profile("mbr_staff"), CheckoutReader.STAFF_DISCOUNT_USED))
                .isLessThanOrEqualTo(2000);
        if (recorded.size() >= 3) {
            assertThat(given).as("8.00 + 8.00 + 4.00, then nothing").isEqualTo(2000);
        }
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
