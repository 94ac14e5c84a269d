package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.ledger.PointsLimits;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, defects 1 and 4: extreme but accepted rules cannot overflow a member (points limits, refused with
 * points-limit-exceeded and nothing written), and paidWithPoints must be covered by the member's available points and
 * the program's maximum share (points-payment-not-covered, nothing written).
 */
class PointsGuardsTest {
    private static final String PROGRAM = "prg_guards";
    private static final String MEMBER = "mbr_guards";
    private static final Caller MERCHANT = Caller.merchant("mch_guards", PROGRAM);
    /** 1,000,000 points per minor unit, x10 on "luxury", no caps: accepted, and 10^17 points for a 10^10 purchase. */
    private static final ProgramRules EXTREME = new ProgramRules(
            new ProgramRules.Earn(1_000_000, 1, Set.of(), Set.of(), Map.of("luxury", 100_000), 0, null, null),
            null, 0, null, null, null);

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    /** Set by a test to move the member's total just before the next transaction, as a concurrent write would. */
    private final AtomicBoolean raceNextTransaction = new AtomicBoolean();
    private AppContext context;
    private Fixtures fixtures;
    private PurchaseAccrualHandler handler;
    private int keys;

    @BeforeEach
    void setUp() {
        DynamoDbClient racing = DynamoDbLocal.configure(DynamoDbClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
                        if (c.request() instanceof TransactWriteItemsRequest && raceNextTransaction.getAndSet(false)) {
                            setTotal(PointsLimits.MAX_BALANCE - 5);
                        }
                    }
                })).build();
        context = TestContexts.appContext(racing, clock);
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", EXTREME);
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        handler = new PurchaseAccrualHandler(context);
    }

    @Test
    void purchase_is422AndWritesNothing_whenItWouldEarnMoreThanOnePurchaseMay() {
        APIGatewayV2HTTPResponse response = purchase("o-huge", 10_000_000_000L, "luxury", null);

        assertProblem(response, 422, "points-limit-exceeded");
        assertThat(json(response).get("limit").asText()).isEqualTo("purchase");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
        assertThat(fixtures.memberItems(MEMBER, "LOT#")).isEmpty();
        assertThat(Attr.number(fixtures.profile(MEMBER), MemberFigures.TOTAL)).isZero();
    }

    @Test
    void purchase_is422AndWritesNothing_whenTheBalanceWouldPassTheMemberCap_andLaterRequestsStillWork() {
        setTotal(PointsLimits.MAX_BALANCE - 1_000_000);

        assertProblem(purchase("o-over", 2, null, null), 422, "points-limit-exceeded");
        APIGatewayV2HTTPResponse backDated = purchase("o-late", 2, null, clock.instant().minus(Duration.ofDays(3)).toString());
        assertProblem(backDated, 422, "points-limit-exceeded");
        JsonNode fits = json(purchase("o-fits", 1, null, null));
        JsonNode returned = json(handler.handleRequest(post("POST /v1/purchases/{orderId}/returns", Map.of("orderId", "o-fits"),
                MERCHANT, key(), "{\"returnId\":\"r-1\",\"amount\":1}"), null));

        assertThat(fits.get("pointsEarned").asLong()).isEqualTo(1_000_000);
        assertThat(fits.at("/balance/available").asLong()).isEqualTo(PointsLimits.MAX_BALANCE);
        assertThat(fits.at("/breakdown/cappedBy").isMissingNode()).as("no daily cap: nothing is cut").isTrue();
        assertThat(returned.at("/balance/available").asLong()).isEqualTo(PointsLimits.MAX_BALANCE - 1_000_000);
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(1);
    }

    @Test
    void purchase_isRefusedByTheTransactionsCondition_whenTheBalanceMovedAfterItWasRead() {
        setTotal(0);
        raceNextTransaction.set(true); // the read sees 0; by the time the transaction runs another write added points

        APIGatewayV2HTTPResponse response = purchase("o-race", 1, null, null);

        assertProblem(response, 422, "points-limit-exceeded");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
        assertThat(Attr.number(fixtures.profile(MEMBER), MemberFigures.TOTAL)).isEqualTo(PointsLimits.MAX_BALANCE - 5);
    }

    @Test
    void purchase_is422AndWritesNothing_whenPaidWithPointsExceedsTheMembersPoints() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/purchases", MERCHANT, key(), """
                {"memberId":"%s","orderId":"o-free","total":{"amount":2000,"currency":"EUR"},"paidWithPoints":1000}"""
                .formatted(MEMBER)), null);

        assertProblem(response, 422, "points-payment-not-covered");
        assertThat(json(response).get("reason").asText()).isEqualTo("points");
        assertThat(json(response).get("pointsAvailable").asLong()).isZero();
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
    }

    @Test
    void purchase_is422AndWritesNothing_whenPaidWithPointsExceedsTheProgramsMaximumShare() {
        purchase("o-earn", 1, null, null); // 1,000,000 points, available at once (no pending days)

        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/purchases", MERCHANT, key(), """
                {"memberId":"%s","orderId":"o-80","total":{"amount":1000,"currency":"EUR"},"paidWithPoints":800}"""
                .formatted(MEMBER)), null);
        APIGatewayV2HTTPResponse half = handler.handleRequest(post("POST /v1/purchases", MERCHANT, key(), """
                {"memberId":"%s","orderId":"o-50","total":{"amount":1000,"currency":"EUR"},"paidWithPoints":500}"""
                .formatted(MEMBER)), null);

        assertProblem(response, 422, "points-payment-not-covered");
        assertThat(json(response).get("reason").asText()).isEqualTo("share");
        assertThat(json(response).get("maxPaidWithPoints").asLong()).isEqualTo(500);
        assertThat(half.getStatusCode()).isEqualTo(201);
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(2);
    }

    private void setTotal(long total) {
        DynamoDbLocal.client().updateItem(UpdateItemRequest.builder().tableName(context.tableName())
                .key(MemberRepository.profileKey(MEMBER)).updateExpression("SET pointsTotal = :t")
                .expressionAttributeValues(Map.of(":t", Attr.n(total))).build());
    }

    private APIGatewayV2HTTPResponse purchase(String orderId, long amount, String category, String purchasedAt) {
        String lines = category == null ? "" : ",\"lines\":[{\"sku\":\"s\",\"category\":\"%s\",\"quantity\":1,\"unitPrice\":%d}]"
                .formatted(category, amount);
        String at = purchasedAt == null ? "" : ",\"purchasedAt\":\"" + purchasedAt + "\"";
        return handler.handleRequest(post("POST /v1/purchases", MERCHANT, key(), """
                {"memberId":"%s","orderId":"%s","total":{"amount":%d,"currency":"EUR"}%s%s}"""
                .formatted(MEMBER, orderId, amount, lines, at)), null);
    }

    private String key() {
        return "guards-key-" + String.format("%05d", ++keys);
    }
}
