package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.discount.PromoCode;
import app.loyalty.shared.domain.discount.Quote;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.PromoCodeRepository;
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

import java.util.List;
import java.util.Set;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A purchase with a promo code and no lines (found by a reliability test: it answered 201 echoing the code, with no
 * discount and no use counted). The code now applies to the goods as one line, exactly as the quote of the same
 * order says, and is counted under the same limits as with lines; a code that cannot apply is refused (422, nothing
 * written) for the same reasons as with lines.
 */
class LineLessPromoCodeTest {
    static final String PROGRAM = "prg_00000000000000000001";
    static final String MEMBER = "mbr_000000000000000000a1";
    static final String MERCHANT_ID = "mch_00000000000000000001";
    static final Caller MERCHANT = Caller.merchant(MERCHANT_ID, PROGRAM);

    private final MutableClock clock = MutableClock.at("2026-03-10T09:30:00Z");
    private AppContext context;
    private Fixtures fixtures;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private int keys;

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
        fixtures.memberBorn(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
    }

    /** A purchase without lines: the total, optional adjustments (JSON array) and the code. */
    private APIGatewayV2HTTPResponse purchase(String orderId, long total, String adjustments, String code) {
        return handler.handleRequest(post("POST /v1/purchases", MERCHANT, "lineless-" + ++keys, """
                {"memberId":"%s","orderId":"%s","total":{"amount":%d,"currency":"EUR"}%s,"promoCode":"%s"}"""
                .formatted(MEMBER, orderId, total, adjustments == null ? "" : ",\"adjustments\":" + adjustments,
                        code)), null);
    }

    /** What POST /v1/discounts/quote answers for the same order sent without lines: its goods as one line. */
    private Quote quoteWithoutLines(String orderId, long goods, List<Adjustment> adjustments, String code) {
        return fixtures.quote(PROGRAM, MEMBER, MERCHANT_ID, orderId, List.of(BasketLine.wholePurchase(goods)),
                adjustments, code, null);
    }

    private long uses(String code) {
        return new PromoCodeRepository(context.dynamo(), context.tableName()).find(PROGRAM, code).orElseThrow().uses();
    }

    private List<DomainEvent> events(String type) {
        return fixtures.outboxEvents().stream().filter(e -> e.detailType().equals(type)).toList();
    }

    @Test
    void promoCodeWithoutLines_isAppliedToTheTotal_countedOnce_andAsQuoted() {
        program("{}");
        fixtures.promoCode(PROGRAM, new PromoCode("TENPCT", 1000, null, null, null, 100L, 2L, null, null, null, null));
        Quote quote = quoteWithoutLines("o-1", 3000, List.of(), "tenpct");

        JsonNode purchase = json(purchase("o-1", 3000, null, "tenpct"));

        assertThat(purchase.get("promoCode").asText()).isEqualTo("tenpct");
        assertThat(purchase.at("/checkout/discount").asLong()).as("10 % of 30.00").isEqualTo(300);
        assertThat(purchase.at("/checkout/amountDue").asLong()).isEqualTo(2700);
        assertThat(purchase.get("pointsEarned").asLong()).as("27.00 paid earns 27").isEqualTo(27);
        assertThat(quote.totalDiscount()).isEqualTo(300);
        assertThat(purchase.at("/checkout/amountToPay").asLong()).isEqualTo(quote.amountToPay());
        assertThat(purchase.get("pointsEarned").asLong()).isEqualTo(quote.pointsCredited());
        assertThat(uses("TENPCT")).isEqualTo(1);
        assertThat(events("PromotionApplied")).singleElement().satisfies(e -> assertThat(e.data())
                .containsEntry("kind", "PROMO_CODE").containsEntry("promotionId", "TENPCT").containsEntry("amount", 300));
        assertThat(events("PurchaseRecorded").getFirst().data()).containsEntry("discount", 300)
                .containsEntry("amountDue", 2700);
    }

    @Test
    void promoCodeWithoutLines_holdsThePerMemberLimit_refusingTheUseBeyondIt_writingNothing() {
        program("{}");
        fixtures.promoCode(PROGRAM, new PromoCode("ONCE", null, 500L, null, null, null, 1L, null, null, null, null));
        assertThat(purchase("o-1", 3000, null, "ONCE").getStatusCode()).isEqualTo(201);
        int ordersBefore = fixtures.withSortKeyPrefix("ORDER").size();

        Quote quote = quoteWithoutLines("o-2", 3000, List.of(), "ONCE");
        APIGatewayV2HTTPResponse second = purchase("o-2", 3000, null, "ONCE");

        assertProblem(second, 422, "promo-code-refused");
        assertThat(json(second).get("reason").asText()).isEqualTo("MEMBER_LIMIT");
        assertThat(quote.notApplied()).anySatisfy(n -> assertThat(n.reason()).isEqualTo(Quote.Reason.MEMBER_LIMIT));
        assertThat(uses("ONCE")).isEqualTo(1);
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(ordersBefore);
    }

    @Test
    void categoryRestrictedCodeWithoutLines_isRefusedAsNoEligibleLines_writingNothing() {
        program("{}");
        fixtures.promoCode(PROGRAM, new PromoCode("COFFEE20", 2000, null, null, null, null, null, null, null, null,
                Set.of("coffee")));
        Quote quote = quoteWithoutLines("o-1", 3000, List.of(), "COFFEE20");

        APIGatewayV2HTTPResponse refused = purchase("o-1", 3000, null, "COFFEE20");

        assertProblem(refused, 422, "promo-code-refused");
        assertThat(json(refused).get("reason").asText()).isEqualTo("NO_ELIGIBLE_LINES");
        assertThat(quote.totalDiscount()).isZero();
        assertThat(quote.notApplied()).anySatisfy(n -> assertThat(n.reason()).isEqualTo(Quote.Reason.NO_ELIGIBLE_LINES));
        assertThat(uses("COFFEE20")).isZero();
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
        assertThat(fixtures.outboxEvents()).isEmpty();
    }

    @Test
    void promoCodeWithoutLines_withAdjustments_discountsTheGoods_andChecksTheMinimumOnThem() {
        program("{}");
        fixtures.promoCode(PROGRAM, new PromoCode("MIN20", 1000, null, null, null, null, null, 2000L, null, null, null));
        // 25.00 total = goods 20.05 + shipping 4.95: the minimum (20.00) is met by the goods.
        JsonNode applied = json(purchase("o-1", 2500, "[{\"kind\":\"shipping\",\"amount\":495}]", "MIN20"));
        // 22.00 total = goods 17.05 + shipping 4.95: below the minimum, refused like a basket with lines.
        APIGatewayV2HTTPResponse below = purchase("o-2", 2200, "[{\"kind\":\"shipping\",\"amount\":495}]", "MIN20");

        assertThat(applied.at("/checkout/discount").asLong()).as("10 % of the goods 20.05").isEqualTo(200);
        assertThat(quoteWithoutLines("o-1b", 2005, List.of(new Adjustment(Adjustment.Kind.SHIPPING, 495)), "MIN20")
                .totalDiscount()).isEqualTo(200);
        assertProblem(below, 422, "promo-code-refused");
        assertThat(json(below).get("reason").asText()).isEqualTo("BELOW_MINIMUM");
        assertThat(uses("MIN20")).isEqualTo(1);
    }

    /** Nothing but shipping: the goods are 0, so no line is there to discount, as with lines priced at 0. */
    @Test
    void promoCodeWithoutLines_onAPurchaseOfOnlyShipping_isRefusedAsNoEligibleLines() {
        program("{}");
        fixtures.promoCode(PROGRAM, new PromoCode("TENPCT", 1000, null, null, null, null, null, null, null, null, null));

        APIGatewayV2HTTPResponse refused = purchase("o-1", 495, "[{\"kind\":\"shipping\",\"amount\":495}]", "TENPCT");

        assertProblem(refused, 422, "promo-code-refused");
        assertThat(json(refused).get("reason").asText()).isEqualTo("NO_ELIGIBLE_LINES");
        assertThat(uses("TENPCT")).isZero();
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
    }

    /** The order keeps the discount, so its returns give back at most what was paid and reverse points by it. */
    @Test
    void discountedOrderWithoutLines_returnsAtMostWhatWasPaid_reversingAllItsPoints() {
        program("{}");
        fixtures.promoCode(PROGRAM, new PromoCode("TENPCT", 1000, null, null, null, null, null, null, null, null, null));
        assertThat(json(purchase("o-1", 3000, null, "TENPCT")).get("pointsEarned").asLong()).isEqualTo(27);

        APIGatewayV2HTTPResponse beyond = returnOf("o-1", "r-1", 2701);
        JsonNode whole = json(returnOf("o-1", "r-2", 2700));

        assertProblem(beyond, 409, "conflict");
        assertThat(whole.get("pointsReversed").asLong()).as("27.00 paid, all returned").isEqualTo(27);
    }

    private APIGatewayV2HTTPResponse returnOf(String orderId, String returnId, long amount) {
        return handler.handleRequest(post("POST /v1/purchases/{orderId}/returns", java.util.Map.of("orderId", orderId),
                MERCHANT, "lineless-" + ++keys, """
                        {"returnId":"%s","amount":%d}""".formatted(returnId, amount)), null);
    }
}
