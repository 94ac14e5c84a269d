package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Baskets as checkouts send them (issue 8): order-level adjustments (coupon, shipping, tax, fee), the earn rules'
 * {@code adjustmentKinds}, free-form metadata, and returns of such orders. Every exchange is held to openapi.yaml.
 */
class BasketAdjustmentsTest {
    static final String PROGRAM = "prg_0123456789abcdefghjk";
    static final String MERCHANT = "mch_0123456789abcdefghjk";
    static final String MEMBER = "mbr_0123456789abcdefghjk";
    static final String PURCHASES = "POST /v1/purchases";
    static final String RETURNS = "POST /v1/purchases/{orderId}/returns";
    /** 1 point per 1.00, gift cards excluded, apparel x2, no pending days; default adjustment kinds (coupon counts). */
    static final ProgramRules RULES = new ProgramRules(
            new ProgramRules.Earn(1, 100, Set.of("gift-cards"), Set.of(), Map.of("apparel", 20_000), 0, null, null),
            null, 0, null, null, null);

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private final Caller merchant = Caller.merchant(MERCHANT, PROGRAM);
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private Fixtures fixtures;
    private int keys;
    private ProgramRules rules = RULES;
    private boolean programMade;

    @BeforeEach
    void setUp() {
        AppContext context = TestContexts.appContext(clock);
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
        fixtures = new Fixtures(context);
    }

    /** The program under these earn rules and its member, made on the first purchase (a program is written once). */
    private void useEarnRules(ProgramRules.Earn earn) {
        rules = new ProgramRules(earn, null, 0, null, null, null);
    }

    private void ensureProgram() {
        if (!programMade) {
            fixtures.program(PROGRAM, "EUR", rules);
            fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
            programMade = true;
        }
    }

    @Test
    void coupon_isSpreadOverTheLinesInProportion_soExclusionsAndMultipliersStillApplyPerLine() {
        // food 60.00 and apparel 30.00 (x2) and a gift card 10.00 (excluded), coupon -10.00 over 100.00 of lines:
        // shares 6.00 / 3.00 / 1.00 -> food 54.00 + apparel 27.00 x2 = 108.00 -> 108 points (without it: 120).
        JsonNode body = json(created(purchase("o-1", 9000, LINES_100, "[{\"kind\":\"coupon\",\"amount\":-1000,\"label\":\"WELCOME10\"}]", null)));

        assertThat(body.get("pointsEarned").asLong()).isEqualTo(108);
        assertThat(body.at("/breakdown/eligibleAmount").asLong()).isEqualTo(8100);
        assertThat(body.at("/breakdown/excludedAmount").asLong()).isEqualTo(900);
        assertThat(body.at("/breakdown/countedAdjustments").asLong()).isEqualTo(-1000);
        assertThat(body.at("/breakdown/uncountedAdjustments").asLong()).isZero();
        assertThat(body.get("adjustments").toString())
                .isEqualTo("[{\"kind\":\"coupon\",\"amount\":-1000,\"label\":\"WELCOME10\"}]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shipping", "tax", "fee"})
    void charges_addToTheTotal_butEarnNothing_underTheDefaultKinds(String kind) {
        JsonNode body = json(created(purchase("o-1", 10_495, LINES_100, "[{\"kind\":\"" + kind + "\",\"amount\":495}]", null)));

        assertThat(body.get("pointsEarned").asLong()).as("food 60 + apparel 30 x2, as without the charge").isEqualTo(120);
        assertThat(body.at("/total/amount").asLong()).isEqualTo(10_495);
        assertThat(body.at("/breakdown/countedAdjustments").asLong()).isZero();
        assertThat(body.at("/breakdown/uncountedAdjustments").asLong()).isEqualTo(495);
        assertThat(body.at("/adjustments/0/kind").asText()).isEqualTo(kind);
        assertThat(body.at("/adjustments/0").has("label")).isFalse();
    }

    @Test
    void countedShipping_earnsLikeAnUncategorisedLine_andTheCouponIsSpreadOverItToo() {
        useEarnRules(RULES.earn().withAdjustmentKinds(List.of("shipping", "coupon")));
        // lines 100.00 + shipping 10.00, coupon -11.00: shares 6.00 food, 3.00 apparel, 1.00 gift, 1.00 shipping.
        // food 54 + apparel 27 x2 + shipping 9 = 117 points.
        JsonNode body = json(created(purchase("o-1", 9900, LINES_100,
                "[{\"kind\":\"shipping\",\"amount\":1000},{\"kind\":\"coupon\",\"amount\":-1100}]", null)));

        assertThat(body.get("pointsEarned").asLong()).isEqualTo(117);
        assertThat(body.at("/breakdown/countedAdjustments").asLong()).isEqualTo(-100);
    }

    @Test
    void couponNotCounted_leavesTheLinesEarningInFull() {
        useEarnRules(RULES.earn().withAdjustmentKinds(List.of()));

        JsonNode body = json(created(purchase("o-1", 9000, LINES_100, "[{\"kind\":\"coupon\",\"amount\":-1000}]", null)));

        assertThat(body.get("pointsEarned").asLong()).isEqualTo(120);
        assertThat(body.at("/breakdown/uncountedAdjustments").asLong()).isEqualTo(-1000);
    }

    @Test
    void adjustmentsWithoutLines_leaveTheGoodsAsTheTotalLessTheAdjustments() {
        // 52.00 paid: 50.00 goods less a 3.00 coupon, plus 5.00 shipping -> 47 points
        JsonNode body = json(created(purchase("o-1", 5200, null,
                "[{\"kind\":\"coupon\",\"amount\":-300},{\"kind\":\"shipping\",\"amount\":500}]", null)));

        assertThat(body.get("pointsEarned").asLong()).isEqualTo(47);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "9100 | [{\"kind\":\"coupon\",\"amount\":-1000}]                  | lines (10000) and adjustments (-1000) add up to 9000 but total.amount is 9100",
            "10000| [{\"kind\":\"shipping\",\"amount\":495}]                  | lines (10000) and adjustments (495) add up to 10495 but total.amount is 10000",
            "1    | [{\"kind\":\"coupon\",\"amount\":-10000}]                 | lines (10000) and adjustments (-10000) add up to 0: a purchase's total must be positive",
            "1000 | [{\"kind\":\"coupon\",\"amount\":500}]                    | adjustments[].amount of a coupon takes off: -10000000000..0 minor units",
            "1000 | [{\"kind\":\"shipping\",\"amount\":-5}]                   | adjustments[].amount of a shipping adds: 0..10000000000 minor units",
            "1000 | [{\"kind\":\"discount\",\"amount\":-5}]                   | adjustments[].kind must be one of coupon, shipping, tax, fee"})
    void purchase_is400AndWritesNothing_forAdjustmentsThatDoNotAddUpOrHaveTheWrongSign(long total, String adjustments,
                                                                                       String detail) {
        APIGatewayV2HTTPResponse response = purchase("o-1", total, LINES_100, adjustments, null);

        assertProblem(response, 400, "validation-failed");
        assertThat(json(response).get("detail").asText()).contains(detail);
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
    }

    @Test
    void purchase_is400_forAdjustmentsWithoutLinesThatExceedTheTotal() {
        APIGatewayV2HTTPResponse response = purchase("o-1", 400, null, "[{\"kind\":\"shipping\",\"amount\":500}]", null);

        assertProblem(response, 400, "validation-failed");
        assertThat(json(response).get("detail").asText()).contains("adjustments add up to 500, more than total.amount 400");
    }

    @Test
    void purchase_is400_forALabelWithControlCharactersOrTooLong_andMoreThan20Adjustments() {
        assertProblem(purchase("o-1", 9000, LINES_100, "[{\"kind\":\"coupon\",\"amount\":-1000,\"label\":\"a\\u0000b\"}]", null),
                400, "validation-failed");
        assertProblem(purchase("o-1", 9000, LINES_100, "[{\"kind\":\"coupon\",\"amount\":-1000,\"label\":\"" + "x".repeat(65) + "\"}]", null),
                400, "validation-failed");
        String many = "[" + String.join(",", java.util.Collections.nCopies(21, "{\"kind\":\"fee\",\"amount\":0}")) + "]";
        assertProblem(purchase("o-1", 10_000, LINES_100, many, null), 400, "validation-failed");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
    }

    @Test
    void metadata_isAnsweredBack_andReplayedByKeyAndByOrderId_butNeverPutInEvents() {
        String metadata = "{\"channel\":\"web\",\"customer\":{\"email\":\"ada@example.com\",\"tags\":[\"vip\",1,true,null]},\"n\":1.5}";
        ensureProgram();
        String body = body("o-1", 9000, LINES_100, "[{\"kind\":\"coupon\",\"amount\":-1000}]", metadata);
        APIGatewayV2HTTPResponse first = handler.handleRequest(post(PURCHASES, merchant, "meta-key-1", body), null);
        assertThat(first.getStatusCode()).as(first.getBody()).isEqualTo(201);
        assertThat(json(first).get("metadata").toString()).isEqualTo(metadata);

        APIGatewayV2HTTPResponse byKey = handler.handleRequest(post(PURCHASES, merchant, "meta-key-1", body), null);
        APIGatewayV2HTTPResponse byOrderId = handler.handleRequest(post(PURCHASES, merchant, "meta-key-2", body), null);

        assertThat(byKey.getHeaders()).containsEntry("Idempotent-Replayed", "true");
        assertThat(json(byKey).get("metadata").toString()).isEqualTo(metadata);
        assertThat(byOrderId.getStatusCode()).isEqualTo(200);
        assertThat(json(byOrderId).get("metadata").toString()).isEqualTo(metadata);
        assertThat(json(byOrderId).get("adjustments").toString()).isEqualTo("[{\"kind\":\"coupon\",\"amount\":-1000}]");
        List<DomainEvent> events = fixtures.outboxEvents();
        assertThat(events).isNotEmpty();
        assertThat(events.toString()).doesNotContain("ada@example.com", "channel");
        assertThat(fixtures.withSortKeyPrefix("IDEMPOTENCY").toString() + fixtures.withSortKeyPrefix("ENTRY#"))
                .doesNotContain("ada@example.com");
    }

    @Test
    void sameOrderIdWithOtherMetadataOrAdjustments_is409() {
        created(purchase("o-1", 9000, LINES_100, "[{\"kind\":\"coupon\",\"amount\":-1000}]", "{\"a\":1}"));

        APIGatewayV2HTTPResponse otherMetadata = purchase("o-1", 9000, LINES_100, "[{\"kind\":\"coupon\",\"amount\":-1000}]", "{\"a\":2}");
        APIGatewayV2HTTPResponse otherAdjustments = purchase("o-1", 9000, LINES_100,
                "[{\"kind\":\"coupon\",\"amount\":-500},{\"kind\":\"coupon\",\"amount\":-500}]", "{\"a\":1}");

        assertProblem(otherMetadata, 409, "conflict");
        assertProblem(otherAdjustments, 409, "conflict");
        assertThat(json(otherAdjustments).get("detail").asText()).contains("adjustments");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[1]", "\"text\"",
            "{\"a\":{\"b\":{\"c\":{}}}}",
            "{\"a\":[[[1]]]}",
            "{\"\":1}"})
    void purchase_is400_forMetadataThatIsNotAnObjectOrNestsTooDeep(String metadata) {
        assertProblem(purchase("o-1", 10_000, LINES_100, null, metadata), 400, "validation-failed");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
    }

    @Test
    void purchase_is400_forMetadataOverItsBounds_andTakesItAtTheBounds() {
        StringBuilder keys33 = new StringBuilder("{");
        for (int i = 0; i < 33; i++) {
            keys33.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        String items33 = "{\"list\":[" + "1,".repeat(31) + "1]}"; // 1 key + 32 items = 33 members
        String tooBig = "{\"a\":\"" + "x".repeat(512) + "\",\"b\":\"" + "x".repeat(512) + "\",\"c\":\"" + "x".repeat(512)
                + "\",\"d\":\"" + "x".repeat(512) + "\",\"e\":\"" + "x".repeat(512) + "\",\"f\":\"" + "x".repeat(512)
                + "\",\"g\":\"" + "x".repeat(512) + "\",\"h\":\"" + "x".repeat(512) + "\"}";
        String longString = "{\"a\":\"" + "x".repeat(513) + "\"}";
        String longKey = "{\"" + "k".repeat(65) + "\":1}";
        String loneSurrogate = "{\"a\":\"\\ud800\"}";
        for (String metadata : List.of(keys33 + "}", items33, tooBig, longString, longKey, loneSurrogate)) {
            APIGatewayV2HTTPResponse response = purchase("o-1", 10_000, LINES_100, null, metadata);
            assertProblem(response, 400, "validation-failed");
            assertThat(json(response).get("detail").asText()).as("names the bound, not the content").doesNotContain("xxxx", "kkkk");
        }
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();

        // 7 strings of 512 characters (about 3,800 bytes in all), 32 members, 3 levels deep, a 64-character key
        String atBounds = "{\"a\":\"" + "x".repeat(512) + "\",\"b\":\"" + "x".repeat(512) + "\",\"c\":\"" + "x".repeat(512)
                + "\",\"d\":\"" + "x".repeat(512) + "\",\"e\":\"" + "x".repeat(512) + "\",\"f\":\"" + "x".repeat(512)
                + "\",\"g\":\"" + "x".repeat(512) + "\",\"" + "k".repeat(64) + "\":{\"l\":[" + "1,".repeat(22) + "1]}}";
        APIGatewayV2HTTPResponse ok = purchase("o-2", 10_000, LINES_100, null, atBounds);
        assertThat(ok.getStatusCode()).as(ok.getBody()).isEqualTo(201);
        assertThat(json(ok).get("metadata").toString()).isEqualTo(atBounds);
    }

    @Test
    void returnByLine_ofAnOrderWithACoupon_isPricedAtWhatWasPaid_andTheWholeBasketReversesEveryPoint() {
        // lines 100.00, coupon -10.00, shipping 4.95 (not counted): 108 points, total 94.95, points base 90.00.
        created(purchase("o-1", 9495, LINES_100,
                "[{\"kind\":\"coupon\",\"amount\":-1000},{\"kind\":\"shipping\",\"amount\":495}]", null));

        // 3 of the 6 food units: half the food line's 54.00 (after its 6.00 coupon share) = 27.00
        JsonNode food = json(created(returnOf("o-1", "{\"returnId\":\"r-1\",\"lines\":[{\"sku\":\"food\",\"quantity\":3}]}")));
        assertThat(food.at("/returned/amount").asLong()).isEqualTo(2700);
        assertThat(food.get("pointsReversed").asLong()).as("floor(108 x 27 / 90)").isEqualTo(32);

        JsonNode rest = json(created(returnOf("o-1",
                "{\"returnId\":\"r-2\",\"lines\":[{\"sku\":\"food\",\"quantity\":3},{\"sku\":\"jeans\",\"quantity\":1},{\"sku\":\"gift\",\"quantity\":1}]}")));
        assertThat(rest.at("/totalReturned/amount").asLong()).as("every line, at what was paid").isEqualTo(9000);
        assertThat(rest.get("orderPointsReversed").asLong()).isEqualTo(108);

        JsonNode shipping = json(created(returnOf("o-1", "{\"returnId\":\"r-3\",\"amount\":495}")));
        assertThat(shipping.get("pointsReversed").asLong()).as("shipping earned nothing").isZero();
        assertThat(shipping.at("/returnable/amount").asLong()).isZero();
    }

    @Test
    void returnByAmount_countsAgainstThePointsBase_goodsFirst() {
        created(purchase("o-1", 10_495, LINES_100, "[{\"kind\":\"shipping\",\"amount\":495}]", null)); // 120 points

        JsonNode half = json(created(returnOf("o-1", "{\"returnId\":\"r-1\",\"amount\":5000}")));
        JsonNode rest = json(created(returnOf("o-1", "{\"returnId\":\"r-2\",\"amount\":5495}")));

        assertThat(half.get("pointsReversed").asLong()).as("half of the 100.00 base, not of 104.95").isEqualTo(60);
        assertThat(rest.get("pointsReversed").asLong()).isEqualTo(60);
        assertThat(rest.get("orderPointsReversed").asLong()).isEqualTo(120);
    }

    @Test
    void countedShipping_isPartOfThePointsBase_soRefundingItReversesItsShare() {
        useEarnRules(RULES.earn().withAdjustmentKinds(List.of("coupon", "shipping")));
        created(purchase("o-1", 11_000, LINES_100, "[{\"kind\":\"shipping\",\"amount\":1000}]", null)); // 120 + 10

        JsonNode goods = json(created(returnOf("o-1", "{\"returnId\":\"r-1\",\"amount\":10000}")));

        assertThat(goods.get("pointsReversed").asLong()).as("floor(130 x 100 / 110)").isEqualTo(118);
    }

    /** food 6 x 10.00, jeans (apparel, x2) 30.00, a gift card (excluded) 10.00: 100.00 of lines. */
    private static final String LINES_100 = "[{\"sku\":\"food\",\"category\":\"food\",\"quantity\":6,\"unitPrice\":1000},"
            + "{\"sku\":\"jeans\",\"category\":\"apparel\",\"quantity\":1,\"unitPrice\":3000},"
            + "{\"sku\":\"gift\",\"category\":\"gift-cards\",\"quantity\":1,\"unitPrice\":1000}]";

    private static String body(String orderId, long total, String lines, String adjustments, String metadata) {
        return "{\"memberId\":\"" + MEMBER + "\",\"orderId\":\"" + orderId + "\",\"total\":{\"amount\":" + total
                + ",\"currency\":\"EUR\"}" + (lines == null ? "" : ",\"lines\":" + lines)
                + (adjustments == null ? "" : ",\"adjustments\":" + adjustments)
                + (metadata == null ? "" : ",\"metadata\":" + metadata) + "}";
    }

    private APIGatewayV2HTTPResponse purchase(String orderId, long total, String lines, String adjustments, String metadata) {
        ensureProgram();
        return handler.handleRequest(post(PURCHASES, merchant, key(), body(orderId, total, lines, adjustments, metadata)), null);
    }

    private APIGatewayV2HTTPResponse returnOf(String orderId, String body) {
        return handler.handleRequest(post(RETURNS, Map.of("orderId", orderId), merchant, key(), body), null);
    }

    private static APIGatewayV2HTTPResponse created(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        return response;
    }

    private String key() {
        return "basket-key-" + String.format("%05d", ++keys);
    }
}
