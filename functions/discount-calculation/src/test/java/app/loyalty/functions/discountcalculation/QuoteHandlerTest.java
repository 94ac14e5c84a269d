package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.domain.discount.PromoCode;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.PromoCodeRepository;
import app.loyalty.shared.store.RewardPoolBudgets;
import app.loyalty.shared.testing.CallCounter;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/** POST /v1/discounts/quote: one test per outcome, each exchange checked against openapi.yaml. */
class QuoteHandlerTest {
    static final String QUOTE = "POST /v1/discounts/quote";
    static final String PROGRAM = "prg_quote";
    static final String MEMBER = "mbr_quote";
    static final String CARD = "8000123456789018";
    /** A fixed 10 % card, 2 points pay 1 cent, half of a bill payable with points; a sure 50-point blind reward. */
    static final String RULES = """
            {"discount":{"scheme":"FIXED","fixedBp":1000,"maxPointsPaymentBp":5000,"pointValue":{"points":2,"minorUnits":1}},
             "rewardPools":[{"id":"lucky","chanceBp":10000,"budgetUnit":"POINTS","budget":120,
                             "rewards":[{"kind":"POINTS","weight":1,"points":50}]}]}""";
    static final String BASKET = """
            "lines":[{"sku":"coffee","category":"drinks","quantity":2,"unitPrice":350},
                     {"sku":"cake","category":"food","quantity":1,"unitPrice":499}]""";

    private final MutableClock clock = MutableClock.at("2026-03-10T09:30:00Z");
    private final Caller merchant = Caller.merchant("mch_quote", PROGRAM);
    private final CallCounter counter = new CallCounter();
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private Fixtures fixtures;
    private Card card;

    @BeforeEach
    void setUp() throws Exception {
        context = TestContexts.appContext(counter.client(), clock);
        handler = ContractChecked.handler(new DiscountCalculationHandler(context));
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", Json.MAPPER.readValue(RULES, ProgramRules.class));
        card = fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, CARD);
        fixtures.grant(MEMBER, PROGRAM, "mch_quote", 1000, null);
    }

    private APIGatewayV2HTTPResponse quote(String body) {
        return handler.handleRequest(post(QUOTE, merchant, null, body), null);
    }

    @Test
    void byCard_fixedCardDiscount_perLineAndInTotal_pointsAndCredits() {
        APIGatewayV2HTTPResponse response = quote("""
                {"cardNumber":"%s","orderId":"o-1",%s,"pointsToSpend":400}""".formatted(CARD, BASKET));

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode quote = json(response);
        assertThat(quote.get("memberId").asText()).isEqualTo(MEMBER);
        assertThat(quote.get("lines").findValuesAsText("discount")).containsExactly("69", "50");
        assertThat(quote.get("totalDiscount").asLong()).isEqualTo(119);
        assertThat(quote.get("amountDue").asLong()).isEqualTo(1080);
        assertThat(quote.at("/points/applied").asLong()).isEqualTo(400);
        assertThat(quote.at("/points/appliedValue").asLong()).isEqualTo(200);
        assertThat(quote.get("amountToPay").asLong()).isEqualTo(880);
        assertThat(quote.get("pointsEarned").asLong()).as("the 2.00 paid with points earns nothing").isEqualTo(8);
        assertThat(quote.at("/blindRewards/0/points").asLong()).isEqualTo(50);
        assertThat(quote.get("pointsCredited").asLong()).isEqualTo(58);
        assertThat(quote.get("applied").findValuesAsText("kind")).containsExactly("CARD", "BLIND_REWARD", "POINTS");
    }

    @Test
    void isAPureRead_byCard_theCardLookupAndOneBatchGet_byMember_oneBatchGet() {
        quote("""
                {"memberId":"%s","orderId":"o-warm",%s}""".formatted(MEMBER, BASKET)); // the container's first read of the program
        counter.reset();

        quote("""
                {"cardNumber":"%s","orderId":"o-2",%s,"promoCode":"SPRING10"}""".formatted(CARD, BASKET));
        List<String> byCard = List.copyOf(counter.calls());
        counter.reset();
        quote("""
                {"memberId":"%s","orderId":"o-2",%s,"promoCode":"SPRING10"}""".formatted(MEMBER, BASKET));

        assertThat(byCard).containsExactly("GetItem", "BatchGetItem");
        assertThat(counter.calls()).containsExactly("BatchGetItem");
    }

    /** The real-shaped event (events/api/quote-discount.json) on its own table: its program, merchant and card. */
    @ParameterizedTest
    @Event(value = "api/quote-discount.json", type = APIGatewayV2HTTPEvent.class)
    void quote_forRealShapedEvent(APIGatewayV2HTTPEvent event) throws Exception {
        AppContext own = TestContexts.appContext(clock);
        Fixtures ownFixtures = new Fixtures(own);
        ownFixtures.program("prg_0123456789abcdefghjk", "EUR", Json.MAPPER.readValue(RULES, ProgramRules.class));
        ownFixtures.member("mbr_event", "prg_0123456789abcdefghjk", MemberKind.CUSTOMER, CARD);

        APIGatewayV2HTTPResponse response = ContractChecked.handler(new DiscountCalculationHandler(own)).handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode quote = json(response);
        assertThat(quote.get("totalDiscount").asLong()).as("10 %% of the lines (12550), shipping not discountable").isEqualTo(1255);
        assertThat(quote.get("amountDue").asLong()).isEqualTo(12550 + 495 - 1255);
        assertThat(quote.get("notApplied").findValuesAsText("reason")).contains("UNKNOWN", "POINTS_LIMITED");
    }

    @Test
    void unknownPromoCode_isStill200_listedAsNotApplied() {
        JsonNode quote = json(quote("""
                {"memberId":"%s","orderId":"o-3",%s,"promoCode":"nosuchcode"}""".formatted(MEMBER, BASKET)));

        assertThat(quote.get("notApplied").findValuesAsText("reason")).contains("UNKNOWN");
        assertThat(quote.get("totalDiscount").asLong()).isEqualTo(119);
    }

    @Test
    void promoCode_appliesWithinItsLimit_andIsRefusedWhenUsedUp() {
        createCode(new PromoCode("FIVEOFF", null, 500L, null, null, 3L, null, null, null, null, null), true);
        JsonNode within = json(quote("""
                {"memberId":"%s","orderId":"o-4",%s,"promoCode":"fiveoff"}""".formatted(MEMBER, BASKET)));
        useCode("FIVEOFF", 3);
        JsonNode usedUp = json(quote("""
                {"memberId":"%s","orderId":"o-4",%s,"promoCode":"FIVEOFF"}""".formatted(MEMBER, BASKET)));

        assertThat(within.get("applied").findValuesAsText("kind")).contains("PROMO_CODE");
        assertThat(within.get("totalDiscount").asLong()).isEqualTo(119 + 500);
        assertThat(usedUp.get("notApplied").findValuesAsText("reason")).contains("EXHAUSTED");
        assertThat(usedUp.get("totalDiscount").asLong()).isEqualTo(119);
    }

    /** A basket without lines is quoted as the purchase without lines prices it: its goods as one line. */
    @Test
    void basketWithoutLines_sentAsAmount_getsThePromoCodeOnItsGoods_asOneLine() {
        createCode(new PromoCode("FIVEOFF", null, 500L, null, null, 3L, null, null, null, null, null), true);

        JsonNode quote = json(quote("""
                {"memberId":"%s","orderId":"o-11","amount":3495,"adjustments":[{"kind":"shipping","amount":495}],
                 "promoCode":"fiveoff"}""".formatted(MEMBER)));

        assertThat(quote.at("/lines/0/sku").asText()).isEqualTo("#whole-purchase");
        assertThat(quote.at("/lines/0/amount").asLong()).as("the goods: 34.95 less 4.95 shipping").isEqualTo(3000);
        assertThat(quote.get("applied").findValuesAsText("kind")).contains("CARD", "PROMO_CODE");
        assertThat(quote.get("totalDiscount").asLong()).as("10 % card, then 5.00 off").isEqualTo(300 + 500);
        assertThat(quote.get("amountDue").asLong()).isEqualTo(3495 - 800);
    }

    @Test
    void basketWithoutLines_categoryRestrictedCode_isNotApplied_asNoEligibleLines() {
        createCode(new PromoCode("COFFEE20", 2000, null, null, null, null, null, null, null, null,
                java.util.Set.of("coffee")), true);

        JsonNode quote = json(quote("""
                {"memberId":"%s","orderId":"o-12","amount":3000,"promoCode":"COFFEE20"}""".formatted(MEMBER)));

        assertThat(quote.get("notApplied").findValuesAsText("reason")).contains("NO_ELIGIBLE_LINES");
        assertThat(quote.get("totalDiscount").asLong()).as("the card alone").isEqualTo(300);
    }

    @Test
    void switchedOffPromoCode_isUnknown() {
        createCode(new PromoCode("OFF", 1000, null, null, null, null, null, null, null, null, null), false);

        JsonNode quote = json(quote("""
                {"memberId":"%s","orderId":"o-5",%s,"promoCode":"OFF"}""".formatted(MEMBER, BASKET)));

        assertThat(quote.get("notApplied").findValuesAsText("reason")).contains("UNKNOWN");
    }

    @Test
    void blindReward_isCutToWhatIsLeftOfThePoolsBudget() {
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                RewardPoolBudgets.spend(context.tableName(), PROGRAM, "lucky", 100, 120)).build());

        JsonNode quote = json(quote("""
                {"memberId":"%s","orderId":"o-6",%s}""".formatted(MEMBER, BASKET)));

        assertThat(quote.at("/blindRewards/0/points").asLong()).isEqualTo(20);
    }

    @Test
    void pointsToSpend_isLimitedByTheMembersOtherLiveHolds_butNotByThisOrdersOwnHold() {
        hold("o-elsewhere", 900);
        JsonNode limited = json(quote("""
                {"memberId":"%s","orderId":"o-7",%s,"pointsToSpend":400}""".formatted(MEMBER, BASKET)));
        JsonNode ownHold = json(quote("""
                {"memberId":"%s","orderId":"o-elsewhere",%s,"pointsToSpend":400}""".formatted(MEMBER, BASKET)));

        assertThat(limited.at("/points/applied").asLong()).isEqualTo(100);
        assertThat(limited.get("notApplied").findValuesAsText("reason")).contains("POINTS_LIMITED");
        assertThat(ownHold.at("/points/applied").asLong()).isEqualTo(400);
    }

    @Test
    void unknownMember_andUnknownCard_are404() {
        assertProblem(quote("""
                {"memberId":"mbr_nobody","orderId":"o-8",%s}""".formatted(BASKET)), 404, "not-found");
        assertProblem(quote("""
                {"cardNumber":"8000000000000003","orderId":"o-8",%s}""".formatted(BASKET)), 404, "not-found");
    }

    @Test
    void blockedCard_is409() {
        fixtures.blockCard(card);

        assertProblem(quote("""
                {"cardNumber":"%s","orderId":"o-9",%s}""".formatted(CARD, BASKET)), 409, "card-blocked");
    }

    @Test
    void anotherCurrency_emptyLines_neitherOrBothOfLinesAndAmount_orNegativeGoods_is400() {
        assertProblem(quote("""
                {"memberId":"%s","orderId":"o-10","currency":"USD",%s}""".formatted(MEMBER, BASKET)), 400, "validation-failed");
        assertProblem(quote("""
                {"memberId":"%s","orderId":"o-10","lines":[]}""".formatted(MEMBER)), 400, "validation-failed");
        assertProblem(quote("""
                {"memberId":"%s","orderId":"o-10"}""".formatted(MEMBER)), 400, "validation-failed");
        assertProblem(quote("""
                {"memberId":"%s","orderId":"o-10",%s,"amount":1199}""".formatted(MEMBER, BASKET)), 400, "validation-failed");
        assertProblem(quote("""
                {"memberId":"%s","orderId":"o-10","amount":0}""".formatted(MEMBER)), 400, "validation-failed");
        assertProblem(quote("""
                {"memberId":"%s","orderId":"o-10","amount":400,"adjustments":[{"kind":"shipping","amount":495}]}"""
                .formatted(MEMBER)), 400, "validation-failed");
        assertProblem(quote("""
                {"memberId":"%s","orderId":"o-10",%s,"adjustments":[{"kind":"coupon","amount":-2000}]}"""
                .formatted(MEMBER, BASKET)), 400, "validation-failed");
    }

    private void createCode(PromoCode code, boolean active) {
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new PromoCodeRepository(context.dynamo(), context.tableName()).create(PROGRAM, code, active, clock.instant()))
                .build());
    }

    private void useCode(String code, int times) {
        var stored = new PromoCodeRepository(context.dynamo(), context.tableName()).find(PROGRAM, code).orElseThrow();
        for (int i = 0; i < times; i++) {
            context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                    PromoCodeRepository.use(context.tableName(), PROGRAM, stored.code(), "mbr_other-" + i)).build());
        }
    }

    private void hold(String orderId, long points) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/redemptions", merchant,
                "hold-" + orderId, """
                        {"memberId":"%s","orderId":"%s","points":%d}""".formatted(MEMBER, orderId, points)), null);
        assertThat(response.getStatusCode()).isEqualTo(201);
    }
}
