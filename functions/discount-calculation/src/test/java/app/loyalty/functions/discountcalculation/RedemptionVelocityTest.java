package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MerchantVelocity;
import app.loyalty.shared.store.RedemptionVelocity;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The redemption velocity limits (ProgramRules.Velocity, docs/security.md) on holds and captures: a request over a
 * limit is 429 too-many-requests with Retry-After (the end of the window) and writes nothing; the next window accepts
 * again (contract-checked against openapi.yaml).
 */
class RedemptionVelocityTest {
    private static final String PROGRAM = "prg_0123456789abcdefghjk";
    private static final String MERCHANT = "mch_0123456789abcdefghjk";
    private static final String MEMBER = "mbr_0123456789abcdefghjk";
    private static final String OTHER_MEMBER = "mbr_abcdefghjk0123456789";
    private static final Caller CALLER = Caller.merchant(MERCHANT, PROGRAM);
    private static final String HOLD = "POST /v1/redemptions";
    private static final String CAPTURE = "POST /v1/redemptions/{redemptionId}/capture";

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private Fixtures fixtures;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private int keys;

    private void start(ProgramRules.Velocity velocity) {
        context = TestContexts.appContext(clock);
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", new ProgramRules(null, null, 0, null, null, null).withVelocity(velocity));
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        fixtures.member(OTHER_MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        fixtures.grant(MEMBER, PROGRAM, MERCHANT, 1000, null);
        fixtures.grant(OTHER_MEMBER, PROGRAM, MERCHANT, 1000, null);
        handler = ContractChecked.handler(new DiscountCalculationHandler(context));
    }

    @Test
    void holdOverTheHourlyRedemptionLimit_is429WithRetryAfter_holdsNothing_andTheNextHourAcceptsAgain() {
        start(new ProgramRules.Velocity(null, 2, null, null, null));
        assertThat(hold(MEMBER, "o-1", 10).getStatusCode()).isEqualTo(201);
        assertThat(hold(MEMBER, "o-2", 10).getStatusCode()).isEqualTo(201);
        var profileBefore = fixtures.profile(MEMBER);

        APIGatewayV2HTTPResponse refused = hold(MEMBER, "o-3", 10);

        assertProblem(refused, 429, "too-many-requests");
        assertThat(refused.getHeaders()).containsEntry("Retry-After", "1800");
        assertThat(json(refused).get("limit").asText()).isEqualTo("redemptionsPerMemberPerHour");
        assertThat(json(refused).get("maximum").asInt()).isEqualTo(2);
        assertThat(fixtures.withSortKeyPrefix("REDEMPTION")).hasSize(2);
        assertThat(fixtures.profile(MEMBER)).as("nothing written").isEqualTo(profileBefore);
        assertThat(hold(OTHER_MEMBER, "o-4", 10).getStatusCode()).as("the limit is per member").isEqualTo(201);

        clock.advance(Duration.ofMinutes(30));
        assertThat(hold(MEMBER, "o-3", 10).getStatusCode()).isEqualTo(201);
        assertThat(fixtures.profile(MEMBER).get(RedemptionVelocity.REDEMPTIONS_BY_HOUR).m())
                .as("the past hour is pruned").containsOnlyKeys("2026-11-23T10");
    }

    @Test
    void captureOverTheMembersDailyPoints_is429_spendsNothing_andTheHoldCapturesTheNextDay() {
        clock.set(java.time.Instant.parse("2026-11-23T23:50:00Z"));
        start(new ProgramRules.Velocity(null, null, 100L, null, null));
        String first = json(hold(MEMBER, "o-1", 60)).get("redemptionId").asText();
        String second = json(hold(MEMBER, "o-2", 60)).get("redemptionId").asText();
        assertThat(capture(first).getStatusCode()).isEqualTo(200);

        APIGatewayV2HTTPResponse refused = capture(second);

        assertProblem(refused, 429, "too-many-requests");
        assertThat(refused.getHeaders()).containsEntry("Retry-After", "600");
        assertThat(json(refused).get("limit").asText()).isEqualTo("pointsRedeemedPerMemberPerDay");
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).total()).as("only the first spent").isEqualTo(940);
        assertThat(RedemptionVelocity.pointsRedeemedToday(fixtures.profile(MEMBER), clock.instant())).isEqualTo(60);

        clock.advance(Duration.ofMinutes(11)); // 00:01 the next day; the hold lasts until 00:05
        assertThat(capture(second).getStatusCode()).isEqualTo(200);
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).total()).isEqualTo(880);
    }

    @Test
    void captureOverTheMerchantsDailyPoints_is429_acrossMembers_andWritesNoCounter() {
        start(new ProgramRules.Velocity(null, null, null, null, 100L));
        String first = json(hold(MEMBER, "o-1", 70)).get("redemptionId").asText();
        String second = json(hold(OTHER_MEMBER, "o-2", 40)).get("redemptionId").asText();
        String third = json(hold(OTHER_MEMBER, "o-3", 30)).get("redemptionId").asText();
        assertThat(capture(first).getStatusCode()).isEqualTo(200);
        List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> countersBefore = counters();

        APIGatewayV2HTTPResponse refused = capture(second);

        assertProblem(refused, 429, "too-many-requests");
        assertThat(json(refused).get("limit").asText()).isEqualTo("pointsRedeemedPerMerchantPerDay");
        assertThat(json(refused).get("maximum").asLong()).isEqualTo(100);
        assertThat(refused.getHeaders()).containsEntry("Retry-After", String.valueOf(14 * 3600 + 30 * 60));
        assertThat(counters()).as("nothing written").isEqualTo(countersBefore);
        assertThat(MemberFigures.read(fixtures.profile(OTHER_MEMBER)).total()).isEqualTo(1000);
        assertThat(capture(third).getStatusCode()).as("exactly the limit still fits").isEqualTo(200);
        assertThat(counters().stream().mapToLong(c -> Long.parseLong(c.get("count").n())).sum()).isEqualTo(100);
    }

    private List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> counters() {
        return fixtures.all().stream().filter(item -> item.get("PK").s().startsWith(MerchantVelocity.PREFIX)).toList();
    }

    private APIGatewayV2HTTPResponse hold(String memberId, String orderId, long points) {
        return handler.handleRequest(post(HOLD, CALLER, key(), "{\"memberId\":\"" + memberId + "\",\"orderId\":\""
                + orderId + "\",\"points\":" + points + "}"), null);
    }

    private APIGatewayV2HTTPResponse capture(String redemptionId) {
        return handler.handleRequest(post(CAPTURE, Map.of("redemptionId", redemptionId), CALLER, key(), ""), null);
    }

    private String key() {
        return "velocity-" + (++keys) + "-abcdefgh";
    }
}
