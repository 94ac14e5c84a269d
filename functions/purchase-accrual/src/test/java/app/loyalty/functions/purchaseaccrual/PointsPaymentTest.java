package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.redeem.Hold;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.RedemptionStore;
import app.loyalty.shared.store.UpdateExpression;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/** paidWithPoints spends points in the purchase's own transaction, through a hold or directly; returns give them back. */
class PointsPaymentTest {
    static final String PROGRAM = "prg_0123456789abcdefghjk";
    static final String MERCHANT = "mch_0123456789abcdefghjk";
    static final String MEMBER = "mbr_0123456789abcdefghjk";
    static final String HOLD_ID = "rdm_0123456789abcdefghjk";
    /** 1 point per 1.00 EUR earned, no pending days; a point pays 1 cent; points may pay up to 50 %. */
    static final ProgramRules RULES = new ProgramRules(null, null, 0, null, null, null);

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private final Caller merchant = Caller.merchant(MERCHANT, PROGRAM);
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private Fixtures fixtures;
    private int keys;

    /** Every event a test made matches its schema in docs/events/. */
    @AfterEach
    void everyEventMatchesItsSchema() {
        assertThat(app.loyalty.shared.testing.EventSchemas.violations(fixtures.outboxEvents())).isEmpty();
    }

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", RULES);
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, "8000123456789018");
        assertThat(purchase("o-earn", 100_000, 0, null).getStatusCode()).isEqualTo(201); // 1000 points, available now
        clock.advance(Duration.ofMinutes(1));
    }

    @Test
    void paidWithPoints_withoutAHold_spendsThemInThePurchase() {
        APIGatewayV2HTTPResponse response = purchase("o-1", 1000, 400, null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        JsonNode body = json(response);
        assertThat(body.at("/pointsPayment/points").asLong()).isEqualTo(400);
        assertThat(body.at("/pointsPayment/value/amount").asLong()).isEqualTo(400);
        assertThat(body.get("pointsEarned").asLong()).as("only the 6.00 paid in money earns").isEqualTo(6);
        assertThat(body.at("/balance/available").asLong()).isEqualTo(1000 - 400 + 6);
        assertThat(fixtures.memberItems(MEMBER, "ENTRY#")).filteredOn(e -> Attr.string(e, "type").equals("REDEEM"))
                .singleElement().satisfies(e -> assertThat(Attr.number(e, "points")).isEqualTo(-400));
        assertThat(events("PointsRedeemed")).singleElement().satisfies(e -> assertThat(e.data())
                .containsEntry("orderId", "o-1").containsEntry("points", 400).doesNotContainKey("redemptionId"));
    }

    @Test
    void paidWithPoints_withoutAHold_cannotTakePointsAnotherHoldReserves() {
        hold("rdm_abcdefghjk0123456789", "o-other", 700, clock.instant().plus(Duration.ofMinutes(15)));

        APIGatewayV2HTTPResponse refused = purchase("o-1", 1000, 400, null);

        assertProblem(refused, 422, "points-payment-not-covered");
        assertThat(json(refused).get("pointsAvailable").asLong()).isEqualTo(300);
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).total()).isEqualTo(1000);
    }

    @Test
    void paidWithPoints_throughAHold_capturesItInThePurchase_andTheHoldPaysOnlyOnce() {
        hold(HOLD_ID, "o-1", 500, clock.instant().plus(Duration.ofMinutes(15)));

        JsonNode body = json(purchase("o-1", 1000, 400, HOLD_ID));

        assertThat(body.at("/pointsPayment/redemptionId").asText()).isEqualTo(HOLD_ID);
        assertThat(body.at("/pointsPayment/points").asLong()).isEqualTo(400);
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).total()).isEqualTo(1000 - 400 + 6);
        assertThat(RedemptionStore.reservations(fixtures.profile(MEMBER))).isEmpty();
        assertThat(Attr.string(fixtures.withSortKeyPrefix("REDEMPTION").stream()
                .filter(i -> Attr.string(i, "PK").startsWith("REDEMPTION#")).findFirst().orElseThrow(), "status"))
                .isEqualTo("CAPTURED");
        assertThat(events("HoldReleased")).singleElement().satisfies(e -> assertThat(e.data())
                .containsEntry("points", 100).containsEntry("reason", "partial-capture"));
        assertProblem(purchase("o-2", 1000, 400, HOLD_ID), 409, "conflict");
    }

    @Test
    void paidWithPoints_throughALapsedHold_isAConflict() {
        hold(HOLD_ID, "o-1", 500, clock.instant().plus(Duration.ofMinutes(15)));
        clock.advance(Duration.ofMinutes(15));

        APIGatewayV2HTTPResponse refused = purchase("o-1", 1000, 400, HOLD_ID);

        assertProblem(refused, 409, "conflict");
        assertThat(json(refused).get("redemptionStatus").asText()).isEqualTo("expired");
    }

    @Test
    void paidWithPoints_throughAHoldTooSmall_isRefused() {
        hold(HOLD_ID, "o-1", 300, clock.instant().plus(Duration.ofMinutes(15)));

        assertProblem(purchase("o-1", 1000, 400, HOLD_ID), 422, "points-payment-not-covered");
    }

    @Test
    void return_ofHalfAPointsPaidOrder_givesBackHalfThePointsAndHalfTheMoneyPart() {
        JsonNode bought = json(purchase("o-1", 1000, 401, null));
        long afterPurchase = bought.at("/balance/available").asLong();

        APIGatewayV2HTTPResponse half = handler.handleRequest(post("POST /v1/purchases/{orderId}/returns",
                Map.of("orderId", "o-1"), merchant, key(), "{\"returnId\":\"r-1\",\"amount\":500}"), null);
        APIGatewayV2HTTPResponse rest = handler.handleRequest(post("POST /v1/purchases/{orderId}/returns",
                Map.of("orderId", "o-1"), merchant, key(), "{\"returnId\":\"r-2\",\"amount\":500}"), null);

        JsonNode first = json(half);
        assertThat(first.at("/pointsRefund/points").asLong()).as("floor(401 x 500 / 1000)").isEqualTo(200);
        assertThat(first.at("/pointsRefund/money/amount").asLong()).as("500 - floor(401 x 500 / 1000)").isEqualTo(300);
        JsonNode second = json(rest);
        assertThat(second.at("/pointsRefund/points").asLong()).as("all 401 back in total").isEqualTo(201);
        assertThat(second.at("/pointsRefund/money/amount").asLong()).as("all 599 paid in money").isEqualTo(299);
        // the 5 points the order earned (5.99 in money) are reversed; the 401 spent come back
        assertThat(second.at("/balance/available").asLong()).isEqualTo(afterPurchase + 401 - 5);
        assertThat(fixtures.memberItems(MEMBER, "ENTRY#")).filteredOn(e -> Attr.string(e, "reason").equals("return-refund"))
                .allSatisfy(e -> assertThat(Attr.string(e, "orderId")).isEqualTo("o-1"))
                .extracting(e -> Attr.number(e, "points")).containsExactlyInAnyOrder(200L, 201L);
        assertThat(fixtures.memberItems(MEMBER, "LOT#")).filteredOn(l -> !l.containsKey("sourceOrderId"))
                .allSatisfy(l -> assertThat(Attr.string(l, "issuingMerchantId")).isEqualTo(MERCHANT));
        // Each return says what money came back and what points it gave back (analytics nets and counts them).
        assertThat(fixtures.outboxEvents()).filteredOn(e -> e.detailType().equals("PurchaseReturned"))
                .extracting(e -> List.of(e.data().get("returnId"), ((Number) e.data().get("amount")).longValue(),
                        ((Number) e.data().get("pointsRestored")).longValue()))
                .containsExactlyInAnyOrder(List.of("r-1", 500L, 200L), List.of("r-2", 500L, 201L));
    }

    /** A live hold as POST /v1/redemptions writes it (that route lives in discount-calculation). */
    private void hold(String redemptionId, String orderId, long points, Instant expiresAt) {
        Hold hold = new Hold(redemptionId, MEMBER, PROGRAM, MERCHANT, orderId, points, points, "EUR", Hold.Status.HELD,
                clock.instant(), expiresAt);
        RedemptionStore store = new RedemptionStore(context.dynamo(), context.tableName());
        UpdateExpression update = new UpdateExpression();
        RedemptionStore.guardHolds(update, fixtures.profile(MEMBER));
        RedemptionStore.reserve(update, fixtures.profile(MEMBER), hold);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(store.create(hold),
                update.build(context.tableName(), MemberRepository.profileKey(MEMBER))).build());
    }

    private List<DomainEvent> events(String type) {
        return fixtures.outboxEvents().stream().filter(e -> e.detailType().equals(type)).toList();
    }

    private APIGatewayV2HTTPResponse purchase(String orderId, long amount, long paidWithPoints, String redemptionId) {
        String body = "{\"memberId\":\"" + MEMBER + "\",\"orderId\":\"" + orderId + "\",\"total\":{\"amount\":" + amount
                + ",\"currency\":\"EUR\"},\"paidWithPoints\":" + paidWithPoints
                + (redemptionId == null ? "" : ",\"redemptionId\":\"" + redemptionId + "\"") + "}";
        return handler.handleRequest(post("POST /v1/purchases", merchant, key(), body), null);
    }

    private String key() {
        return "pay-key-" + String.format("%05d", ++keys);
    }
}
