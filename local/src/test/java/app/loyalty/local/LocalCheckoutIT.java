package app.loyalty.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's "done means" for the quote and the promo code, over HTTP on the local runtime as the README's curl tour
 * does it (LocalRedemptionsIT covers hold, capture, cancel and timeout; LocalDiscountCardIT the cumulative card):
 * the quote's total is what the purchase then charges, through a hold captured by the purchase; a promo code with
 * maxUses N applies N times and is then refused, in the quote and by the purchase, with its reason.
 */
class LocalCheckoutIT {
    private static final String OPERATOR_KEY = "checkout-operator-key-0123456789";
    /** 10 % card, 1 % cashback, double points on coffee, points pay up to half at 2 points a cent, no pending days. */
    private static final String RULES = """
            {"pendingDays":0,"discount":{"scheme":"FIXED","fixedBp":1000,"maxPointsPaymentBp":5000,
             "pointValue":{"points":2,"minorUnits":1}},"cashback":{"bp":100},
             "promotions":[{"id":"double-coffee","kind":"MULTIPLIER","multiplierBp":20000,"categories":["coffee"]}]}""";
    private static final String BEANS_AND_MUG = """
            "lines":[{"sku":"beans-1kg","category":"coffee","quantity":2,"unitPrice":4500},
                     {"sku":"mug","category":"merch","quantity":1,"unitPrice":3550}]""";
    private static LocalRuntime runtime;
    private static LocalApi api;
    private static String programId;
    private static String merchantKey;
    private static int enrolments;

    @BeforeAll
    static void start() {
        runtime = LocalApi.startRuntime(OPERATOR_KEY);
        api = new LocalApi(runtime.url(), ContractValidator.repositoryContract());
        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "checkout-program-01",
                "{\"name\":\"Coffee Club\",\"currency\":\"EUR\",\"rules\":" + RULES + "}");
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        programId = program.json().get("programId").asText();
        merchantKey = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "checkout-merchant-01",
                "{\"name\":\"Bean Bar\"}").json().get("apiKey").asText();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static String enrol() {
        int n = ++enrolments;
        LocalApi.Response member = api.post("/v1/members", merchantKey, "checkout-enrol-" + n,
                "{\"profile\":{\"name\":\"Member " + n + "\",\"phone\":\"+4477009001" + String.format("%02d", n) + "\"}}");
        assertThat(member.status()).as(member.body()).isEqualTo(201);
        return member.json().get("memberId").asText();
    }

    private static void createPromoCode(String code, int maxUses) {
        LocalApi.Response created = api.post("/v1/programs/" + programId + "/promo-codes", OPERATOR_KEY,
                "checkout-code-" + code, "{\"code\":\"" + code + "\",\"percentBp\":1000,\"maxUses\":" + maxUses
                        + ",\"maxUsesPerMember\":1,\"categories\":[\"coffee\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private static LocalApi.Response quote(String memberId, String orderId, String extra) {
        LocalApi.Response quote = api.post("/v1/discounts/quote", merchantKey, null,
                "{\"memberId\":\"" + memberId + "\",\"orderId\":\"" + orderId + "\"," + BEANS_AND_MUG + extra + "}");
        assertThat(quote.status()).as(quote.body()).isEqualTo(200);
        return quote;
    }

    private static LocalApi.Response purchase(String memberId, String orderId, String extra) {
        return api.post("/v1/purchases", merchantKey, "checkout-purchase-" + orderId, "{\"memberId\":\"" + memberId
                + "\",\"orderId\":\"" + orderId + "\",\"total\":{\"amount\":12550,\"currency\":\"EUR\"},"
                + BEANS_AND_MUG + extra + "}");
    }

    @Test
    void quotedOrder_heldAndPurchasedWithCapture_chargesExactlyTheQuote() {
        String member = enrol();
        createPromoCode("LOCAL10", 10);
        // 1,000 points to pay with (a purchase without lines earns as before: no discount, no cashback)
        LocalApi.Response earn = api.post("/v1/purchases", merchantKey, "checkout-earn-01", "{\"memberId\":\"" + member
                + "\",\"orderId\":\"earn-1\",\"total\":{\"amount\":100000,\"currency\":\"EUR\"}}");
        assertThat(earn.status()).as(earn.body()).isEqualTo(201);

        JsonNode quote = quote(member, "order-1", ",\"promoCode\":\"local10\",\"pointsToSpend\":1001").json();
        long pointsValue = quote.at("/points/appliedValue").asLong();
        LocalApi.Response hold = api.post("/v1/redemptions", merchantKey, "checkout-hold-01", "{\"memberId\":\"" + member
                + "\",\"orderId\":\"order-1\",\"amount\":" + pointsValue + ",\"orderAmount\":" + quote.get("amountDue") + "}");
        assertThat(hold.status()).as(hold.body()).isEqualTo(201);
        String redemptionId = hold.json().get("redemptionId").asText();
        LocalApi.Response purchase = purchase(member, "order-1", ",\"promoCode\":\"LOCAL10\",\"paidWithPoints\":"
                + pointsValue + ",\"redemptionId\":\"" + redemptionId + "\"");

        assertThat(purchase.status()).as(purchase.body()).isEqualTo(201);
        JsonNode charged = purchase.json().get("checkout");
        assertThat(quote.at("/points/applied").asLong()).as("1001 asked: the odd point pays nothing").isEqualTo(1000);
        assertThat(quote.get("totalDiscount").asLong()).as("10 %% card, then 10 %% of the coffee left").isEqualTo(1255 + 810);
        assertThat(quote.get("amountToPay").asLong()).isEqualTo(12550 - 1255 - 810 - 500);
        assertThat(charged.get("amountToPay").asLong()).isEqualTo(quote.get("amountToPay").asLong());
        assertThat(charged.get("discount").asLong()).isEqualTo(quote.get("totalDiscount").asLong());
        assertThat(charged.get("amountDue").asLong()).isEqualTo(quote.get("amountDue").asLong());
        assertThat(charged.get("pointsSpent").asLong()).isEqualTo(quote.at("/points/applied").asLong());
        assertThat(charged.get("lines")).isEqualTo(quote.get("lines"));
        assertThat(purchase.json().get("pointsEarned").asLong()).isEqualTo(quote.get("pointsCredited").asLong());
        assertThat(purchase.json().at("/pointsPayment/redemptionId").asText()).isEqualTo(redemptionId);
        assertThat(api.get("/v1/redemptions/" + redemptionId, merchantKey).json().get("status").asText())
                .isEqualTo("captured");
        long earned = earn.json().get("pointsEarned").asLong();
        assertThat(purchase.json().at("/balance/available").asLong())
                .isEqualTo(earned - 1000 + quote.get("pointsCredited").asLong());
    }

    @Test
    void promoCodeWithMaxUsesThree_appliesThreeTimes_thenIsRefusedWithItsReason() {
        createPromoCode("THREE", 3);
        for (int i = 1; i <= 3; i++) {
            LocalApi.Response used = purchase(enrol(), "three-" + i, ",\"promoCode\":\"THREE\"");
            assertThat(used.status()).as(used.body()).isEqualTo(201);
            assertThat(used.json().get("promoCode").asText()).isEqualTo("THREE");
            assertThat(used.json().at("/checkout/applied").findValuesAsText("kind")).contains("PROMO_CODE");
        }
        String fourth = enrol();

        JsonNode quote = quote(fourth, "three-4", ",\"promoCode\":\"THREE\"").json();
        LocalApi.Response refused = purchase(fourth, "three-4", ",\"promoCode\":\"THREE\"");

        assertThat(quote.get("applied").findValuesAsText("kind")).doesNotContain("PROMO_CODE");
        assertThat(quote.get("notApplied").findValuesAsText("reason")).containsExactly("EXHAUSTED");
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("type").asText()).endsWith("/promo-code-refused");
        assertThat(refused.json().get("reason").asText()).isEqualTo("EXHAUSTED");
        assertThat(refused.json().get("detail").asText()).contains("used all 3 times");
        JsonNode code = api.get("/v1/programs/" + programId + "/promo-codes/THREE", OPERATOR_KEY).json();
        assertThat(code.get("uses").asLong()).isEqualTo(3);
        assertThat(code.get("remaining").asLong()).isZero();
        assertThat(api.get("/v1/members/" + fourth, merchantKey).json().at("/balance/available").asLong())
                .as("the refused purchase wrote nothing").isZero();
    }
}
