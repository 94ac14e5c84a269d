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

/** docs/discounts.md, the worked examples of "InstantRewards" (fixtures: {@link Checkouts}). */
class QuoteInstantRewardsTest {
    final Promotion threeForTwo = new Promotion("latte-3-for-2", Promotion.Kind.INSTANT_REWARD, null, null, null, null,
            new Promotion.ItemMatch("latte", null, 2), new Promotion.ItemMatch("latte", null, 1), 10_000, 2, null, null, null);
    final Promotion cakeThenHalfCoffee = new Promotion("cake-coffee-half", Promotion.Kind.INSTANT_REWARD, null, null, null,
            null, new Promotion.ItemMatch(null, "food", 1), new Promotion.ItemMatch(null, "coffee", 1), 5000, null, null, null, null);

    @Test
    void buyTwoGetOneFree_twiceAtMost() {
        Quote quote = quote(rules(null, null, List.of(threeForTwo), null, null, null), MemberFacts.customer(0, 0),
                new BasketLine("latte", "coffee", 7, 350));

        assertThat(quote.totalDiscount()).isEqualTo(700);
    }

    @Test
    void buyTwoGetOneFree_needsThreeUnits() {
        Quote quote = quote(rules(null, null, List.of(threeForTwo), null, null, null), MemberFacts.customer(0, 0),
                new BasketLine("latte", "coffee", 2, 350));

        assertThat(quote.totalDiscount()).isZero();
        assertThat(quote.notApplied()).extracting(Quote.NotApplied::reason).containsExactly(Reason.CONDITION_NOT_MET);
    }

    @Test
    void buyACake_getTheCheapestCoffeeHalfPrice() {
        Quote quote = quote(rules(null, null, List.of(cakeThenHalfCoffee), null, null, null), MemberFacts.customer(0, 0),
                new BasketLine("brownie", "food", 1, 300), new BasketLine("flatwhite", "coffee", 1, 400),
                new BasketLine("latte", "coffee", 1, 350));

        assertThat(discounts(quote)).containsExactly(0, 0, 175);
    }
}
