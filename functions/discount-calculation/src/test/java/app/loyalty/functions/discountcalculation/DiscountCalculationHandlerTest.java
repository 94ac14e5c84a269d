package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.RedemptionStore;
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
import org.junit.jupiter.params.ParameterizedTest;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

class DiscountCalculationHandlerTest {
    static final String PROGRAM = "prg_0123456789abcdefghjk";
    static final String MERCHANT = "mch_0123456789abcdefghjk";
    static final String MEMBER = "mbr_0123456789abcdefghjk";
    static final String CARD = "8000123456789018";
    static final String HOLD = "POST /v1/redemptions";
    static final String GET = "GET /v1/redemptions/{redemptionId}";
    static final String CAPTURE = "POST /v1/redemptions/{redemptionId}/capture";
    static final String CANCEL = "POST /v1/redemptions/{redemptionId}/cancel";
    /** 2 points pay 1 cent (1:1 would hide the conversion); holds last 15 minutes. */
    static final ProgramRules RULES = new ProgramRules(null, null, 14, null,
            new ProgramRules.Discount(ProgramRules.Discount.Scheme.NONE, 0, List.of(), 365, 5000,
                    new ProgramRules.Discount.PointValue(2, 1)), null, null, null, null, null, null, new ProgramRules.Redemption(15));

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
        handler = ContractChecked.handler(new DiscountCalculationHandler(context));
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", RULES);
        fixtures.program("prg_other", "EUR", ProgramRules.DEFAULT);
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, CARD);
        fixtures.grant(MEMBER, PROGRAM, MERCHANT, 1000, null);
    }

    @ParameterizedTest
    @Event(value = "api/hold-points.json", type = APIGatewayV2HTTPEvent.class)
    void hold_forRealShapedEvent(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(json(response).get("points").asLong()).isEqualTo(600);
        assertThat(json(response).get("orderId").asText()).isEqualTo("ord-2026-000124");
    }

    @Test
    void hold_reservesPointsForAnOrder_convertingAnAmountAtThePointValue() {
        APIGatewayV2HTTPResponse response = hold("{\"cardNumber\":\"" + CARD + "\",\"orderId\":\"o-1\",\"amount\":150}");

        assertThat(response.getStatusCode()).isEqualTo(201);
        JsonNode body = json(response);
        assertThat(body.get("points").asLong()).as("2 points per cent").isEqualTo(300);
        assertThat(body.at("/value/amount").asLong()).isEqualTo(150);
        assertThat(body.get("status").asText()).isEqualTo("held");
        assertThat(body.get("expiresAt").asText()).isEqualTo("2026-11-23T09:45:00Z");
        assertThat(body.get("spendable").asLong()).isEqualTo(700);
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).total()).as("a hold moves no points").isEqualTo(1000);
        assertThat(fixtures.memberItems(MEMBER, "ENTRY#")).hasSize(1);
        assertThat(events("PointsHeld")).singleElement().satisfies(e -> {
            assertThat(e.data()).containsEntry("points", 300).containsEntry("orderId", "o-1");
        });
    }

    @Test
    void hold_isRefused_whenOtherLiveHoldsLeaveTooFewPoints() {
        assertThat(hold(byMember("o-1", 600)).getStatusCode()).isEqualTo(201);

        APIGatewayV2HTTPResponse refused = hold(byMember("o-2", 401));

        assertProblem(refused, 422, "points-payment-not-covered");
        assertThat(json(refused).get("reason").asText()).isEqualTo("points");
        assertThat(json(refused).get("pointsAvailable").asLong()).isEqualTo(400);
        assertThat(fixtures.withSortKeyPrefix("REDEMPTION")).hasSize(1);
        assertThat(hold(byMember("o-2", 400)).getStatusCode()).isEqualTo(201);
    }

    @Test
    void hold_doesNotCountPointsThatBurnBeforeItLapses() {
        fixtures.grant(MEMBER, PROGRAM, MERCHANT, 500, clock.instant().plus(Duration.ofMinutes(10)));

        assertProblem(hold(byMember("o-1", 1001)), 422, "points-payment-not-covered");
        assertThat(hold(byMember("o-1", 1000)).getStatusCode()).isEqualTo(201);
    }

    @Test
    void hold_isRefused_pastTheProgramsShareOfTheOrder() {
        APIGatewayV2HTTPResponse refused = hold("{\"memberId\":\"" + MEMBER
                + "\",\"orderId\":\"o-1\",\"amount\":301,\"orderAmount\":600}");

        assertProblem(refused, 422, "points-payment-not-covered");
        assertThat(json(refused).get("reason").asText()).isEqualTo("share");
        assertThat(json(refused).get("maxValue").asLong()).isEqualTo(300);
    }

    @Test
    void hold_ofAnUnknownMemberOrAnotherProgramsCard_isNotFound() {
        assertProblem(hold(byMember("o-1", 1).replace(MEMBER, "mbr_nobody")), 404, "not-found");
        assertProblem(handler.handleRequest(app.loyalty.shared.http.TestRequests.post(HOLD, Caller.merchant("mch_other", "prg_other"), key(),
                byMember("o-1", 1)), null), 404, "not-found");
    }

    @Test
    void capture_spendsTheHeldPointsWithARedeemEntry_andTwiceAnswersTheSame() {
        String id = json(hold(byMember("o-1", 300))).get("redemptionId").asText();

        APIGatewayV2HTTPResponse captured = act(CAPTURE, id, "{\"orderId\":\"o-1\"}");
        APIGatewayV2HTTPResponse again = act(CAPTURE, id, "");

        assertThat(captured.getStatusCode()).isEqualTo(200);
        assertThat(json(captured).get("status").asText()).isEqualTo("captured");
        assertThat(json(captured).get("capturedPoints").asLong()).isEqualTo(300);
        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(json(again).get("entryId").asText()).isEqualTo(json(captured).get("entryId").asText());
        List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> entries =
                fixtures.memberItems(MEMBER, "ENTRY#");
        assertThat(entries).hasSize(2);
        assertThat(entries).filteredOn(e -> Attr.string(e, "type").equals("REDEEM")).singleElement()
                .satisfies(e -> {
                    assertThat(Attr.number(e, "points")).isEqualTo(-300);
                    assertThat(Attr.string(e, "orderId")).isEqualTo("o-1");
                });
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).total()).isEqualTo(700);
        assertThat(Attr.number(fixtures.memberItems(MEMBER, "LOT#").getFirst(), "remaining")).isEqualTo(700);
        assertThat(RedemptionStore.reservations(fixtures.profile(MEMBER))).isEmpty();
        assertThat(events("PointsRedeemed")).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("points", 300).containsEntry("value", 150));
    }

    @Test
    void capture_ofLessThanHeld_spendsThePointsForTheAmount_andReleasesTheRest() {
        String id = json(hold(byMember("o-1", 300))).get("redemptionId").asText();

        JsonNode captured = json(act(CAPTURE, id, "{\"amount\":100}"));

        assertThat(captured.get("capturedPoints").asLong()).isEqualTo(200);
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).total()).isEqualTo(800);
        assertThat(events("HoldReleased")).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("points", 100).containsEntry("reason", "partial-capture"));
    }

    @Test
    void capture_forAnotherOrder_isAConflict() {
        String id = json(hold(byMember("o-1", 300))).get("redemptionId").asText();

        assertProblem(act(CAPTURE, id, "{\"orderId\":\"o-2\"}"), 409, "conflict");
        assertThat(MemberFigures.read(fixtures.profile(MEMBER)).total()).isEqualTo(1000);
    }

    @Test
    void cancel_freesThePoints_isIdempotent_andCaptureAfterItIsAConflict() {
        String id = json(hold(byMember("o-1", 1000))).get("redemptionId").asText();
        assertProblem(hold(byMember("o-2", 1)), 422, "points-payment-not-covered");

        APIGatewayV2HTTPResponse cancelled = act(CANCEL, id, null);
        APIGatewayV2HTTPResponse again = act(CANCEL, id, null);

        assertThat(json(cancelled).get("status").asText()).isEqualTo("cancelled");
        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(json(again).get("status").asText()).isEqualTo("cancelled");
        assertThat(events("HoldReleased")).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("reason", "cancelled"));
        APIGatewayV2HTTPResponse capture = act(CAPTURE, id, null);
        assertProblem(capture, 409, "conflict");
        assertThat(json(capture).get("redemptionStatus").asText()).isEqualTo("cancelled");
        assertThat(hold(byMember("o-2", 1000)).getStatusCode()).isEqualTo(201);
    }

    @Test
    void hold_lapsesByItselfAtExpiresAt_andTheNextWriteClosesIt() {
        String id = json(hold(byMember("o-1", 1000))).get("redemptionId").asText();

        clock.set(Instant.parse("2026-11-23T09:44:59Z"));
        assertThat(json(read(id)).get("status").asText()).isEqualTo("held");
        assertProblem(hold(byMember("o-2", 1)), 422, "points-payment-not-covered");

        clock.set(Instant.parse("2026-11-23T09:45:00Z"));
        assertThat(json(read(id)).get("status").asText()).as("expiresAt exactly now is expired").isEqualTo("expired");
        APIGatewayV2HTTPResponse capture = act(CAPTURE, id, null);
        assertProblem(capture, 409, "conflict");
        assertThat(json(capture).get("redemptionStatus").asText()).isEqualTo("expired");
        assertProblem(act(CANCEL, id, null), 409, "conflict");

        assertThat(hold(byMember("o-2", 1000)).getStatusCode()).as("the lapsed hold counts for nothing").isEqualTo(201);
        assertThat(Attr.string(fixtures.withSortKeyPrefix("REDEMPTION").stream()
                .filter(i -> Attr.string(i, "redemptionId").equals(id)).findFirst().orElseThrow(), "status"))
                .as("closed by the next write").isEqualTo("EXPIRED");
        assertThat(events("HoldReleased")).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("reason", "expired").containsEntry("redemptionId", id));
        assertThat(RedemptionStore.reservations(fixtures.profile(MEMBER))).hasSize(1);
    }

    @Test
    void redemptions_ofAnotherMerchantOrUnknown_areNotFound() {
        String id = json(hold(byMember("o-1", 10))).get("redemptionId").asText();
        Caller other = Caller.merchant("mch_other", PROGRAM);

        assertProblem(handler.handleRequest(app.loyalty.shared.http.TestRequests.get(GET, Map.of("redemptionId", id), Map.of(), other), null), 404, "not-found");
        assertProblem(handler.handleRequest(app.loyalty.shared.http.TestRequests.post(CAPTURE, Map.of("redemptionId", id), other, key(), null), null),
                404, "not-found");
        assertProblem(read("rdm_unknown"), 404, "not-found");
    }

    @Test
    void hold_withoutIdempotencyKeyOrWithBothPointsAndAmount_isRefused() {
        assertProblem(handler.handleRequest(app.loyalty.shared.http.TestRequests.post(HOLD, merchant, null, byMember("o-1", 10)), null), 400,
                "idempotency-key-missing");
        assertProblem(hold("{\"memberId\":\"" + MEMBER + "\",\"orderId\":\"o-1\",\"points\":1,\"amount\":1}"), 400,
                "validation-failed");
    }

    private List<DomainEvent> events(String type) {
        return fixtures.outboxEvents().stream().filter(e -> e.detailType().equals(type)).toList();
    }

    /** Sets the program's partner agreement and moves past the program cache, so the handler sees it. */
    private void agreement(boolean redeem) {
        var programs = new app.loyalty.shared.store.ProgramRepository(context.dynamo(), context.tableName());
        long version = app.loyalty.shared.store.ProgramRepository.agreementVersion(programs.findItem(PROGRAM).orElseThrow());
        context.dynamo().transactWriteItems(software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest.builder()
                .transactItems(programs.updateAgreement(PROGRAM, new app.loyalty.shared.domain.settlement.PartnerAgreement(
                        Map.of(MERCHANT, new app.loyalty.shared.domain.settlement.MerchantTerms(true, redeem, 0, 0, null, null))),
                        version, clock.instant())).build());
        clock.advance(java.time.Duration.ofMinutes(2));
    }

    @Test
    void quote_byAMerchantTheAgreementLeavesOut_is403_andNamesNoMember() {
        var programs = new app.loyalty.shared.store.ProgramRepository(context.dynamo(), context.tableName());
        long version = app.loyalty.shared.store.ProgramRepository.agreementVersion(programs.findItem(PROGRAM).orElseThrow());
        context.dynamo().transactWriteItems(software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest.builder()
                .transactItems(programs.updateAgreement(PROGRAM, new app.loyalty.shared.domain.settlement.PartnerAgreement(
                        Map.of("mch_the_only_partner", new app.loyalty.shared.domain.settlement.MerchantTerms(true, true, 0, 0, null, null))),
                        version, clock.instant())).build());
        clock.advance(java.time.Duration.ofMinutes(2));

        APIGatewayV2HTTPResponse quote = handler.handleRequest(app.loyalty.shared.http.TestRequests.post("POST /v1/discounts/quote",
                merchant, null, "{\"cardNumber\":\"" + CARD + "\",\"orderId\":\"o-quote\",\"lines\":[{\"sku\":\"beans\","
                        + "\"category\":\"coffee\",\"quantity\":1,\"unitPrice\":1000}],\"pointsToSpend\":10}"), null);

        app.loyalty.shared.http.TestResponses.assertProblem(quote, 403, "partner-not-allowed");
        assertThat(quote.getBody()).doesNotContain(MEMBER);
    }

    @Test
    void hold_atAMerchantTheAgreementDoesNotLetRedeem_is403_andHoldsNothing() {
        agreement(false);

        app.loyalty.shared.http.TestResponses.assertProblem(hold(byMember("o-partner", 300)), 403, "partner-not-allowed");

        assertThat(fixtures.withSortKeyPrefix("REDEMPTION")).isEmpty();
    }

    @Test
    void capture_afterTheAgreementStopsRedeeming_is403_andSpendsNothing_whileAllowedCapturesNameTheIssuer() {
        agreement(true);
        String refused = json(hold(byMember("o-refused", 100))).get("redemptionId").asText();
        String allowed = json(hold(byMember("o-allowed", 100))).get("redemptionId").asText();
        APIGatewayV2HTTPResponse captured = act(CAPTURE, allowed, "");
        assertThat(captured.getStatusCode()).isEqualTo(200);
        agreement(false);

        app.loyalty.shared.http.TestResponses.assertProblem(act(CAPTURE, refused, ""), 403, "partner-not-allowed");

        var entries = fixtures.memberItems(MEMBER, "ENTRY#").stream()
                .filter(item -> item.get("type").s().equals("REDEEM")).toList();
        assertThat(entries).singleElement().satisfies(item -> assertThat(
                app.loyalty.shared.store.LedgerEntryItems.settlementEntry(item).shares()).singleElement()
                .satisfies(share -> assertThat(share.issuerId()).isEqualTo(MERCHANT)));
    }

    private APIGatewayV2HTTPResponse hold(String body) {
        return handler.handleRequest(app.loyalty.shared.http.TestRequests.post(HOLD, merchant, key(), body), null);
    }

    private APIGatewayV2HTTPResponse read(String id) {
        return handler.handleRequest(app.loyalty.shared.http.TestRequests.get(GET, Map.of("redemptionId", id), Map.of(), merchant), null);
    }

    private APIGatewayV2HTTPResponse act(String route, String id, String body) {
        return handler.handleRequest(app.loyalty.shared.http.TestRequests.post(route, Map.of("redemptionId", id), merchant, key(), body), null);
    }

    private static String byMember(String orderId, long points) {
        return "{\"memberId\":\"" + MEMBER + "\",\"orderId\":\"" + orderId + "\",\"points\":" + points + "}";
    }

    private String key() {
        return "key-" + (++keys) + "-abcdefgh";
    }
}
