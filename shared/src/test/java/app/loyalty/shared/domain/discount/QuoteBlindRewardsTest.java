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

/** docs/discounts.md, the worked examples of "BlindRewards" (fixtures: {@link Checkouts}). */
class QuoteBlindRewardsTest {
    RewardPool pool(int chanceBp, RewardPool.Reward... rewards) {
        return new RewardPool("lucky", chanceBp, RewardPool.Reward.Kind.POINTS == rewards[0].kind()
                ? RewardPool.BudgetUnit.POINTS : RewardPool.BudgetUnit.MINOR_UNITS, 1000L, List.of(rewards));
    }

    Quote draw(RewardPool pool, String orderId, Map<String, Long> budgetsLeft) {
        return CheckoutCalculator.quote(new Checkout(program(rules(null, null, null, List.of(pool), null, null)), orderId,
                List.of(COFFEE, CAKE), List.of(), MemberFacts.customer(0, 0), null, null, budgetsLeft, NOW));
    }

    @Test
    void aSureDraw_givesItsPoints_withinTheBudgetLeft() {
        RewardPool sure = pool(10_000, new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 1, 50L, null, null));

        assertThat(draw(sure, "order-1", Map.of()).blindRewards()).extracting(Quote.BlindReward::points).containsExactly(50L);
        assertThat(draw(sure, "order-1", Map.of("lucky", 30L)).blindRewards()).extracting(Quote.BlindReward::points).containsExactly(30L);
        assertThat(draw(sure, "order-1", Map.of("lucky", 0L)).notApplied()).extracting(Quote.NotApplied::reason)
                .containsExactly(Reason.BUDGET_EXHAUSTED);
    }

    @Test
    void noChance_drawsNothing() {
        RewardPool never = pool(0, new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 1, 50L, null, null));

        assertThat(draw(never, "order-1", Map.of()).notApplied()).extracting(Quote.NotApplied::reason)
                .containsExactly(Reason.NOT_DRAWN);
    }

    @Test
    void moneyRewards_aPercentOffTheDearestLine_orAFreeUnit() {
        RewardPool percent = pool(10_000, new RewardPool.Reward(RewardPool.Reward.Kind.LINE_PERCENT, 1, null, 5000, null));
        RewardPool freeCake = pool(10_000, new RewardPool.Reward(RewardPool.Reward.Kind.FREE_SKU, 1, null, null, "cake"));
        RewardPool freeTea = pool(10_000, new RewardPool.Reward(RewardPool.Reward.Kind.FREE_SKU, 1, null, null, "tea"));

        assertThat(discounts(draw(percent, "order-1", Map.of()))).containsExactly(350, 0);
        assertThat(discounts(draw(freeCake, "order-1", Map.of()))).containsExactly(0, 499);
        assertThat(discounts(draw(freeCake, "order-1", Map.of("lucky", 100L)))).containsExactly(0, 100);
        assertThat(draw(freeTea, "order-1", Map.of()).notApplied()).extracting(Quote.NotApplied::reason)
                .containsExactly(Reason.SKU_NOT_IN_BASKET);
    }

    @Test
    void theDraw_dependsOnTheOrder_andIsTheSameEveryTime() {
        RewardPool half = pool(5000, new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 3, 10L, null, null),
                new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 1, 100L, null, null));
        List<String> firstRun = new java.util.ArrayList<>();
        List<String> secondRun = new java.util.ArrayList<>();
        for (int order = 0; order < 200; order++) {
            firstRun.add(String.valueOf(BlindDraw.draw("prog-1", half, "order-" + order)));
            secondRun.add(String.valueOf(BlindDraw.draw("prog-1", half, "order-" + order)));
        }

        assertThat(secondRun).isEqualTo(firstRun);
        assertThat(firstRun).as("both outcomes and both rewards occur over 200 orders")
                .contains("null", String.valueOf(half.rewards().get(0)), String.valueOf(half.rewards().get(1)));
    }
}
