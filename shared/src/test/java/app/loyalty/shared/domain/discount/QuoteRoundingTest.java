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

/** docs/discounts.md, the worked examples of "Rounding" (fixtures: {@link Checkouts}). */
class QuoteRoundingTest {
    @Test
    void halfOfThreeCents_isOneCent_onTheFirstLineOfEqualOnes() {
        Quote quote = quote(plain(), MemberFacts.customer(5000, 0), new BasketLine("a", null, 1, 1),
                new BasketLine("b", null, 1, 1), new BasketLine("c", null, 1, 1));

        assertThat(discounts(quote)).containsExactly(1, 0, 0);
    }

    @Test
    void aCentPerLine_isNeverTakenTwice() {
        Quote quote = quote(plain(), MemberFacts.customer(3333, 0), new BasketLine("a", null, 1, 100),
                new BasketLine("b", null, 1, 100), new BasketLine("c", null, 1, 100));

        assertThat(quote.totalDiscount()).isEqualTo(99);
        assertThat(discounts(quote)).containsExactly(33, 33, 33);
    }
}
