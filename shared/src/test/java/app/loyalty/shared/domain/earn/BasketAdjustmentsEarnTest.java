package app.loyalty.shared.domain.earn;

import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

/** Order-level adjustments in the earn calculation, the largest remainder split and returns of such orders. */
class BasketAdjustmentsEarnTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    /** 1 point per 1.00; tobacco excluded; drinks x2. */
    private static final EarnRules RULES = new EarnRules(new EarnRate(1, 100), Set.of("tobacco"), Set.of(),
            Map.of("drinks", 20_000), Money.zero("EUR"), EarnRules.NO_CAP, EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, null);

    private static Purchase purchase(List<BasketLine> lines, List<Adjustment> adjustments) {
        long total = lines.stream().mapToLong(BasketLine::lineTotal).sum() + Adjustment.sum(adjustments);
        return new Purchase(MemberKind.CUSTOMER, lines, adjustments, Money.of(total, "EUR"), Money.zero("EUR"), 0, NOW, NOW);
    }

    private static EarnRules counting(Adjustment.Kind... kinds) {
        Set<Adjustment.Kind> counted = kinds.length == 0 ? EnumSet.noneOf(Adjustment.Kind.class) : EnumSet.copyOf(List.of(kinds));
        return new EarnRules(RULES.rate(), RULES.excludedCategories(), RULES.excludedSkus(), RULES.categoryMultipliersBps(),
                RULES.minimumBasket(), RULES.maxPointsPerPurchase(), RULES.maxPointsPerDay(), 0, ExpiryPolicy.NEVER, null, counted);
    }

    @Test
    void largestRemainder_addsUpExactly_givesLeftoverUnitsToTheLargestRemainders_earlierFirstOnATie() {
        assertThat(LargestRemainder.split(100, new long[]{100, 100, 100})).containsExactly(34, 33, 33);
        assertThat(LargestRemainder.split(10, new long[]{5, 0, 15})).containsExactly(3, 0, 7); // 2.5 / 7.5: tie, earlier
        assertThat(LargestRemainder.split(7, new long[]{2, 2, 3})).containsExactly(2, 2, 3);
        assertThat(LargestRemainder.split(0, new long[]{0, 0})).containsExactly(0, 0);
        assertThatThrownBy(() -> LargestRemainder.split(8, new long[]{2, 2, 3})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void largestRemainder_neverGivesAPartMoreThanItsWeight_upToTheLargestAmounts() {
        qt().withExamples(500).forAll(lists().of(longs().between(0, 100_000_000_000_000L)).ofSizeBetween(1, 12),
                integers().between(0, 100)).checkAssert((weights, percent) -> {
            long[] w = weights.stream().mapToLong(Long::longValue).toArray();
            long sum = weights.stream().mapToLong(Long::longValue).sum();
            long amount = sum / 100 * percent;
            long[] shares = LargestRemainder.split(amount, w);
            long given = 0;
            for (int i = 0; i < w.length; i++) {
                assertThat(shares[i]).isBetween(0L, w[i]);
                given += shares[i];
            }
            assertThat(given).isEqualTo(amount);
        });
    }

    @Test
    void coupon_isSpreadInProportion_soTheExcludedLineTakesItsShareAndTheMultipliedLineKeepsItsMultiplier() {
        List<BasketLine> lines = List.of(new BasketLine("bread", "food", 1, 6000), new BasketLine("wine", "drinks", 1, 3000),
                new BasketLine("cigars", "tobacco", 1, 1000));

        Earning earning = EarnCalculator.calculate(RULES, purchase(lines, List.of(new Adjustment(Adjustment.Kind.COUPON, -1000))));

        // 54.00 + 27.00 x2 = 108 points; the cigars' 1.00 share of the coupon costs no points
        assertThat(earning.points()).isEqualTo(108);
        assertThat(earning.breakdown().lines()).extracting(Earning.LineEarning::countedAdjustment).containsExactly(-600L, -300L, -100L);
        assertThat(earning.breakdown().countedAdjustments()).isEqualTo(-1000);
    }

    @Test
    void chargesEarnNothingByDefault_butACountedChargeEarnsAtX1() {
        List<BasketLine> lines = List.of(new BasketLine("wine", "drinks", 1, 1000));
        List<Adjustment> charges = List.of(new Adjustment(Adjustment.Kind.SHIPPING, 500, "DHL"),
                new Adjustment(Adjustment.Kind.TAX, 300), new Adjustment(Adjustment.Kind.FEE, 200));

        assertThat(EarnCalculator.calculate(RULES, purchase(lines, charges)).points()).isEqualTo(20);
        assertThat(EarnCalculator.calculate(counting(Adjustment.Kind.SHIPPING, Adjustment.Kind.FEE), purchase(lines, charges))
                .points()).isEqualTo(27);
        assertThat(EarnCalculator.calculate(RULES, purchase(lines, charges)).breakdown().uncountedAdjustments()).isEqualTo(1000);
    }

    @Test
    void aCouponLargerThanTheGoods_takesEverythingOffAndNoMore() {
        // the coupon also pays the (uncounted) shipping: the goods earn nothing, never less than nothing
        Purchase purchase = purchase(List.of(new BasketLine("bread", "food", 1, 500)),
                List.of(new Adjustment(Adjustment.Kind.SHIPPING, 1000), new Adjustment(Adjustment.Kind.COUPON, -800)));

        Earning earning = EarnCalculator.calculate(RULES, purchase);

        assertThat(earning.points()).isZero();
        assertThat(earning.breakdown().lines()).extracting(Earning.LineEarning::netTotal).containsExactly(0L);
        assertThat(EarnCalculator.pointsBase(RULES, purchase)).as("700 - 1000 shipping leaves nothing: the whole total").isEqualTo(700);
    }

    @Test
    void purchase_refusesLinesAndAdjustmentsThatDoNotAddUpToTheTotal_andGoodsBelowZero() {
        List<BasketLine> lines = List.of(new BasketLine("bread", "food", 1, 500));
        List<Adjustment> shipping = List.of(new Adjustment(Adjustment.Kind.SHIPPING, 100));
        assertThatThrownBy(() -> new Purchase(MemberKind.CUSTOMER, lines, shipping, Money.of(500, "EUR"), Money.zero("EUR"), 0, NOW, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Purchase(MemberKind.CUSTOMER, List.of(), shipping, Money.of(50, "EUR"), Money.zero("EUR"), 0, NOW, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Adjustment(Adjustment.Kind.COUPON, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Adjustment(Adjustment.Kind.TAX, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Adjustment(Adjustment.Kind.FEE, 1, "a\u202Eb")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Adjustment(Adjustment.Kind.FEE, 1, "  Cafe\u0301 ").label()).isEqualTo("Café");
    }

    @Test
    void programRules_adjustmentKinds_defaultToCoupon_areCheckedAndKeptInTheKindsOrder() {
        ProgramRules.Earn earn = ProgramRules.Earn.DEFAULT;
        assertThat(earn.adjustmentKinds()).containsExactly("coupon");
        assertThat(earn.withAdjustmentKinds(List.of("fee", "shipping")).adjustmentKinds()).containsExactly("shipping", "fee");
        assertThat(earn.withAdjustmentKinds(List.of()).countedAdjustmentKinds()).isEmpty();
        assertThatThrownBy(() -> earn.withAdjustmentKinds(List.of("coupon", "coupon"))).hasMessageContaining("at most once");
        assertThatThrownBy(() -> earn.withAdjustmentKinds(List.of("COUPON"))).hasMessageContaining("coupon, shipping, tax, fee");
        assertThatThrownBy(() -> earn.withAdjustmentKinds(java.util.Arrays.asList("tax", null))).hasMessageContaining("null");
    }

    @Test
    void returns_reversePointsAgainstThePointsBase_goodsFirst_soUncountedChargesRefundedLastReverseNothing() {
        // 104.95 of which 4.95 uncounted shipping earned 100 points: base 100.00
        assertThat(ProportionalReturn.pointsToReverse(100, Money.of(10_495, "EUR"), 10_000,
                List.of(Money.of(2_500, "EUR"), Money.of(7_500, "EUR"), Money.of(495, "EUR")))).containsExactly(25L, 75L, 0L);
        // one refund of everything reverses everything
        assertThat(ProportionalReturn.pointsToReverse(100, Money.of(10_495, "EUR"), 10_000, List.of(Money.of(10_495, "EUR"))))
                .containsExactly(100L);
        assertThatThrownBy(() -> ProportionalReturn.of(1, Money.of(100, "EUR"), 101)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- properties -------------------------------------------------------------------------------------------------

    private static final List<String> CATEGORIES = List.of("food", "drinks", "tobacco");

    private static Gen<List<BasketLine>> lines() {
        Gen<BasketLine> line = arbitrary().pick(CATEGORIES).zip(longs().between(1, 20), longs().between(0, 500_000),
                (category, quantity, price) -> new BasketLine("sku-" + category, category, quantity, price));
        return lists().of(line).ofSizeBetween(1, 8);
    }

    private static Gen<List<Adjustment>> adjustments() {
        Gen<Adjustment> adjustment = arbitrary().enumValues(Adjustment.Kind.class).zip(longs().between(0, 2_000_000),
                (kind, amount) -> new Adjustment(kind, kind == Adjustment.Kind.COUPON ? -amount : amount));
        return lists().of(adjustment).ofSizeBetween(0, 5);
    }

    private static Gen<Set<Adjustment.Kind>> kinds() {
        return lists().of(arbitrary().enumValues(Adjustment.Kind.class)).ofSizeBetween(0, 4)
                .map(list -> list.isEmpty() ? EnumSet.noneOf(Adjustment.Kind.class) : EnumSet.copyOf(list));
    }

    /** A basket whose lines and adjustments add up to a positive total, or null when these do not. */
    private static Purchase positive(List<BasketLine> lines, List<Adjustment> adjustments) {
        long total = lines.stream().mapToLong(BasketLine::lineTotal).sum() + Adjustment.sum(adjustments);
        return total <= 0 ? null : purchase(lines, adjustments);
    }

    @Test
    void aCountedCoupon_neverEarnsMoreThanTheSameBasketWithoutIt_andNoLineShareIsNegative() {
        qt().withExamples(1000).forAll(lines(), adjustments(), kinds()).checkAssert((lines, adjustments, kinds) -> {
            Purchase purchase = positive(lines, adjustments);
            if (purchase == null) {
                return;
            }
            EarnRules withCoupons = counting(with(kinds, Adjustment.Kind.COUPON));
            EarnRules withoutCoupons = counting(without(kinds, Adjustment.Kind.COUPON));
            Earning counted = EarnCalculator.calculate(withCoupons, purchase);
            Earning uncounted = EarnCalculator.calculate(withoutCoupons, purchase);
            List<Adjustment> noCoupons = adjustments.stream().filter(a -> a.kind() != Adjustment.Kind.COUPON).toList();
            Purchase couponsRemoved = positive(lines, noCoupons);

            assertThat(counted.points()).isLessThanOrEqualTo(uncounted.points());
            if (couponsRemoved != null) {
                assertThat(counted.points()).isLessThanOrEqualTo(EarnCalculator.calculate(withCoupons, couponsRemoved).points());
            }
            long shares = 0;
            for (Earning.LineEarning line : counted.breakdown().lines()) {
                assertThat(line.countedAdjustment()).isLessThanOrEqualTo(0);
                assertThat(line.netTotal()).isBetween(0L, line.lineTotal());
                shares += line.countedAdjustment();
            }
            long couponsOff = -adjustments.stream().filter(a -> a.kind() == Adjustment.Kind.COUPON).mapToLong(Adjustment::amount).sum();
            long pieces = counted.breakdown().lines().stream().mapToLong(Earning.LineEarning::lineTotal).sum();
            assertThat(-shares).as("the coupons come off in full, or everything does").isEqualTo(Math.min(couponsOff, pieces));
            assertThat(EarnCalculator.pointsBase(withCoupons, purchase)).isBetween(1L, purchase.total().minorUnits());
        });
    }

    /**
     * Without coupons: with one, counting a charge also moves part of the coupon onto the charge, and a line's
     * rounded share may then round the other way (a minor unit of a x2 line), so "never less" holds only up to that.
     */
    @Test
    void countingAChargeKind_neverEarnsLess_withoutCoupons() {
        qt().withExamples(500).forAll(lines(), adjustments(), kinds(), arbitrary().pick(Adjustment.Kind.SHIPPING,
                Adjustment.Kind.TAX, Adjustment.Kind.FEE)).checkAssert((lines, adjustments, kinds, charge) -> {
            Purchase purchase = positive(lines, adjustments.stream().filter(a -> a.kind() != Adjustment.Kind.COUPON).toList());
            if (purchase == null) {
                return;
            }
            long without = EarnCalculator.calculate(counting(without(kinds, charge)), purchase).points();
            long with = EarnCalculator.calculate(counting(with(kinds, charge)), purchase).points();

            assertThat(with).isGreaterThanOrEqualTo(without);
        });
    }

    private static Adjustment.Kind[] with(Set<Adjustment.Kind> kinds, Adjustment.Kind kind) {
        List<Adjustment.Kind> all = new ArrayList<>(kinds);
        if (!all.contains(kind)) {
            all.add(kind);
        }
        return all.toArray(Adjustment.Kind[]::new);
    }

    private static Adjustment.Kind[] without(Set<Adjustment.Kind> kinds, Adjustment.Kind kind) {
        return kinds.stream().filter(k -> k != kind).toArray(Adjustment.Kind[]::new);
    }
}
