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

/** docs/discounts.md, the worked examples of "PointsAsPayment" (fixtures: {@link Checkouts}). */
class QuotePointsAsPaymentTest {
    final ProgramRules twoPointsPerCent = rules(new Discount(Discount.Scheme.NONE, null, null, null, 5000,
            new Discount.PointValue(2, 1)), null, null, null, null, null);
    final BasketLine jacket = new BasketLine("jacket", "clothing", 1, 3000);

    Quote spending(long points) {
        return CheckoutCalculator.quote(new Checkout(program(twoPointsPerCent), "order-1", List.of(jacket), List.of(),
                MemberFacts.customer(0, 5000), null, points, Map.of(), NOW));
    }

    @Test
    void halfTheBillAtMost_twoPointsPerCent() {
        Quote quote = spending(2001);

        assertThat(quote.points()).isEqualTo(new Quote.Points(3000, 1500, 2001, 2000, 1000));
        assertThat(quote.amountToPay()).isEqualTo(2000);
        assertThat(quote.pointsEarned()).as("the part paid with points earns nothing").isEqualTo(20);
        assertThat(quote.notApplied()).extracting(Quote.NotApplied::reason).containsExactly(Reason.POINTS_LIMITED);
    }

    @Test
    void askingMoreThanUsable_spendsTheUsablePoints() {
        Quote quote = spending(4000);

        assertThat(quote.points()).isEqualTo(new Quote.Points(3000, 1500, 4000, 3000, 1500));
        assertThat(quote.amountToPay()).isEqualTo(1500);
        assertThat(quote.pointsEarned()).isEqualTo(15);
    }

    @Test
    void availablePointsLimitTheUsablePoints() {
        Quote quote = CheckoutCalculator.quote(new Checkout(program(twoPointsPerCent), "order-1", List.of(jacket),
                List.of(), MemberFacts.customer(0, 700), null, 700L, Map.of(), NOW));

        assertThat(quote.points()).isEqualTo(new Quote.Points(700, 350, 700, 700, 350));
        assertThat(quote.amountToPay()).isEqualTo(2650);
        assertThat(quote.pointsEarned()).isEqualTo(26);
    }
}
