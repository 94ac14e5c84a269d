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

/** docs/discounts.md, the worked examples of "Cashback" (fixtures: {@link Checkouts}). */
class QuoteCashbackTest {
    @Test
    void categoryThenCardLevelThenProgramPercent_creditedAsPoints() {
        ProgramRules rules = rules(null, new Cashback(200, Map.of("books", 500), Map.of("1000", 300)), null, null, null, null);

        Quote quote = quote(rules, MemberFacts.customer(1000, 0), new BasketLine("novel", "books", 1, 2000),
                new BasketLine("pen", "office", 1, 1000));

        assertThat(discounts(quote)).containsExactly(200, 100);
        assertThat(quote.cashbackPoints()).isEqualTo(117);
        assertThat(quote.pointsEarned()).isEqualTo(27);
    }

    @Test
    void belowTheFirstLevel_theProgramPercentApplies() {
        ProgramRules rules = rules(null, new Cashback(200, Map.of("books", 500), Map.of("1000", 300)), null, null, null, null);

        Quote quote = quote(rules, MemberFacts.customer(500, 0), new BasketLine("pen", "office", 1, 1000));

        assertThat(quote.cashbackPoints()).as("2 % of 950").isEqualTo(19);
    }
}
