package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.discount.Quote.Kind;
import app.loyalty.shared.domain.discount.Quote.Reason;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.program.ProgramRules.Discount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static app.loyalty.shared.domain.discount.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** docs/discounts.md, the worked examples of "Stacking" (fixtures: {@link Checkouts}). */
class QuoteStackingTest {
    final PromoCode twenty = new PromoCode("SPRING20", 2000, null, null, null, null, null, null, null, null, null);
    final PromoCode fiveOff = new PromoCode("FIVEOFF", null, 500L, null, null, null, null, null, null, null, null);

    Quote with(Stacking stacking, PromoCode code) {
        return CheckoutCalculator.quote(new Checkout(program(rules(null, null, null, null, null, stacking)), "order-1",
                List.of(new BasketLine("bag", null, 1, 10_000)), List.of(), MemberFacts.customer(1000, 0),
                new Checkout.PromoCodeUse(code, 0, 0), null, Map.of(), NOW));
    }

    @Test
    void combine_cardThenCode() {
        Quote quote = with(Stacking.DEFAULT, twenty);

        assertThat(quote.applied()).extracting(Quote.Applied::kind, Quote.Applied::amount)
                .containsExactly(tuple(Kind.CARD, 1000L), tuple(Kind.PROMO_CODE, 1800L));
        assertThat(quote.totalDiscount()).isEqualTo(2800);
    }

    @Test
    void betterWins_theCodeWorthMore() {
        Quote quote = with(new Stacking(null, Stacking.Combination.BETTER_WINS, null, null), twenty);

        assertThat(quote.totalDiscount()).isEqualTo(2000);
        assertThat(quote.notApplied()).extracting(Quote.NotApplied::kind, Quote.NotApplied::reason)
                .containsExactly(tuple(Kind.CARD, Reason.NOT_COMBINABLE));
    }

    @Test
    void betterWins_theCardOnATieOrWhenWorthMore() {
        Quote quote = with(new Stacking(null, Stacking.Combination.BETTER_WINS, null, null), fiveOff);

        assertThat(quote.totalDiscount()).isEqualTo(1000);
        assertThat(quote.notApplied()).extracting(Quote.NotApplied::kind, Quote.NotApplied::reason)
                .containsExactly(tuple(Kind.PROMO_CODE, Reason.NOT_COMBINABLE));
    }

    @Test
    void maximumTotalDiscount_cutsTheLaterStep() {
        Quote quote = with(new Stacking(null, null, 2500, null), twenty);

        assertThat(quote.applied()).extracting(Quote.Applied::kind, Quote.Applied::amount)
                .containsExactly(tuple(Kind.CARD, 1000L), tuple(Kind.PROMO_CODE, 1500L));
    }

    @Test
    void order_codeBeforeCard_takesThePercentOfTheRest() {
        Quote cardFirst = with(Stacking.DEFAULT, fiveOff);
        Quote codeFirst = with(new Stacking(List.of(Stacking.Step.PROMO_CODE, Stacking.Step.CARD), null, null, null), fiveOff);

        assertThat(cardFirst.totalDiscount()).isEqualTo(1500);
        assertThat(codeFirst.totalDiscount()).isEqualTo(1450);
    }

    @Test
    void shippingIsDiscounted_onlyWhenTheProgramSaysSo() {
        List<Adjustment> shipping = List.of(new Adjustment(Adjustment.Kind.SHIPPING, 490, "DHL"),
                new Adjustment(Adjustment.Kind.COUPON, -1000, "SHOP10"));
        Stacking withShipping = new Stacking(null, null, null, Set.of(Adjustment.Kind.SHIPPING));

        Quote linesOnly = CheckoutCalculator.quote(new Checkout(program(plain()), "order-1",
                List.of(new BasketLine("bag", null, 1, 5000)), shipping, MemberFacts.customer(1000, 0), null, null, Map.of(), NOW));
        Quote alsoShipping = CheckoutCalculator.quote(new Checkout(program(rules(null, null, null, null, null, withShipping)),
                "order-1", List.of(new BasketLine("bag", null, 1, 5000)), shipping, MemberFacts.customer(1000, 0), null,
                null, Map.of(), NOW));

        assertThat(linesOnly.subtotal()).isEqualTo(4490);
        assertThat(discounts(linesOnly)).containsExactly(500);
        assertThat(linesOnly.amountDue()).isEqualTo(3990);
        assertThat(discounts(alsoShipping)).containsExactly(500, 49);
        assertThat(alsoShipping.amountDue()).isEqualTo(3941);
    }
}
