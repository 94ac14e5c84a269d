package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.discount.PromoCode;
import app.loyalty.shared.domain.discount.Quote;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.CheckoutReader;
import app.loyalty.shared.store.OrderRepository;
import app.loyalty.shared.store.PromoCodeRepository;
import app.loyalty.shared.store.RewardPoolBudgets;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.EventSchemas;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each discount scheme end to end: the quote of an order (the shared call POST /v1/discounts/quote makes), then the
 * purchase of that order through the handler (every exchange held to openapi.yaml), which applies exactly the quote
 * and counts the limits in its transaction.
 */
class CheckoutSchemesTest {
    static final String PROGRAM = "prg_00000000000000000001";
    static final String MEMBER = "mbr_000000000000000000a1";
    static final String OTHER = "mbr_000000000000000000a2";
    static final String MERCHANT_ID = "mch_00000000000000000001";
    static final Caller MERCHANT = Caller.merchant(MERCHANT_ID, PROGRAM);
    /** coffee 2 x 3.50 and cake 4.99 (docs/discounts.md, the fixed card example). */
    static final List<BasketLine> BASKET = List.of(new BasketLine("coffee", "drinks", 2, 350),
            new BasketLine("cake", "food", 1, 499));

    private final MutableClock clock = MutableClock.at("2026-03-10T09:30:00Z");
    private AppContext context;
    private Fixtures fixtures;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private int keys;

    /** Every event a test made matches its schema in docs/events/ (TierChanged has none yet: not this work's event). */
    @AfterEach
    void everyEventMatchesItsSchema() {
        if (fixtures != null) {
            assertThat(EventSchemas.violations(fixtures.outboxEvents().stream()
                    .filter(e -> !e.detailType().equals("TierChanged")).toList())).isEmpty();
        }
    }

    private void program(String rulesJson) {
        context = TestContexts.appContext(clock);
        fixtures = new Fixtures(context);
        try {
            fixtures.program(PROGRAM, "EUR", Json.MAPPER.readValue(rulesJson, ProgramRules.class));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
    }

    private Quote quote(String memberId, String orderId, List<BasketLine> basket, String code, Long points) {
        return fixtures.quote(PROGRAM, memberId, MERCHANT_ID, orderId, basket, code, points);
    }

    private APIGatewayV2HTTPResponse purchase(String memberId, String orderId, List<BasketLine> basket, String extra) {
        long total = basket.stream().mapToLong(BasketLine::lineTotal).sum();
        String lines = basket.stream().map(l -> """
                {"sku":"%s","category":"%s","quantity":%d,"unitPrice":%d}""".formatted(l.sku(), l.category(),
                l.quantity(), l.unitPriceMinor())).collect(Collectors.joining(","));
        return handler.handleRequest(post("POST /v1/purchases", MERCHANT, "schemes-" + ++keys, """
                {"memberId":"%s","orderId":"%s","total":{"amount":%d,"currency":"EUR"},"lines":[%s]%s}"""
                .formatted(memberId, orderId, total, lines, extra)), null);
    }

    /** The purchase applied exactly the quote: discount, amount to pay and every credited point. */
    private static void assertAppliesTheQuote(JsonNode purchase, Quote quote) {
        assertThat(purchase.at("/checkout/discount").asLong()).isEqualTo(quote.totalDiscount());
        assertThat(purchase.at("/checkout/amountDue").asLong()).isEqualTo(quote.amountDue());
        assertThat(purchase.at("/checkout/amountToPay").asLong()).isEqualTo(quote.amountToPay());
        assertThat(purchase.at("/checkout/pointsSpent").asLong()).isEqualTo(quote.points().applied());
        assertThat(purchase.get("pointsEarned").asLong()).isEqualTo(quote.pointsCredited());
    }

    private List<DomainEvent> events(String type) {
        return fixtures.outboxEvents().stream().filter(e -> e.detailType().equals(type)).toList();
    }

    @Test
    void fixedCard_discountsEachLine_andThePurchaseChargesWhatTheQuoteSaid() {
        program("""
                {"discount":{"scheme":"FIXED","fixedBp":1000}}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        Quote quote = quote(MEMBER, "o-1", BASKET, null, null);

        JsonNode purchase = json(purchase(MEMBER, "o-1", BASKET, ""));

        assertAppliesTheQuote(purchase, quote);
        assertThat(purchase.at("/checkout/discount").asLong()).isEqualTo(119);
        assertThat(purchase.at("/checkout/lines").findValuesAsText("discount")).containsExactly("69", "50");
        assertThat(purchase.get("pointsEarned").asLong()).as("10.80 paid earns 10").isEqualTo(10);
        assertThat(events("PurchaseRecorded").getFirst().data()).containsEntry("discount", 119).containsEntry("amountDue", 1080);
    }

    @Test
    void cumulativeCard_climbsALevelWithSpend_andTheNextPurchaseGetsIt() {
        program("""
                {"discount":{"scheme":"CUMULATIVE","steps":[{"minSpend":0,"discountBp":0},{"minSpend":10000,"discountBp":500}],"windowDays":30}}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        List<BasketLine> big = List.of(new BasketLine("tv", "electronics", 1, 15_000));
        JsonNode first = json(purchase(MEMBER, "o-1", big, ""));
        Quote quote = quote(MEMBER, "o-2", List.of(new BasketLine("cable", "electronics", 1, 10_000)), null, null);

        JsonNode second = json(purchase(MEMBER, "o-2", List.of(new BasketLine("cable", "electronics", 1, 10_000)), ""));

        assertThat(first.at("/checkout/discount").asLong()).as("no level before the spend").isZero();
        assertAppliesTheQuote(second, quote);
        assertThat(second.at("/checkout/discount").asLong()).isEqualTo(500);
    }

    @Test
    void pointsAsPayment_throughAHold_spendWhatTheQuoteApplied() {
        program("""
                {"discount":{"scheme":"NONE","maxPointsPaymentBp":5000,"pointValue":{"points":2,"minorUnits":1}}}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        fixtures.grant(MEMBER, PROGRAM, MERCHANT_ID, 1000);
        String hold = fixtures.hold(MEMBER, PROGRAM, MERCHANT_ID, "o-1", 800);
        Quote quote = quote(MEMBER, "o-1", BASKET, null, 800L);

        JsonNode purchase = json(purchase(MEMBER, "o-1", BASKET, """
                ,"paidWithPoints":%d,"redemptionId":"%s\"""".formatted(quote.points().appliedValue(), hold)));

        assertThat(quote.points().applied()).as("the order's own hold does not limit its quote").isEqualTo(800);
        assertAppliesTheQuote(purchase, quote);
        assertThat(purchase.at("/pointsPayment/points").asLong()).isEqualTo(800);
        assertThat(purchase.at("/pointsPayment/redemptionId").asText()).isEqualTo(hold);
        assertThat(purchase.at("/checkout/amountToPay").asLong()).isEqualTo(1199 - 400);
    }

    @Test
    void paidWithPoints_thatTheEngineWouldNotApply_is422_andWritesNothing() {
        program("""
                {"discount":{"scheme":"NONE","maxPointsPaymentBp":5000,"pointValue":{"points":1,"minorUnits":3}}}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        fixtures.grant(MEMBER, PROGRAM, MERCHANT_ID, 1000);

        APIGatewayV2HTTPResponse refused = purchase(MEMBER, "o-1", BASKET, ",\"paidWithPoints\":10");

        assertProblem(refused, 422, "points-payment-not-covered");
        assertThat(json(refused).get("reason").asText()).isEqualTo("quote");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
    }

    @Test
    void cashback_isCreditedWithTheEarnedPoints_inOneLot() {
        program("""
                {"cashback":{"bp":500}}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        Quote quote = quote(MEMBER, "o-1", BASKET, null, null);

        JsonNode purchase = json(purchase(MEMBER, "o-1", BASKET, ""));

        assertAppliesTheQuote(purchase, quote);
        assertThat(purchase.at("/checkout/credits/cashback").asLong()).as("5 %% of 11.99 = 59 cents").isEqualTo(59);
        assertThat(purchase.get("pointsEarned").asLong()).isEqualTo(11 + 59);
        assertThat(fixtures.memberItems(MEMBER, "LOT#")).hasSize(1);
    }

    @Test
    void multiplierPromotion_addsItsBonus_andPublishesPromotionApplied() {
        program("""
                {"promotions":[{"id":"double-drinks","kind":"MULTIPLIER","multiplierBp":20000,"categories":["drinks"]}]}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        Quote quote = quote(MEMBER, "o-1", BASKET, null, null);

        JsonNode purchase = json(purchase(MEMBER, "o-1", BASKET, ""));

        assertAppliesTheQuote(purchase, quote);
        assertThat(purchase.at("/checkout/credits/bonus").asLong()).isEqualTo(7);
        assertThat(events("PromotionApplied")).singleElement().satisfies(e -> assertThat(e.data())
                .containsEntry("kind", "MULTIPLIER").containsEntry("promotionId", "double-drinks").containsEntry("points", 7));
    }

    @Test
    void promoCode_appliesWithinItsLimit_andPastItIsRefused_writingNothing() {
        program("{}");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        fixtures.memberBorn(OTHER, PROGRAM, MemberKind.CUSTOMER, null);
        fixtures.promoCode(PROGRAM, new PromoCode("FIVEOFF", null, 500L, null, null, 1L, null, null, null, null, null));
        Quote quote = quote(MEMBER, "o-1", BASKET, "fiveoff", null);
        Quote othersQuote = quote(OTHER, "o-2", BASKET, "FIVEOFF", null);

        JsonNode used = json(purchase(MEMBER, "o-1", BASKET, ",\"promoCode\":\"fiveoff\""));
        APIGatewayV2HTTPResponse pastTheLimit = purchase(OTHER, "o-2", BASKET, ",\"promoCode\":\"FIVEOFF\"");

        assertAppliesTheQuote(used, quote);
        assertThat(used.at("/checkout/discount").asLong()).isEqualTo(500);
        assertThat(othersQuote.totalDiscount()).as("quoted before the last use was taken").isEqualTo(500);
        assertProblem(pastTheLimit, 422, "promo-code-refused");
        assertThat(json(pastTheLimit).get("reason").asText()).isEqualTo("EXHAUSTED");
        assertThat(new PromoCodeRepository(context.dynamo(), context.tableName()).find(PROGRAM, "FIVEOFF")
                .orElseThrow().uses()).isEqualTo(1);
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(1);
        assertThat(events("PromotionApplied")).singleElement().satisfies(e -> assertThat(e.data())
                .containsEntry("kind", "PROMO_CODE").containsEntry("promotionId", "FIVEOFF").containsEntry("amount", 500));
    }

    @Test
    void staffDiscount_isKeptWithinTheMonthlyCap_acrossPurchases() {
        program("""
                {"staff":{"bp":2000,"monthlyCap":1000}}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.STAFF, null);
        List<BasketLine> shirt = List.of(new BasketLine("shirt", "apparel", 1, 4000));
        Quote firstQuote = quote(MEMBER, "o-1", shirt, null, null);
        JsonNode first = json(purchase(MEMBER, "o-1", shirt, ""));
        Quote secondQuote = quote(MEMBER, "o-2", shirt, null, null);
        JsonNode second = json(purchase(MEMBER, "o-2", shirt, ""));
        JsonNode third = json(purchase(MEMBER, "o-3", shirt, ""));

        assertAppliesTheQuote(first, firstQuote);
        assertAppliesTheQuote(second, secondQuote);
        assertThat(first.at("/checkout/discount").asLong()).isEqualTo(800);
        assertThat(second.at("/checkout/discount").asLong()).as("cut to the 2.00 left of the cap").isEqualTo(200);
        assertThat(third.at("/checkout/discount").asLong()).isZero();
        assertThat(third.at("/checkout/notApplied").findValuesAsText("reason")).contains("STAFF_CAP_REACHED");
        assertThat(Attr.number(fixtures.profile(MEMBER), CheckoutReader.STAFF_DISCOUNT_USED)).isEqualTo(1000);
    }

    @Test
    void staffDiscount_startsAfreshInANewMonth() {
        program("""
                {"staff":{"bp":2000,"monthlyCap":1000}}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.STAFF, null);
        List<BasketLine> coat = List.of(new BasketLine("coat", "apparel", 1, 10_000));
        JsonNode march = json(purchase(MEMBER, "o-1", coat, ""));
        clock.advance(java.time.Duration.ofDays(25)); // 2026-04-04
        Quote aprilQuote = quote(MEMBER, "o-2", coat, null, null);
        JsonNode april = json(purchase(MEMBER, "o-2", coat, ""));

        assertThat(march.at("/checkout/discount").asLong()).as("cut to the cap").isEqualTo(1000);
        assertAppliesTheQuote(april, aprilQuote);
        assertThat(april.at("/checkout/discount").asLong()).isEqualTo(1000);
        assertThat(fixtures.profile(MEMBER).get(CheckoutReader.STAFF_DISCOUNT_MONTH).s()).isEqualTo("2026-04");
    }

    @Test
    void blindReward_spendsItsPoolsBudget_andNeverPassesIt() {
        program("""
                {"rewardPools":[{"id":"lucky","chanceBp":10000,"budgetUnit":"POINTS","budget":120,
                                 "rewards":[{"kind":"POINTS","weight":1,"points":50}]}]}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        long[] blind = new long[4];
        for (int i = 0; i < 4; i++) {
            Quote quote = quote(MEMBER, "o-" + i, BASKET, null, null);
            JsonNode purchase = json(purchase(MEMBER, "o-" + i, BASKET, ""));
            assertAppliesTheQuote(purchase, quote);
            blind[i] = purchase.at("/checkout/credits/blind").asLong();
        }

        assertThat(blind).containsExactly(50, 50, 20, 0);
        var pool = context.dynamo().getItem(GetItemRequest.builder().tableName(context.tableName())
                .key(RewardPoolBudgets.key(PROGRAM, "lucky")).build()).item();
        assertThat(RewardPoolBudgets.spent(pool)).isEqualTo(120);
    }

    @Test
    void birthdayBonus_isCreditedOncePerBirthday() {
        program("""
                {"promotions":[{"id":"bday","kind":"BIRTHDAY","daysAround":3,"bonusPoints":500}]}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, LocalDate.parse("1990-03-12"));

        JsonNode first = json(purchase(MEMBER, "o-1", BASKET, ""));
        Quote secondQuote = quote(MEMBER, "o-2", BASKET, null, null);
        JsonNode second = json(purchase(MEMBER, "o-2", BASKET, ""));

        assertThat(first.at("/checkout/credits/birthday").asLong()).isEqualTo(500);
        assertAppliesTheQuote(second, secondQuote);
        assertThat(second.at("/checkout/credits/birthday").asLong()).isZero();
        assertThat(second.at("/checkout/notApplied").findValuesAsText("reason")).contains("ALREADY_GRANTED");
    }

    @Test
    void returnOfADiscountedOrder_refundsTheLinesNet_andNoMoreThanWasPaid() {
        program("""
                {"discount":{"scheme":"FIXED","fixedBp":1000}}""");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        purchase(MEMBER, "o-1", List.of(new BasketLine("a", "c", 2, 1000)), "");

        JsonNode byLine = json(handler.handleRequest(post("POST /v1/purchases/{orderId}/returns", Map.of("orderId", "o-1"),
                MERCHANT, "schemes-return-1", "{\"returnId\":\"r-1\",\"lines\":[{\"sku\":\"a\",\"quantity\":1}]}"), null));
        APIGatewayV2HTTPResponse tooMuch = handler.handleRequest(post("POST /v1/purchases/{orderId}/returns",
                Map.of("orderId", "o-1"), MERCHANT, "schemes-return-2", "{\"returnId\":\"r-2\",\"amount\":901}"), null);

        assertThat(byLine.at("/returned/amount").asLong()).as("9.00: the unit's 10.00 less its 1.00 discount").isEqualTo(900);
        assertThat(byLine.at("/returnable/amount").asLong()).isEqualTo(900);
        assertThat(byLine.get("pointsReversed").asLong()).as("half of the 18 points").isEqualTo(9);
        assertProblem(tooMuch, 409, "conflict");
        var order = OrderRepository.fromItem(context.dynamo().getItem(GetItemRequest.builder().tableName(context.tableName())
                .key(OrderRepository.orderKey(MERCHANT_ID, "o-1")).build()).item());
        assertThat(order.paidAmount()).isEqualTo(1800);
    }

    @Test
    void programWithoutDiscountRules_chargesTheBasket_andEarnsAsBefore() {
        program("{}");
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);

        JsonNode purchase = json(purchase(MEMBER, "o-1", BASKET, ""));

        assertThat(purchase.at("/checkout/discount").asLong()).isZero();
        assertThat(purchase.at("/checkout/amountToPay").asLong()).isEqualTo(1199);
        assertThat(purchase.get("pointsEarned").asLong()).isEqualTo(11);
        assertThat(events("PromotionApplied")).isEmpty();
    }
}
