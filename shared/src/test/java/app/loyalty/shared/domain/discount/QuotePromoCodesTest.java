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

/** docs/discounts.md, the worked examples of "PromoCodes" (fixtures: {@link Checkouts}). */
class QuotePromoCodesTest {
    final PromoCode spring = new PromoCode("SPRING10", 1000, null, Instant.parse("2026-03-01T00:00:00Z"),
            Instant.parse("2026-04-01T00:00:00Z"), 100L, 1L, 2000L, Set.of("gold"), Set.of(), Set.of());

    Quote with(PromoCode code, long usesSoFar, long usesByMember, String tier, String now, BasketLine... lines) {
        MemberFacts member = new MemberFacts(MemberKind.CUSTOMER, 0, tier, Set.of("newsletter"), null, 0, 0, 0);
        return CheckoutCalculator.quote(new Checkout(program(plain()), "order-1", List.of(lines), List.of(), member,
                new Checkout.PromoCodeUse(code, usesSoFar, usesByMember), null, Map.of(), Instant.parse(now)));
    }

    @Test
    void applies_tenPercentOff() {
        Quote quote = with(spring, 99, 0, "gold", "2026-03-10T12:00:00Z", new BasketLine("shoes", null, 1, 2500));

        assertThat(quote.totalDiscount()).isEqualTo(250);
        assertThat(quote.applied()).extracting(Quote.Applied::kind, Quote.Applied::id)
                .containsExactly(tuple(Kind.PROMO_CODE, "SPRING10"));
    }

    @ParameterizedTest
    @CsvSource({
            "0,   0, gold,   2026-02-28T23:59:59Z, 2500, NOT_YET_VALID",
            "0,   0, gold,   2026-04-01T00:00:00Z, 2500, EXPIRED",
            "100, 0, gold,   2026-03-10T12:00:00Z, 2500, EXHAUSTED",
            "5,   1, gold,   2026-03-10T12:00:00Z, 2500, MEMBER_LIMIT",
            "0,   0, silver, 2026-03-10T12:00:00Z, 2500, NOT_ELIGIBLE",
            "0,   0, gold,   2026-03-10T12:00:00Z, 1999, BELOW_MINIMUM"})
    void refused_withTheReason_andNothingTakenOff(long usesSoFar, long usesByMember, String tier, String now,
                                                 long price, Reason reason) {
        Quote quote = with(spring, usesSoFar, usesByMember, tier, now, new BasketLine("shoes", null, 1, price));

        assertThat(quote.totalDiscount()).isZero();
        assertThat(quote.notApplied()).extracting(Quote.NotApplied::kind, Quote.NotApplied::id, Quote.NotApplied::reason)
                .containsExactly(tuple(Kind.PROMO_CODE, "SPRING10", reason));
    }

    @Test
    void refused_forAnotherSegment_andForNoLineInItsCategories() {
        PromoCode vipOnly = new PromoCode("VIP", 1000, null, null, null, null, null, null, Set.of(), Set.of("vip"), Set.of());
        PromoCode booksOnly = new PromoCode("BOOKS", 1000, null, null, null, null, null, null, Set.of(), Set.of(), Set.of("books"));

        assertThat(with(vipOnly, 0, 0, "gold", "2026-03-10T12:00:00Z", COFFEE).notApplied())
                .extracting(Quote.NotApplied::reason).containsExactly(Reason.NOT_ELIGIBLE);
        assertThat(with(booksOnly, 0, 0, "gold", "2026-03-10T12:00:00Z", COFFEE).notApplied())
                .extracting(Quote.NotApplied::reason).containsExactly(Reason.NO_ELIGIBLE_LINES);
    }

    @Test
    void fixedAmount_spreadByLargestRemainder() {
        PromoCode fiveOff = new PromoCode("FIVEOFF", null, 500L, null, null, null, null, null, null, null, null);

        Quote quote = with(fiveOff, 0, 0, null, "2026-03-10T12:00:00Z", COFFEE, CAKE);

        assertThat(discounts(quote)).containsExactly(292, 208);
    }

    @Test
    void fixedAmount_neverAboveTheBasket() {
        PromoCode fiveOff = new PromoCode("FIVEOFF", null, 500L, null, null, null, null, null, null, null, null);

        Quote quote = with(fiveOff, 0, 0, null, "2026-03-10T12:00:00Z", new BasketLine("gum", null, 1, 120));

        assertThat(quote.totalDiscount()).isEqualTo(120);
        assertThat(quote.amountToPay()).isZero();
    }
}
