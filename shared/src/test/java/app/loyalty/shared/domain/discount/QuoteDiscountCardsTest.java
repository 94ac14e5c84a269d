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

/** docs/discounts.md, the worked examples of "DiscountCards" (fixtures: {@link Checkouts}). */
class QuoteDiscountCardsTest {
    @Test
    void fixedCard_takesTenPercentOnce_andSpreadsItByLargestRemainder() {
        Quote quote = quote(plain(), MemberFacts.customer(1000, 0), COFFEE, CAKE);

        assertThat(quote.totalDiscount()).isEqualTo(119);
        assertThat(discounts(quote)).containsExactly(69, 50);
        assertThat(quote.amountDue()).isEqualTo(1080);
        assertThat(quote.amountToPay()).isEqualTo(1080);
        assertThat(quote.pointsEarned()).isEqualTo(10);
        assertThat(quote.applied()).extracting(Quote.Applied::kind, Quote.Applied::amount).containsExactly(tuple(Kind.CARD, 119L));
    }

    @Test
    void cumulativeCard_atTheFifteenPercentLevel_takesItsPercentage() {
        Quote quote = quote(plain(), MemberFacts.customer(1500, 0), new BasketLine("tv", "electronics", 1, 20_000));

        assertThat(quote.totalDiscount()).isEqualTo(3000);
        assertThat(quote.amountToPay()).isEqualTo(17_000);
        assertThat(quote.pointsEarned()).isEqualTo(170);
    }

    @Test
    void noCard_noDiscount_existingProgramsChargeTheBasket() {
        Quote quote = quote(ProgramRules.DEFAULT, MemberFacts.customer(0, 0), COFFEE, CAKE);

        assertThat(quote.totalDiscount()).isZero();
        assertThat(quote.amountToPay()).isEqualTo(1199);
        assertThat(quote.pointsEarned()).isEqualTo(11);
        assertThat(quote.applied()).isEmpty();
        assertThat(quote.notApplied()).isEmpty();
    }
}
