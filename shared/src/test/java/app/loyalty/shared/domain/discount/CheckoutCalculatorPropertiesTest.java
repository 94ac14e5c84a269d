package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.program.ProgramRules.Discount;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

/** What holds for every checkout, whatever the rules, basket and member. */
class CheckoutCalculatorPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-03-14T12:00:00Z");
    private static final List<String> CATEGORIES = List.of("food", "drinks", "books");

    private static Gen<List<BasketLine>> lines() {
        Gen<BasketLine> line = integers().between(0, 3).zip(arbitrary().pick(CATEGORIES), longs().between(1, 12),
                longs().between(0, 100_000), (sku, category, quantity, price) -> new BasketLine("sku-" + sku, category, quantity, price));
        return lists().of(line).ofSizeBetween(1, 6);
    }

    /** Every part of the engine switched on at generated strengths, in a generated order. */
    private static Gen<ProgramRules> rules() {
        Gen<Stacking> stacking = longs().all().map(CheckoutCalculatorPropertiesTest::shuffledSteps)
                .zip(arbitrary().enumValues(Stacking.Combination.class), integers().between(0, 10_000), arbitrary().pick(true, false),
                        (order, combination, maxBp, shipping) -> new Stacking(order, combination, maxBp,
                                shipping ? Set.of(Adjustment.Kind.SHIPPING) : Set.of()));
        Gen<List<Promotion>> promotions = integers().between(1, 10_000).zip(integers().between(1, 4), integers().between(10_001, 100_000),
                (rewardBp, buy, multiplierBp) -> List.of(
                        new Promotion("x-for-y", Promotion.Kind.INSTANT_REWARD, null, null, null, null,
                                new Promotion.ItemMatch("sku-1", null, buy), new Promotion.ItemMatch(null, "food", 1), rewardBp, 3,
                                null, null, null),
                        new Promotion("birthday", Promotion.Kind.BIRTHDAY, null, null, null, null, null, null, null, null, 5, 100L, rewardBp),
                        new Promotion("multiplier", Promotion.Kind.MULTIPLIER, null, null, Set.of("drinks"), multiplierBp,
                                null, null, null, null, null, null, null)));
        Gen<List<RewardPool>> pools = integers().between(0, 10_000).zip(integers().between(1, 10_000),
                (chance, percent) -> List.of(new RewardPool("money", chance, RewardPool.BudgetUnit.MINOR_UNITS, 100_000L, List.of(
                        new RewardPool.Reward(RewardPool.Reward.Kind.LINE_PERCENT, 2, null, percent, null),
                        new RewardPool.Reward(RewardPool.Reward.Kind.FREE_SKU, 1, null, null, "sku-2"))),
                        new RewardPool("points", chance, RewardPool.BudgetUnit.POINTS, 1000L,
                                List.of(new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 1, 25L, null, null)))));
        Gen<StaffDiscount> staff = integers().between(0, 10_000).zip(longs().between(0, 50_000),
                (bp, cap) -> new StaffDiscount(bp, Map.of("books", 10_000 - bp), cap));
        Gen<Discount> discount = integers().between(0, 10_000).zip(longs().between(1, 100), longs().between(1, 100),
                (maxBp, points, minor) -> new Discount(Discount.Scheme.NONE, null, null, null, maxBp, new Discount.PointValue(points, minor)));
        Gen<Cashback> cashback = integers().between(0, 10_000).map(bp -> new Cashback(bp, Map.of("food", 10_000 - bp), Map.of("500", 100)));
        return stacking.zip(promotions, pools, staff, discount.zip(cashback, (d, c) -> new Object[]{d, c}),
                (stackingRules, promotionRules, poolRules, staffRules, discountAndCashback) -> new ProgramRules(null, null, 0, null,
                        (Discount) discountAndCashback[0], null, (Cashback) discountAndCashback[1], promotionRules, poolRules,
                        staffRules, stackingRules, null));
    }

    /** The steps in an order the seed picks (a seeded shuffle, so QuickTheories can replay a failing example). */
    private static List<Stacking.Step> shuffledSteps(long seed) {
        List<Stacking.Step> steps = new ArrayList<>(List.of(Stacking.Step.values()));
        java.util.Collections.shuffle(steps, new java.util.Random(seed));
        return steps;
    }

    private static Gen<MemberFacts> members() {
        return arbitrary().enumValues(MemberKind.class).zip(integers().between(0, 10_000), longs().between(0, 1_000_000),
                longs().between(0, 60_000), arbitrary().pick(true, false),
                (kind, cardBp, available, staffUsed, birthdayNow) -> new MemberFacts(kind, cardBp, "gold", Set.of("vip"),
                        birthdayNow ? LocalDate.parse("1990-03-15") : LocalDate.parse("1990-09-01"), available, staffUsed, 0));
    }

    private static Gen<Checkout> checkouts() {
        Gen<PromoCode> codes = arbitrary().pick(true, false).zip(integers().between(1, 10_000), longs().between(1, 200_000),
                (percent, bp, amount) -> percent ? new PromoCode("CODE", bp, null, null, null, 10L, null, null, null, null, null)
                        : new PromoCode("CODE", null, amount, null, null, 10L, null, null, null, null, Set.of("food")));
        Gen<Adjustment> shipping = longs().between(0, 2000).map(amount -> new Adjustment(Adjustment.Kind.SHIPPING, amount, "post"));
        return rules().zip(lines(), members(), codes.zip(longs().between(0, 12), (code, uses) -> new Checkout.PromoCodeUse(code, uses, Math.min(uses, 1))),
                longs().between(0, 2_000_000).zip(shipping, integers().between(0, 1_000_000), (points, adjustment, order) -> new Object[]{points, adjustment, order}),
                (rules, lines, member, code, rest) -> new Checkout(new Program("prog-1", "Club", "EUR", rules, NOW, NOW, 1),
                        "order-" + rest[2], lines, List.of((Adjustment) rest[1], new Adjustment(Adjustment.Kind.COUPON, -100, "own")),
                        member, code, (Long) rest[0], Map.of("money", 5_000L), NOW));
    }

    @Test
    void discounts_areNeverNegative_neverAboveTheBasket_andAddUpPerLine() {
        qt().withExamples(2000).forAll(checkouts()).checkAssert(checkout -> {
            Quote quote = CheckoutCalculator.quote(checkout);
            long lineSum = 0;
            for (Quote.LineQuote line : quote.lines()) {
                assertThat(line.discount()).isBetween(0L, line.amount());
                assertThat(line.net()).isEqualTo(line.amount() - line.discount()).isNotNegative();
                lineSum += line.discount();
            }
            assertThat(quote.totalDiscount()).isEqualTo(lineSum).isBetween(0L, quote.discountable());
            assertThat(quote.totalDiscount()).as("the program's maximum total discount")
                    .isLessThanOrEqualTo(quote.discountable() * checkout.program().rules().stacking().maxTotalDiscountBp() / 10_000);
            assertThat(quote.amountDue()).isNotNegative();
            assertThat(quote.amountToPay()).isBetween(0L, quote.amountDue());
            assertThat(quote.applied().stream().filter(a -> a.kind() != Quote.Kind.POINTS).mapToLong(Quote.Applied::amount).sum())
                    .as("applied discounts add up to the total").isEqualTo(quote.totalDiscount());
        });
    }

    @Test
    void staffDiscount_neverPassesTheMonthlyCap() {
        qt().withExamples(1000).forAll(checkouts()).checkAssert(checkout -> {
            Quote quote = CheckoutCalculator.quote(checkout);
            long staff = quote.applied().stream().filter(a -> a.kind() == Quote.Kind.STAFF).mapToLong(Quote.Applied::amount).sum();
            assertThat(staff).isLessThanOrEqualTo(checkout.program().rules().staff()
                    .leftThisMonth(checkout.member().staffDiscountUsedThisMonth()));
            if (checkout.member().kind() == MemberKind.CUSTOMER) {
                assertThat(staff).isZero();
            }
        });
    }

    @Test
    void pointsApplied_neverExceedUsable_requested_orAvailable_norPayMoreThanAllowed() {
        qt().withExamples(2000).forAll(checkouts()).checkAssert(checkout -> {
            Quote quote = CheckoutCalculator.quote(checkout);
            Quote.Points points = quote.points();
            Discount discount = checkout.program().rules().discount();
            assertThat(points.applied()).isBetween(0L, points.usable()).isLessThanOrEqualTo(points.requested());
            assertThat(points.usable()).isLessThanOrEqualTo(checkout.member().availablePoints());
            assertThat(points.appliedValue()).isBetween(0L, points.usableValue());
            assertThat(points.usableValue()).isLessThanOrEqualTo(quote.amountDue() * discount.maxPointsPaymentBp() / 10_000);
            assertThat(discount.pointValue().pointsFor(points.appliedValue())).as("no point spent for nothing").isEqualTo(points.applied());
        });
    }

    @Test
    void theSameCheckout_givesTheSameQuote_blindDrawIncluded() {
        qt().withExamples(1000).forAll(checkouts()).checkAssert(checkout -> {
            Checkout again = new Checkout(checkout.program(), checkout.orderId(), new ArrayList<>(checkout.lines()),
                    checkout.adjustments(), checkout.member(), checkout.promoCode(), checkout.pointsToSpend(),
                    checkout.poolBudgetsLeft(), checkout.now());
            assertThat(CheckoutCalculator.quote(again)).isEqualTo(CheckoutCalculator.quote(checkout));
        });
    }

    @Test
    void creditsAreNeverNegative() {
        qt().withExamples(1000).forAll(checkouts()).checkAssert(checkout -> {
            Quote quote = CheckoutCalculator.quote(checkout);
            assertThat(List.of(quote.pointsEarned(), quote.bonusPoints(), quote.cashbackPoints(), quote.birthdayPoints()))
                    .allSatisfy(points -> assertThat(points).isNotNegative());
        });
    }

    @Test
    void shares_addUpToTheTotal_andNeverExceedTheirWeight() {
        qt().withExamples(3000).forAll(lists().of(longs().between(0, 1_000_000)).ofSizeBetween(1, 8), integers().between(0, 10_000))
                .checkAssert((weights, bp) -> {
                    long[] array = weights.stream().mapToLong(Long::longValue).toArray();
                    long total = Shares.percent(Shares.sum(array), bp);
                    long[] shares = Shares.spread(total, array);
                    assertThat(Shares.sum(shares)).isEqualTo(total);
                    for (int i = 0; i < array.length; i++) {
                        assertThat(shares[i]).isBetween(0L, array[i]);
                    }
                });
    }
}
