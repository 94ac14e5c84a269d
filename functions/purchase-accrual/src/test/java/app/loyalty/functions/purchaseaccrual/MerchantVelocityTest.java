package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MerchantVelocity;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-merchant velocity limits on purchases (sharded counters, MerchantVelocity) and the per-member redemption
 * limits on purchases paying with points: over a limit is 429 too-many-requests with Retry-After and nothing written;
 * the next window accepts again; the shards together hold exactly the limit (contract-checked against openapi.yaml).
 */
class MerchantVelocityTest {
    private static final String PROGRAM = "prg_0123456789abcdefghjk";
    private static final String MERCHANT = "mch_0123456789abcdefghjk";
    private static final Caller CALLER = Caller.merchant(MERCHANT, PROGRAM);

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private Fixtures fixtures;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private int keys;

    private void start(ProgramRules.Velocity velocity, int members) {
        context = TestContexts.appContext(clock);
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", new ProgramRules(null, null, 0, null, null, null).withVelocity(velocity));
        for (int i = 0; i < members; i++) {
            fixtures.member(member(i), PROGRAM, MemberKind.CUSTOMER, null);
        }
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
    }

    @Test
    void purchaseOverTheMerchantsLimitPerMinute_is429WithRetryAfter_writesNothing_andTheNextMinuteAcceptsAgain() {
        start(new ProgramRules.Velocity(null, null, null, 3, null), 4);
        clock.advance(Duration.ofSeconds(20));
        for (int i = 0; i < 3; i++) {
            assertThat(purchase(member(i), "o-" + i, 1000, 0).getStatusCode()).isEqualTo(201);
        }
        List<Map<String, AttributeValue>> countersBefore = counters();

        APIGatewayV2HTTPResponse refused = purchase(member(3), "o-3", 1000, 0);

        assertProblem(refused, 429, "too-many-requests");
        assertThat(refused.getHeaders()).containsEntry("Retry-After", "40");
        assertThat(json(refused).get("limit").asText()).isEqualTo("purchasesPerMerchantPerMinute");
        assertThat(json(refused).get("maximum").asInt()).isEqualTo(3);
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(3);
        assertThat(counters()).as("nothing written").isEqualTo(countersBefore);
        assertThat(MemberFigures.read(fixtures.profile(member(3))).total()).isZero();

        clock.advance(Duration.ofSeconds(40));
        assertThat(purchase(member(3), "o-3", 1000, 0).getStatusCode()).isEqualTo(201);
    }

    @Test
    void theShardsHoldExactlyTheLimit_evenWhenARequestsOwnShardIsFull() {
        // 8 shards of 1 each: eight orders hash onto fewer than eight shards, so some first attempts find their own
        // shard full and must be placed by the read of the shards, not refused.
        start(new ProgramRules.Velocity(null, null, null, MerchantVelocity.SHARDS, null), 1);
        for (int i = 0; i < MerchantVelocity.SHARDS; i++) {
            assertThat(purchase(member(0), "order-" + i, 1000, 0).getStatusCode()).as("purchase " + i).isEqualTo(201);
        }

        assertProblem(purchase(member(0), "order-x", 1000, 0), 429, "too-many-requests");
        assertThat(counters()).hasSize(MerchantVelocity.SHARDS)
                .allSatisfy(counter -> assertThat(counter.get("count").n()).isEqualTo("1"));
    }

    @Test
    void purchasesPayingWithPoints_countAsRedemptions_andTowardsTheMerchantsPointsPerDay() {
        start(new ProgramRules.Velocity(null, 2, null, null, 500L), 2);
        assertThat(purchase(member(0), "earn-0", 100_000, 0).getStatusCode()).isEqualTo(201); // 1000 points each
        assertThat(purchase(member(1), "earn-1", 100_000, 0).getStatusCode()).isEqualTo(201);
        assertThat(purchase(member(0), "pay-1", 1000, 100).getStatusCode()).isEqualTo(201);
        assertThat(purchase(member(0), "pay-2", 1000, 100).getStatusCode()).isEqualTo(201);

        APIGatewayV2HTTPResponse thirdRedemption = purchase(member(0), "pay-3", 1000, 100);

        assertProblem(thirdRedemption, 429, "too-many-requests");
        assertThat(json(thirdRedemption).get("limit").asText()).isEqualTo("redemptionsPerMemberPerHour");
        assertThat(MemberFigures.read(fixtures.profile(member(0))).total()).isEqualTo(1000 - 200 + 2 * 9);

        assertThat(purchase(member(1), "pay-4", 1000, 300).getStatusCode()).isEqualTo(201);
        APIGatewayV2HTTPResponse overTheMerchantsDay = purchase(member(1), "pay-5", 1000, 100);

        assertProblem(overTheMerchantsDay, 429, "too-many-requests");
        assertThat(json(overTheMerchantsDay).get("limit").asText()).isEqualTo("pointsRedeemedPerMerchantPerDay");
        assertThat(overTheMerchantsDay.getHeaders()).containsEntry("Retry-After", String.valueOf(14 * 3600 + 30 * 60));
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(5);
        assertThat(purchase(member(1), "pay-6", 1000, 0).getStatusCode()).as("earning is not redeeming").isEqualTo(201);
    }

    private List<Map<String, AttributeValue>> counters() {
        return fixtures.all().stream().filter(item -> item.get("PK").s().startsWith(MerchantVelocity.PREFIX)).toList();
    }

    private static String member(int i) {
        return "mbr_velocity" + i;
    }

    private APIGatewayV2HTTPResponse purchase(String memberId, String orderId, long amount, long paidWithPoints) {
        return handler.handleRequest(post("POST /v1/purchases", CALLER, "merchant-velocity-" + String.format("%05d", ++keys),
                "{\"memberId\":\"%s\",\"orderId\":\"%s\",\"total\":{\"amount\":%d,\"currency\":\"EUR\"},\"paidWithPoints\":%d}"
                        .formatted(memberId, orderId, amount, paidWithPoints)), null);
    }
}
