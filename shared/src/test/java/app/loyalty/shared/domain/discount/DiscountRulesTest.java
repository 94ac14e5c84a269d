package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules model: defaults that change nothing, a lossless JSON round trip, and refusals naming the field. */
class DiscountRulesTest {

    static final ProgramRules EVERY_PART = new ProgramRules(null, null, 0, null, null, null,
            new Cashback(200, Map.of("books", 500), Map.of("1000", 300)),
            List.of(new Promotion("double-weekend", Promotion.Kind.MULTIPLIER, Instant.parse("2026-03-14T00:00:00Z"),
                            Instant.parse("2026-03-16T00:00:00Z"), Set.of("coffee"), 20_000, null, null, null, null, null, null, null),
                    new Promotion("latte-3-for-2", Promotion.Kind.INSTANT_REWARD, null, null, null, null,
                            new Promotion.ItemMatch("latte", null, 2), new Promotion.ItemMatch("latte", null, null), 10_000, 2,
                            null, null, null),
                    new Promotion("birthday", Promotion.Kind.BIRTHDAY, null, null, null, null, null, null, null, null, 3, 500L, 1000)),
            List.of(new RewardPool("lucky", 500, RewardPool.BudgetUnit.MINOR_UNITS, 100_000L, List.of(
                    new RewardPool.Reward(RewardPool.Reward.Kind.LINE_PERCENT, 3, null, 5000, null),
                    new RewardPool.Reward(RewardPool.Reward.Kind.FREE_SKU, null, null, null, "mug")))),
            new StaffDiscount(2000, Map.of("alcohol", 0), 10_000L),
            new Stacking(List.of(Stacking.Step.CARD), Stacking.Combination.BETTER_WINS, 3000,
                    Set.of(Adjustment.Kind.TAX, Adjustment.Kind.SHIPPING)), null);

    @Test
    void rulesWithoutTheEngineParts_getDefaultsThatDiscountNothing() {
        ProgramRules rules = new ProgramRules(null, null, 14, null, null, null);

        assertThat(rules.cashback()).isEqualTo(Cashback.NONE);
        assertThat(rules.promotions()).isEmpty();
        assertThat(rules.rewardPools()).isEmpty();
        assertThat(rules.staff()).isEqualTo(StaffDiscount.NONE);
        assertThat(rules.stacking()).isEqualTo(Stacking.DEFAULT);
        assertThat(ProgramRules.DEFAULT.stacking().order()).isEqualTo(List.of(Stacking.Step.values()));
    }

    @Test
    void everyPart_survivesTheJsonTheProgramItemStores() throws Exception {
        String json = Json.MAPPER.writeValueAsString(EVERY_PART);

        assertThat(Json.MAPPER.readValue(json, ProgramRules.class)).isEqualTo(EVERY_PART);
        assertThat(json).contains("\"discountableAdjustments\":[\"SHIPPING\",\"TAX\"]");
    }

    @Test
    void storedRulesFromBeforeTheEngine_readWithDefaults() throws Exception {
        ProgramRules rules = Json.MAPPER.readValue("{\"pendingDays\":7}", ProgramRules.class);

        assertThat(rules.stacking()).isEqualTo(Stacking.DEFAULT);
        assertThat(rules.cashback().bpFor("books", 1000)).isZero();
    }

    @Test
    void cashbackLevels_pickTheHighestReached() {
        Cashback cashback = new Cashback(100, Map.of(), Map.of("500", 200, "1000", 300));

        assertThat(List.of(cashback.bpFor(null, 0), cashback.bpFor(null, 500), cashback.bpFor(null, 999), cashback.bpFor(null, 3000)))
                .containsExactly(100, 200, 200, 300);
    }

    @Test
    void badValues_areRefusedNamingTheField() {
        Map<String, Supplier<Object>> refusals = Map.of(
                "cashback.levelBp", () -> new Cashback(0, Map.of(), Map.of("05", 100)),
                "promoCode.code", () -> new PromoCode("lower", 100, null, null, null, null, null, null, null, null, null),
                "promoCode needs exactly one", () -> new PromoCode("BOTH", 100, 5L, null, null, null, null, null, null, null, null),
                "promoCode.validFrom", () -> new PromoCode("WINDOW", 100, null, Instant.EPOCH, Instant.EPOCH, null, null, null, null, null, null),
                "promoCode.maxUsesPerMember", () -> new PromoCode("ZERO", 100, null, null, null, null, 0L, null, null, null, null),
                "promotions[].buy and get", () -> new Promotion.ItemMatch("latte", "coffee", 1),
                "promotions[].maxPerOrder", () -> new Promotion("x", Promotion.Kind.INSTANT_REWARD, null, null, null, null,
                        new Promotion.ItemMatch("a", null, 1), new Promotion.ItemMatch("b", null, 1), 5000, 0, null, null, null),
                "rewardPools[].rewards[].weight", () -> new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 0, 5L, null, null),
                "rewardPools[].id", () -> new RewardPool("has space", 1, RewardPool.BudgetUnit.POINTS, 5L,
                        List.of(new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 1, 5L, null, null))),
                "member.cardDiscountBp", () -> MemberFacts.customer(10_001, 0));
        refusals.forEach((field, construct) -> assertThatThrownBy(construct::get).as(field)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field));
    }

    @Test
    void promoCodeCheck_saysTheFirstReasonInTheDocumentedOrder() {
        PromoCode code = new PromoCode("ALL", 100, null, Instant.parse("2026-03-01T00:00:00Z"), null, 10L, 1L, 5000L,
                Set.of("gold"), Set.of(), Set.of());

        // Exhausted, member limit, wrong tier and below minimum at once: the limit overall is said first.
        PromoCode.Check check = code.check(Instant.parse("2026-03-10T00:00:00Z"), 100, 100, "silver", Set.of(), 10, 1);

        assertThat(check.refusal()).isEqualTo(PromoCode.Refusal.EXHAUSTED);
        assertThat(code.check(Instant.parse("2026-02-10T00:00:00Z"), 100, 100, "silver", Set.of(), 10, 1).refusal())
                .isEqualTo(PromoCode.Refusal.NOT_YET_VALID);
        assertThat(code.check(Instant.parse("2026-03-10T00:00:00Z"), 5000, 5000, "gold", Set.of(), 9, 0).applies()).isTrue();
    }
}
