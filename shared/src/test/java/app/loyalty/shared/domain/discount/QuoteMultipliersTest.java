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

/** docs/discounts.md, the worked examples of "Multipliers" (fixtures: {@link Checkouts}). */
class QuoteMultipliersTest {
    final Promotion weekend = new Promotion("double-weekend", Promotion.Kind.MULTIPLIER,
            Instant.parse("2026-03-14T00:00:00Z"), Instant.parse("2026-03-16T00:00:00Z"), null, 20_000,
            null, null, null, null, null, null, null);
    final Promotion coffeeTriple = new Promotion("coffee-x3", Promotion.Kind.MULTIPLIER, null, null,
            Set.of("coffee"), 30_000, null, null, null, null, null, null, null);

    Quote at(String instant) {
        return CheckoutCalculator.quote(new Checkout(program(rules(null, null, List.of(weekend, coffeeTriple), null, null, null)),
                "order-1", List.of(new BasketLine("beans", "coffee", 1, 1200), new BasketLine("mug", "home", 1, 800)),
                List.of(), MemberFacts.customer(0, 0), null, null, Map.of(), Instant.parse(instant)));
    }

    @Test
    void onSaturday_theBestMultiplierPerLine() {
        Quote quote = at("2026-03-14T10:00:00Z");

        assertThat(quote.pointsEarned()).isEqualTo(20);
        assertThat(quote.bonusPoints()).isEqualTo(32);
        assertThat(quote.applied()).extracting(Quote.Applied::id, Quote.Applied::points)
                .containsExactly(tuple("double-weekend", 8L), tuple("coffee-x3", 24L));
    }

    @Test
    void onMonday_theWeekendIsOver() {
        Quote quote = at("2026-03-16T00:00:00Z");

        assertThat(quote.bonusPoints()).isEqualTo(24);
    }
}
