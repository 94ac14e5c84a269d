package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.discount.PromoCode;
import app.loyalty.shared.domain.discount.Quote;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.PromoCodeRepository;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The quote equals what the purchase then applies (issue 8), as a property (QuickTheories): for random programs
 * (card, points value and share, cashback, multiplier, instant reward, birthday, blind pool and budget, staff cap,
 * stacking), members (kind, birthday, points, a hold), baskets with shipping, promo codes with uses taken and points
 * to spend, the quote of an order (the shared call of POST /v1/discounts/quote) then the purchase of that order through
 * the handler with {@code paidWithPoints} = the quote's points value: the purchase's discount, amount due, amount to
 * pay, points spent and credited points are the quote's; and a promo code the quote refuses is the purchase's 422.
 * Some orders with a code are sent without lines (quoted as one line of their goods, as the quote's `amount` does).
 */
class QuoteEqualsPurchasePropertyTest {
    private static final String MERCHANT_ID = "mch_00000000000000000009";
    private static final EnumSet<Quote.Reason> CODE_REFUSALS = EnumSet.of(Quote.Reason.NOT_YET_VALID,
            Quote.Reason.EXPIRED, Quote.Reason.EXHAUSTED, Quote.Reason.MEMBER_LIMIT, Quote.Reason.NOT_ELIGIBLE,
            Quote.Reason.BELOW_MINIMUM, Quote.Reason.NO_ELIGIBLE_LINES);

    private final MutableClock clock = MutableClock.at("2026-03-10T09:30:00Z");
    private final AppContext context = TestContexts.appContext(clock);
    private final Fixtures fixtures = new Fixtures(context);
    private final PurchaseAccrualHandler handler = new PurchaseAccrualHandler(context);
    private int example;

    @Test
    void quoteThenPurchase_ofTheSameOrder_chargesAndCreditsTheSame() {
        qt().withExamples(40).withShrinkCycles(0).forAll(longs().all()).checkAssert(this::quoteThenPurchase);
    }

    private void quoteThenPurchase(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = ++example;
        String programId = "prg_" + String.format("%020d", n);
        String memberId = "mbr_" + String.format("%020d", n);
        String orderId = "order-" + n;
        Caller merchant = Caller.merchant(MERCHANT_ID, programId);
        try {
            fixtures.program(programId, "EUR", Json.MAPPER.readValue(rules(random), ProgramRules.class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        fixtures.memberBorn(memberId, programId, random.nextBoolean() ? MemberKind.CUSTOMER : MemberKind.STAFF,
                random.nextBoolean() ? LocalDate.parse("1990-03-11") : null);
        if (random.nextBoolean()) {
            fixtures.grant(memberId, programId, MERCHANT_ID, random.nextLong(1, 6000));
        }
        String code = null;
        if (random.nextBoolean()) {
            code = "CODE" + n;
            boolean percent = random.nextBoolean();
            long maxUses = random.nextInt(1, 5);
            PromoCode promo = new PromoCode(code, percent ? random.nextInt(1, 5001) : null,
                    percent ? null : random.nextLong(1, 3000), null, null, maxUses,
                    random.nextBoolean() ? 1L : null, random.nextBoolean() ? (long) random.nextInt(0, 3000) : null,
                    null, null, random.nextInt(4) == 0 ? java.util.Set.of("a") : null);
            fixtures.promoCode(programId, promo);
            // Mostly uses left; one in four used up, which the quote lists and the purchase refuses.
            long taken = random.nextInt(4) == 0 ? maxUses : random.nextLong(0, maxUses);
            for (int i = 0; i < taken; i++) {
                useOnce(programId, promo, "mbr_someone-else-" + i);
            }
        }
        List<BasketLine> lines = new ArrayList<>();
        for (int i = random.nextInt(1, 5); i > 0; i--) {
            lines.add(new BasketLine("sku-" + i, random.nextBoolean() ? "a" : "b", random.nextInt(1, 4),
                    random.nextInt(0, 5000)));
        }
        List<Adjustment> adjustments = random.nextBoolean() ? List.of(new Adjustment(Adjustment.Kind.SHIPPING,
                random.nextInt(0, 600), "ship")) : List.of();
        if (lines.stream().mapToLong(BasketLine::lineTotal).sum() + Adjustment.sum(adjustments) == 0) {
            lines.set(0, new BasketLine("sku-x", "a", 1, 100));
        }
        Long pointsToSpend = random.nextBoolean() ? random.nextLong(0, 8000) : null;
        // One in three orders with a code is sent without lines: its goods are then one line (as the quote with
        // `amount` prices them), and the code applies, or is refused, exactly as the quote of that line says.
        boolean withoutLines = code != null && random.nextInt(3) == 0;
        List<BasketLine> quoted = withoutLines
                ? List.of(BasketLine.wholePurchase(lines.stream().mapToLong(BasketLine::lineTotal).sum())) : lines;

        Quote quote = fixtures.quote(programId, memberId, MERCHANT_ID, orderId, quoted, adjustments, code, pointsToSpend);
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/purchases", merchant,
                "property-" + n, body(memberId, orderId, quoted, withoutLines, adjustments, code,
                        quote.points().appliedValue())), null);

        boolean codeRefused = quote.notApplied().stream()
                .anyMatch(r -> r.kind() == Quote.Kind.PROMO_CODE && CODE_REFUSALS.contains(r.reason()));
        if (codeRefused) {
            assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(422);
            assertThat(json(response).get("type").asText()).endsWith("promo-code-refused");
            return;
        }
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        JsonNode purchase = json(response);
        assertThat(purchase.at("/checkout/discount").asLong()).isEqualTo(quote.totalDiscount());
        assertThat(purchase.at("/checkout/amountDue").asLong()).isEqualTo(quote.amountDue());
        assertThat(purchase.at("/checkout/amountToPay").asLong()).isEqualTo(quote.amountToPay());
        assertThat(purchase.at("/checkout/pointsSpent").asLong()).isEqualTo(quote.points().applied());
        assertThat(purchase.get("pointsEarned").asLong()).isEqualTo(quote.pointsCredited());
        assertThat(purchase.at("/checkout/applied").findValuesAsText("kind"))
                .containsExactlyElementsOf(quote.applied().stream().map(a -> a.kind().name()).toList());
    }

    private void useOnce(String programId, PromoCode code, String memberId) {
        try {
            context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                    PromoCodeRepository.use(context.tableName(), programId, code, memberId)).build());
        } catch (software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException usedUp) {
            // the code's limit is reached: exactly the state this example wants to quote and purchase against
        }
    }

    private static String body(String memberId, String orderId, List<BasketLine> lines, boolean withoutLines,
                               List<Adjustment> adjustments, String code, long paidWithPoints) {
        long total = lines.stream().mapToLong(BasketLine::lineTotal).sum() + Adjustment.sum(adjustments);
        String lineJson = lines.stream().map(l -> """
                {"sku":"%s","category":"%s","quantity":%d,"unitPrice":%d}""".formatted(l.sku(), l.category(),
                l.quantity(), l.unitPriceMinor())).collect(Collectors.joining(","));
        String adjustmentJson = adjustments.stream().map(a -> """
                {"kind":"%s","amount":%d,"label":"%s"}""".formatted(a.kind().wireName(), a.amount(), a.label()))
                .collect(Collectors.joining(","));
        return """
                {"memberId":"%s","orderId":"%s","total":{"amount":%d,"currency":"EUR"}%s%s%s%s}"""
                .formatted(memberId, orderId, total, withoutLines ? "" : ",\"lines\":[" + lineJson + "]",
                        adjustments.isEmpty() ? "" : ",\"adjustments\":[" + adjustmentJson + "]",
                        code == null ? "" : ",\"promoCode\":\"" + code + "\"",
                        paidWithPoints == 0 ? "" : ",\"paidWithPoints\":" + paidWithPoints);
    }

    /** Random rules within the accepted bounds, as the operator would PUT them. */
    private static String rules(SplittableRandom random) {
        List<String> parts = new ArrayList<>();
        int[] cards = {0, 500, 1000, 2500};
        int card = cards[random.nextInt(cards.length)];
        parts.add("""
                "discount":{"scheme":"%s"%s,"maxPointsPaymentBp":%d,"pointValue":{"points":%d,"minorUnits":%d}}"""
                .formatted(card == 0 ? "NONE" : "FIXED", card == 0 ? "" : ",\"fixedBp\":" + card,
                        random.nextInt(0, 10001), random.nextInt(1, 4), random.nextInt(1, 4)));
        if (random.nextBoolean()) {
            parts.add("\"cashback\":{\"bp\":%d,\"categoryBp\":{\"a\":%d}}".formatted(random.nextInt(0, 1001),
                    random.nextInt(0, 2001)));
        }
        List<String> promotions = new ArrayList<>();
        if (random.nextBoolean()) {
            promotions.add("{\"id\":\"x2\",\"kind\":\"MULTIPLIER\",\"multiplierBp\":%d,\"categories\":[\"a\"]}"
                    .formatted(random.nextInt(10001, 30001)));
        }
        if (random.nextBoolean()) {
            promotions.add("""
                    {"id":"two-plus-one","kind":"INSTANT_REWARD","buy":{"category":"a","quantity":2},
                     "get":{"category":"a","quantity":1},"getDiscountBp":%d}""".formatted(random.nextInt(1, 10001)));
        }
        if (random.nextBoolean()) {
            promotions.add("{\"id\":\"bday\",\"kind\":\"BIRTHDAY\",\"daysAround\":3,\"bonusPoints\":%d,\"discountBp\":%d}"
                    .formatted(random.nextInt(1, 500), random.nextInt(0, 2000)));
        }
        if (!promotions.isEmpty()) {
            parts.add("\"promotions\":[" + String.join(",", promotions) + "]");
        }
        if (random.nextBoolean()) {
            boolean points = random.nextBoolean();
            parts.add("""
                    "rewardPools":[{"id":"lucky","chanceBp":%d,"budgetUnit":"%s","budget":%d,
                                    "rewards":[%s]}]""".formatted(random.nextInt(0, 10001),
                    points ? "POINTS" : "MINOR_UNITS", random.nextInt(1, 300),
                    points ? "{\"kind\":\"POINTS\",\"weight\":1,\"points\":%d}".formatted(random.nextInt(1, 200))
                            : "{\"kind\":\"LINE_PERCENT\",\"weight\":1,\"percentBp\":%d}".formatted(random.nextInt(1, 10001))));
        }
        if (random.nextBoolean()) {
            parts.add("\"staff\":{\"bp\":%d,\"monthlyCap\":%d}".formatted(random.nextInt(0, 5001), random.nextInt(0, 3000)));
        }
        if (random.nextBoolean()) {
            parts.add("\"stacking\":{\"promoCodeWithCard\":\"%s\",\"maxTotalDiscountBp\":%d}".formatted(
                    random.nextBoolean() ? "COMBINE" : "BETTER_WINS", random.nextInt(0, 10001)));
        }
        return "{" + String.join(",", parts) + "}";
    }
}
