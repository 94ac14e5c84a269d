package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.testing.ContractChecked;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.LedgerChange;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.Spends;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

class PurchaseAccrualHandlerTest {
    static final String PROGRAM = "prg_0123456789abcdefghjk";
    static final String MERCHANT = "mch_0123456789abcdefghjk";
    static final String MEMBER = "mbr_0123456789abcdefghjk";
    static final String CARD = "8000123456789018";
    static final String PURCHASES = "POST /v1/purchases";
    static final String RETURNS = "POST /v1/purchases/{orderId}/returns";
    /** 1 point per 1.00 EUR; gift cards earn nothing; apparel earns x1.5; staff earn 2 per 1.00. */
    static final ProgramRules RULES = new ProgramRules(
            new ProgramRules.Earn(1, 100, Set.of("gift-cards"), Set.of(), Map.of("apparel", 15_000), 0, null, null),
            new ProgramRules.Earn(2, 100, Set.of(), Set.of(), Map.of(), 0, null, null),
            14, new ProgramRules.Expiry(ProgramRules.Expiry.Policy.DAYS_AFTER_EARNING, 365), null, null);

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private final Caller merchant = Caller.merchant(MERCHANT, PROGRAM);
    private final Caller otherProgramsMerchant = Caller.merchant("mch_other", "prg_other");
    private AppContext context;
    /** Every exchange is held to openapi.yaml (ContractChecked). */
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private Fixtures fixtures;
    private Card card;
    private int keys;

    /** The table the handler runs on: in-process DynamoDB Local here; {@link PurchaseAccrualIT} runs every test on the emulator. */
    AppContext newContext(java.time.Clock clock) {
        return TestContexts.appContext(clock);
    }

    @BeforeEach
    void setUp() {
        context = newContext(clock);
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", RULES);
        fixtures.program("prg_other", "EUR", ProgramRules.DEFAULT);
        card = fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, CARD);
    }

    @ParameterizedTest
    @Event(value = "api/record-purchase.json", type = APIGatewayV2HTTPEvent.class)
    void purchase_earnsPendingPointsUnderTheEarnRules_forRealShapedEvent(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        JsonNode body = json(response);
        // apparel 75.00 x1.5 = 112.50 -> 112 points; the 50.00 gift card earns nothing
        assertThat(body.get("pointsEarned").asLong()).isEqualTo(112);
        assertThat(body.at("/breakdown/eligibleAmount").asLong()).isEqualTo(7500);
        assertThat(body.at("/breakdown/excludedAmount").asLong()).isEqualTo(5000);
        assertThat(body.get("status").asText()).isEqualTo("pending");
        assertThat(body.get("availableAt").asText()).as("00:00Z after the day the returns window ends on")
                .isEqualTo("2026-12-08T00:00:00Z");
        assertThat(body.get("expiresAt").asText()).as("through the whole day 365 days after recording")
                .isEqualTo("2027-11-24T00:00:00Z");
        assertThat(body.at("/balance/pending").asLong()).isEqualTo(112);
        assertThat(body.at("/balance/available").asLong()).isZero();
        assertThat(body.get("promoCode").asText()).isEqualTo("WINTER26");
        assertThat(fixtures.memberItems(MEMBER, "LOT#")).hasSize(1);
        assertThat(fixtures.memberItems(MEMBER, "ENTRY#")).hasSize(1);
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(1);
    }

    @ParameterizedTest
    @Event(value = "api/return-purchase.json", type = APIGatewayV2HTTPEvent.class)
    void return_reversesPointsInProportionFromThePendingLot_forRealShapedEvent(APIGatewayV2HTTPEvent event) {
        purchase("""
                {"cardNumber":"%s","orderId":"ord-2026-000123","total":{"amount":12500,"currency":"EUR"},
                 "lines":[{"sku":"TSHIRT-BLUE-M","category":"apparel","quantity":2,"unitPrice":2500},
                          {"sku":"GIFT-CARD-50","category":"gift-cards","quantity":1,"unitPrice":5000},
                          {"sku":"SOCKS-3PK","category":"apparel","quantity":1,"unitPrice":2500}]}""".formatted(CARD));
        event.getRequestContext().getAuthorizer().setLambda(new HashMap<>(merchant.toAuthorizerContext()));

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        JsonNode body = json(response);
        // one T-shirt is 2500 of 12500: floor(112 * 2500 / 12500) = 22
        assertThat(body.at("/returned/amount").asLong()).isEqualTo(2500);
        assertThat(body.get("pointsReversed").asLong()).isEqualTo(22);
        assertThat(body.at("/reversal/fromOrderLots").asLong()).isEqualTo(22);
        assertThat(body.at("/balance/pending").asLong()).isEqualTo(90);
        assertThat(body.at("/returnable/amount").asLong()).isEqualTo(10000);
    }

    @Test
    void purchase_makesPointsAvailableExactlyWhenThePendingPeriodEnds() {
        JsonNode first = json(purchase(byMember("o-1", 1000)));
        assertThat(first.get("status").asText()).isEqualTo("pending");

        clock.set(Instant.parse(first.get("availableAt").asText()).minusSeconds(1));
        assertThat(json(purchase(byMember("o-2", 100))).at("/balance/available").asLong()).isZero();

        clock.set(Instant.parse(first.get("availableAt").asText()));
        JsonNode later = json(purchase(byMember("o-3", 100)));
        assertThat(later.at("/balance/available").asLong()).isEqualTo(10);
        assertThat(later.at("/balance/pending").asLong()).isEqualTo(2);
    }

    @Test
    void purchase_postedLate_staysPendingUntilItsReturnsWindowEnds_countedFromThePurchase() {
        JsonNode body = json(purchase("""
                {"memberId":"%s","orderId":"o-late","total":{"amount":1000,"currency":"EUR"},
                 "purchasedAt":"2026-11-20T09:30:00Z"}""".formatted(MEMBER)));

        assertThat(body.get("status").asText()).isEqualTo("pending");
        assertThat(body.get("availableAt").asText()).as("after the day 14 days after the purchase")
                .isEqualTo("2026-12-05T00:00:00Z");
    }

    @Test
    void purchase_is400AndWritesNothing_whenPostedLaterThanThePostingDelay() {
        // older dates would skip the returns window and find the daily cap's counters already pruned
        assertProblem(purchase("""
                {"memberId":"%s","orderId":"o-ancient","total":{"amount":1000,"currency":"EUR"},
                 "purchasedAt":"2026-11-03T09:30:00Z"}""".formatted(MEMBER)), 400, "validation-failed");
        assertProblem(purchase("""
                {"memberId":"%s","orderId":"o-ancient","total":{"amount":1000,"currency":"EUR"},
                 "purchasedAt":"-999999999-01-01T00:00:00Z"}""".formatted(MEMBER)), 400, "validation-failed");
        assertThat(json(handler.handleRequest(post(PURCHASES, merchant, key(), """
                {"memberId":"%s","orderId":"o-ancient","total":{"amount":1000,"currency":"EUR"}}""".formatted(MEMBER)), null))
                .get("pointsEarned").asLong()).isEqualTo(10);
    }

    @Test
    void purchase_expiresAtTheEndOfTheMonthThePointsBecomeAvailable_underEndOfMonth() {
        fixtures.program("prg_month", "EUR", new ProgramRules(null, null, 14,
                new ProgramRules.Expiry(ProgramRules.Expiry.Policy.END_OF_MONTH, null), null, null));
        fixtures.member("mbr_month", "prg_month", MemberKind.CUSTOMER, null);

        JsonNode body = json(handler.handleRequest(post(PURCHASES, Caller.merchant("mch_month", "prg_month"), key(),
                "{\"memberId\":\"mbr_month\",\"orderId\":\"o-1\",\"total\":{\"amount\":500,\"currency\":\"EUR\"}}"), null));

        // bought 23 November, available 8 December: burns at the end of December, not of November
        assertThat(body.get("availableAt").asText()).isEqualTo("2026-12-08T00:00:00Z");
        assertThat(body.get("expiresAt").asText()).isEqualTo("2027-01-01T00:00:00Z");
    }

    @Test
    void purchase_isAvailableAtOnce_whenProgramHasNoPendingPeriod() {
        fixtures.program("prg_now", "EUR", new ProgramRules(null, null, 0, null, null, null));
        fixtures.member("mbr_now", "prg_now", MemberKind.CUSTOMER, null);

        JsonNode body = json(handler.handleRequest(post(PURCHASES, Caller.merchant("mch_now", "prg_now"), key(),
                "{\"memberId\":\"mbr_now\",\"orderId\":\"o-1\",\"total\":{\"amount\":500,\"currency\":\"EUR\"}}"), null));

        assertThat(body.get("status").asText()).isEqualTo("available");
        assertThat(body.at("/balance/available").asLong()).isEqualTo(5);
    }

    @Test
    void purchase_earnsUnderStaffRules_forStaffMember() {
        fixtures.member("mbr_staff", PROGRAM, MemberKind.STAFF, null);

        JsonNode body = json(purchase("{\"memberId\":\"mbr_staff\",\"orderId\":\"o-staff\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}"));

        assertThat(body.get("pointsEarned").asLong()).isEqualTo(20);
    }

    @Test
    void purchase_earnsNothingOnThePartPaidWithPoints() {
        purchase(byMember("o-points", 40_000));    // 400 points, available after the pending days
        clock.advance(Duration.ofDays(15));
        JsonNode body = json(purchase("""
                {"memberId":"%s","orderId":"o-p","total":{"amount":1000,"currency":"EUR"},"paidWithPoints":400}""".formatted(MEMBER)));

        assertThat(body.get("pointsEarned").asLong()).isEqualTo(6);
        assertThat(body.at("/breakdown/earningAmount").asLong()).isEqualTo(600);
    }

    @Test
    void purchase_roundsDownOnceOverTheWholeBasket_notPerLine() {
        JsonNode body = json(purchase("""
                {"memberId":"%s","orderId":"o-r","total":{"amount":300,"currency":"EUR"},
                 "lines":[{"sku":"a","category":"food","quantity":1,"unitPrice":150},
                          {"sku":"b","category":"food","quantity":1,"unitPrice":150}]}""".formatted(MEMBER)));

        assertThat(body.get("pointsEarned").asLong()).as("1.50 + 1.50 earns 3, not 1 + 1").isEqualTo(3);
    }

    @Test
    void purchase_respectsMinimumBasketAndPerPurchaseAndDailyCaps() {
        fixtures.program("prg_caps", "EUR", new ProgramRules(
                new ProgramRules.Earn(1, 100, Set.of(), Set.of(), Map.of(), 500, 30L, 50L), null, 0, null, null, null));
        fixtures.member("mbr_caps", "prg_caps", MemberKind.CUSTOMER, null);
        Caller capped = Caller.merchant("mch_caps", "prg_caps");
        String body = "{\"memberId\":\"mbr_caps\",\"orderId\":\"%s\",\"total\":{\"amount\":%d,\"currency\":\"EUR\"}}";

        JsonNode small = json(handler.handleRequest(post(PURCHASES, capped, key(), body.formatted("o-1", 499)), null));
        JsonNode big = json(handler.handleRequest(post(PURCHASES, capped, key(), body.formatted("o-2", 10_000)), null));
        JsonNode dayFull = json(handler.handleRequest(post(PURCHASES, capped, key(), body.formatted("o-3", 10_000)), null));
        JsonNode none = json(handler.handleRequest(post(PURCHASES, capped, key(), body.formatted("o-4", 10_000)), null));

        assertThat(small.get("pointsEarned").asLong()).isZero();
        assertThat(small.get("status").asText()).isEqualTo("none");
        assertThat(big.get("pointsEarned").asLong()).isEqualTo(30);
        assertThat(big.at("/breakdown/cappedBy").asText()).isEqualTo("purchase");
        assertThat(dayFull.get("pointsEarned").asLong()).isEqualTo(20);
        assertThat(dayFull.at("/breakdown/cappedBy").asText()).isEqualTo("day");
        assertThat(none.get("pointsEarned").asLong()).isZero();
        assertThat(fixtures.memberItems("mbr_caps", "LOT#")).hasSize(2);
    }

    @Test
    void purchase_keepsRollingFiguresOnTheProfile_andReturnTakesSpendBack() {
        purchase(byMember("o-1", 1000));
        purchase(byMember("o-2", 2500));
        returnOf("o-2", "{\"returnId\":\"r-1\",\"amount\":500}");

        var profile = fixtures.profile(MEMBER);
        assertThat(Attr.number(profile, "purchaseCount")).isEqualTo(2);
        assertThat(Attr.number(profile, "totalSpend")).isEqualTo(3000);
        assertThat(profile.get("spendByDay").m().get("2026-11-23").n()).isEqualTo("3000");
        assertThat(profile.get("pointsByDay").m().get("2026-11-23").n()).isEqualTo("35");
    }

    @Test
    void purchase_createsTheFigureMaps_forAProfileEnrolledBeforeTheyExisted() {
        context.dynamo().updateItem(b -> b.tableName(context.tableName())
                .key(app.loyalty.shared.store.MemberRepository.profileKey(MEMBER))
                .updateExpression("REMOVE spendByDay, pointsByDay, purchaseCount, totalSpend"));

        purchase(byMember("o-1", 1000));
        purchase(byMember("o-2", 500));

        var profile = fixtures.profile(MEMBER);
        assertThat(Attr.number(profile, "purchaseCount")).isEqualTo(2);
        assertThat(profile.get("spendByDay").m().get("2026-11-23").n()).isEqualTo("1500");
        assertThat(profile.get("pointsByDay").m().get("2026-11-23").n()).isEqualTo("15");
    }

    @Test
    void purchase_turnsLegacyMonthBucketsIntoDays_countingEachOnItsLastDay_andDropsThem() {
        context.dynamo().updateItem(b -> b.tableName(context.tableName())
                .key(app.loyalty.shared.store.MemberRepository.profileKey(MEMBER))
                .updateExpression("SET spendByMonth = :months REMOVE spendByDay")
                .expressionAttributeValues(Map.of(":months", AttributeValue.fromM(Map.of(
                        "2025-10", AttributeValue.fromN("7000"), "2026-10", AttributeValue.fromN("4000"))))));

        purchase(byMember("o-1", 1000));

        var profile = fixtures.profile(MEMBER);
        // 365-day window: October 2025 (counted on 31 October 2025) has left it; October 2026 has not
        assertThat(profile.get("spendByDay").m()).containsOnlyKeys("2026-10-31", "2026-11-23");
        assertThat(profile.get("spendByDay").m().get("2026-10-31").n()).isEqualTo("4000");
        assertThat(profile).doesNotContainKey("spendByMonth");
    }

    @Test
    void purchase_answersTheOriginalResultAndAccruesOnce_whenSameOrderComesAgainWithAnotherKey() {
        APIGatewayV2HTTPResponse first = purchase(byMember("o-1", 1000));
        APIGatewayV2HTTPResponse again = purchase(byMember("o-1", 1000));

        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(json(again)).isEqualTo(json(first));
        assertThat(fixtures.memberItems(MEMBER, "LOT#")).hasSize(1);
        assertThat(fixtures.memberItems(MEMBER, "ENTRY#")).hasSize(1);
    }

    @Test
    void purchase_is409WithClearProblem_whenSameOrderComesWithAnotherAmount() {
        purchase(byMember("o-1", 1000));
        APIGatewayV2HTTPResponse conflict = purchase(byMember("o-1", 1200));

        assertProblem(conflict, 409, "conflict");
        assertThat(json(conflict).get("detail").asText()).contains("o-1", "total", "1000", "1200");
        assertThat(fixtures.memberItems(MEMBER, "LOT#")).hasSize(1);
    }

    @Test
    void purchase_replaysStoredAnswer_whenIdempotencyKeyRepeated() {
        APIGatewayV2HTTPResponse first = handler.handleRequest(post(PURCHASES, merchant, "same-key-0001", byMember("o-1", 1000)), null);
        APIGatewayV2HTTPResponse replay = handler.handleRequest(post(PURCHASES, merchant, "same-key-0001", byMember("o-1", 1000)), null);

        assertThat(replay.getBody()).isEqualTo(first.getBody());
        assertThat(replay.getHeaders()).containsEntry("Idempotent-Replayed", "true");
        assertThat(fixtures.memberItems(MEMBER, "LOT#")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},\"vip\":true}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"USD\"}}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":-5,\"currency\":\"EUR\"}}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":0,\"currency\":\"EUR\"}}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":10000000001,\"currency\":\"EUR\"}}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":\"1000\",\"currency\":\"EUR\"}}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":10.5,\"currency\":\"EUR\"}}",
            "{\"memberId\":\"%s\",\"orderId\":\"o 1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}",
            "{\"memberId\":\"%s\",\"cardNumber\":\"8000123456789018\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}",
            "{\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},\"x\":\"%s\"}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},\"lines\":[{\"sku\":\"a\",\"category\":\"c\",\"quantity\":1,\"unitPrice\":900}]}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},\"lines\":[{\"sku\":\"a\",\"category\":\"c\",\"quantity\":0,\"unitPrice\":1000}]}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},\"lines\":[{\"sku\":\"a\",\"category\":\"c\",\"quantity\":1,\"unitPrice\":-1000}]}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},\"paidWithPoints\":1001}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},\"paidWithPoints\":-1}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},\"purchasedAt\":\"2026-11-23T09:36:00Z\"}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},\"purchasedAt\":\"yesterday\"}",
            "{\"memberId\":\"%s\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},\"promoCode\":\"<script>\"}"})
    void purchase_is400AndWritesNothing_forInvalidInput(String body) {
        APIGatewayV2HTTPResponse response = purchase(body.formatted(MEMBER));

        assertProblem(response, 400, "validation-failed");
        assertThat(json(response).get("detail").asText()).isNotBlank();
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
        assertThat(fixtures.memberItems(MEMBER, "LOT#")).isEmpty();
    }

    @Test
    void purchase_is400_whenLinesExceedTheCap() {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 201; i++) {
            lines.append(i == 0 ? "" : ",").append("{\"sku\":\"s").append(i).append("\",\"category\":\"c\",\"quantity\":1,\"unitPrice\":1}");
        }
        assertProblem(purchase("{\"memberId\":\"" + MEMBER + "\",\"orderId\":\"o-1\",\"total\":{\"amount\":201,\"currency\":\"EUR\"},\"lines\":["
                + lines + "]}"), 400, "validation-failed");
    }

    @Test
    void purchase_is409CardBlocked_forBlockedCard() {
        fixtures.blockCard(card);

        assertProblem(purchase("{\"cardNumber\":\"" + CARD + "\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}"),
                409, "card-blocked");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
    }

    @Test
    void purchase_is404_forAnotherProgramsCardOrMember() {
        String byCard = "{\"cardNumber\":\"" + CARD + "\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}";

        assertProblem(handler.handleRequest(post(PURCHASES, otherProgramsMerchant, key(), byCard), null), 404, "not-found");
        assertProblem(handler.handleRequest(post(PURCHASES, otherProgramsMerchant, key(), byMember("o-1", 1000)), null), 404, "not-found");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
    }

    @Test
    void purchase_writesPurchaseRecordedAndPointsAccruedToTheOutbox_withoutPersonalData() {
        purchase(byMember("o-1", 1000));

        List<DomainEvent> events = fixtures.outboxEvents();
        assertThat(events).extracting(DomainEvent::detailType).containsExactly("PurchaseRecorded", "PointsAccrued");
        assertThat(events.get(1).data()).containsEntry("points", 10).containsEntry("orderId", "o-1");
        assertThat(fixtures.withSortKeyPrefix("IDEMPOTENCY").toString() + fixtures.withSortKeyPrefix("ENTRY#")
                + fixtures.withSortKeyPrefix("ORDER")).doesNotContain("Ada", "+447700900123", "ada@example.com");
    }

    @Test
    void returns_thatAddUpToTheWholeOrder_reverseExactlyItsPoints() {
        // 7 points per 1.00: 10.00 earns 70. Returns of 3.33 + 3.33 + 3.34: 23 + 23 + 24, not 23 + 23 + 23.
        fixtures.program("prg_seven", "EUR", new ProgramRules(new ProgramRules.Earn(7, 100, null, null, null, 0, null, null),
                null, 14, null, null, null));
        fixtures.member("mbr_seven", "prg_seven", MemberKind.CUSTOMER, null);
        Caller seven = Caller.merchant("mch_seven", "prg_seven");
        handler.handleRequest(post(PURCHASES, seven, key(),
                "{\"memberId\":\"mbr_seven\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}"), null);

        List<Long> reversed = new ArrayList<>();
        JsonNode last = null;
        for (String returned : List.of("{\"returnId\":\"r-1\",\"amount\":333}", "{\"returnId\":\"r-2\",\"amount\":333}",
                "{\"returnId\":\"r-3\",\"amount\":334}")) {
            last = json(handler.handleRequest(post(RETURNS, Map.of("orderId", "o-1"), seven, key(), returned), null));
            reversed.add(last.get("pointsReversed").asLong());
        }

        assertThat(reversed).containsExactly(23L, 23L, 24L);
        assertThat(last.at("/balance/pending").asLong()).isZero();
        assertThat(last.get("orderPointsReversed").asLong()).isEqualTo(70);
    }

    @Test
    void return_is409AndWritesNothing_beyondWhatIsLeftOfTheOrder() {
        purchase(byMember("o-1", 1000));
        returnOf("o-1", "{\"returnId\":\"r-1\",\"amount\":600}");

        APIGatewayV2HTTPResponse beyond = returnOf("o-1", "{\"returnId\":\"r-2\",\"amount\":401}");

        assertProblem(beyond, 409, "conflict");
        assertThat(json(beyond).get("returnableAmount").asLong()).isEqualTo(400);
        assertThat(fixtures.withSortKeyPrefix("RETURN#")).hasSize(1);
        assertThat(fixtures.memberItems(MEMBER, "ENTRY#")).hasSize(2);
    }

    @Test
    void returnByLines_isPricedFromTheStoredLines_andRefusesMoreUnitsThanBought() {
        purchase("""
                {"memberId":"%s","orderId":"o-1","total":{"amount":4000,"currency":"EUR"},
                 "lines":[{"sku":"mug","category":"home","quantity":2,"unitPrice":1000},
                          {"sku":"mug","category":"home","quantity":1,"unitPrice":2000}]}""".formatted(MEMBER));

        JsonNode first = json(returnOf("o-1", "{\"returnId\":\"r-1\",\"lines\":[{\"sku\":\"mug\",\"quantity\":2}]}"));
        JsonNode second = json(returnOf("o-1", "{\"returnId\":\"r-2\",\"lines\":[{\"sku\":\"mug\",\"quantity\":1}]}"));
        APIGatewayV2HTTPResponse tooMany = returnOf("o-1", "{\"returnId\":\"r-3\",\"lines\":[{\"sku\":\"mug\",\"quantity\":1}]}");

        assertThat(first.at("/returned/amount").asLong()).isEqualTo(2000);
        assertThat(second.at("/returned/amount").asLong()).isEqualTo(2000);
        assertThat(second.get("orderPointsReversed").asLong()).isEqualTo(40);
        assertProblem(tooMany, 409, "conflict");
        assertProblem(returnOf("o-1", "{\"returnId\":\"r-4\",\"lines\":[{\"sku\":\"cup\",\"quantity\":1}]}"), 400, "validation-failed");
    }

    @Test
    void return_answersTheOriginal_whenReturnIdRepeated_and409_whenItsContentDiffers() {
        purchase(byMember("o-1", 1000));
        APIGatewayV2HTTPResponse first = returnOf("o-1", "{\"returnId\":\"r-1\",\"amount\":500}");
        APIGatewayV2HTTPResponse again = returnOf("o-1", "{\"returnId\":\"r-1\",\"amount\":500}");
        APIGatewayV2HTTPResponse other = returnOf("o-1", "{\"returnId\":\"r-1\",\"amount\":300}");

        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(json(again)).isEqualTo(json(first));
        assertProblem(other, 409, "conflict");
        assertThat(fixtures.memberItems(MEMBER, "ENTRY#")).hasSize(2);
    }

    @Test
    void return_is404_forAnotherMerchantsOrder() {
        purchase(byMember("o-1", 1000));

        assertProblem(handler.handleRequest(post(RETURNS, Map.of("orderId", "o-1"), Caller.merchant("mch_b", PROGRAM), key(),
                "{\"returnId\":\"r-1\",\"amount\":100}"), null), 404, "not-found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"returnId\":\"r-1\"}", "{\"returnId\":\"r-1\",\"amount\":0}",
            "{\"returnId\":\"r-1\",\"amount\":-100}", "{\"returnId\":\"r 1\",\"amount\":100}",
            "{\"returnId\":\"r-1\",\"amount\":100,\"lines\":[{\"sku\":\"a\",\"quantity\":1}]}",
            "{\"returnId\":\"r-1\",\"amount\":100,\"reason\":\"damaged\"}"})
    void return_is400AndWritesNothing_forInvalidInput(String body) {
        purchase(byMember("o-1", 1000));

        assertProblem(returnOf("o-1", body), 400, "validation-failed");
        assertThat(fixtures.withSortKeyPrefix("RETURN#")).isEmpty();
    }

    @Test
    void return_takesSpentPointsFromOtherLotsSoonestExpiringFirst_andReportsWhatCannotBeRecovered() {
        purchase(byMember("o-old", 500));         // 5 points, available after 14 days
        clock.advance(Duration.ofDays(15));
        purchase(byMember("o-1", 1000));           // 10 points, pending
        clock.advance(Duration.ofDays(15));        // both available now
        spend(12, "o-spend");                      // 5 from o-old (expires first), 7 from o-1

        JsonNode body = json(returnOf("o-1", "{\"returnId\":\"r-1\",\"amount\":1000}"));

        assertThat(body.get("pointsReversed").asLong()).isEqualTo(10);
        assertThat(body.at("/reversal/fromOrderLots").asLong()).isEqualTo(3);
        assertThat(body.at("/reversal/fromOtherLots").asLong()).isZero();
        assertThat(body.at("/reversal/unrecovered").asLong()).isEqualTo(7);
        assertThat(body.at("/balance/available").asLong()).isZero();
        assertThat(fixtures.outboxEvents()).filteredOn(e -> e.detailType().equals("PointsReversed"))
                .singleElement().satisfies(e -> assertThat(e.data()).containsEntry("unrecovered", 7));
        assertThat(fixtures.outboxEvents()).filteredOn(e -> e.detailType().equals("PurchaseReturned"))
                .singleElement().satisfies(e -> assertThat(e.data()).containsEntry("amount", 1000).containsEntry("pointsReversed", 3)
                        .containsEntry("pointsRestored", 0).containsEntry("orderId", "o-1").containsEntry("returnId", "r-1"));
    }

    /** Stands in for a redemption (a later issue): spends points through the ledger domain and writes the change. */
    private void spend(long points, String orderId) {
        Spends.spend(context, MEMBER, PROGRAM, MERCHANT, points, orderId, "ent_spend");
    }

    private static String byMember(String orderId, long amount) {
        return "{\"memberId\":\"" + MEMBER + "\",\"orderId\":\"" + orderId + "\",\"total\":{\"amount\":" + amount
                + ",\"currency\":\"EUR\"}}";
    }

    private APIGatewayV2HTTPResponse purchase(String body) {
        return handler.handleRequest(post(PURCHASES, merchant, key(), body), null);
    }

    private APIGatewayV2HTTPResponse returnOf(String orderId, String body) {
        return handler.handleRequest(post(RETURNS, Map.of("orderId", orderId), merchant, key(), body), null);
    }

    private String key() {
        return "test-key-" + String.format("%05d", ++keys);
    }
}
