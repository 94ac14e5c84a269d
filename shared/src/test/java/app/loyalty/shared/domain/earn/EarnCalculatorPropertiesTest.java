package app.loyalty.shared.domain.earn;

import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.member.MemberKind;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class EarnCalculatorPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final List<String> CATEGORIES = List.of("food", "drinks", "tobacco", "promo");

    @Provide
    Arbitrary<EarnRules> rules() {
        return Combinators.combine(
                Arbitraries.longs().between(0, 1000), Arbitraries.longs().between(1, 100_000),
                Arbitraries.integers().between(0, 100_000), Arbitraries.longs().between(0, 50_000),
                Arbitraries.longs().between(0, 10_000).injectNull(0.5), Arbitraries.longs().between(0, 10_000).injectNull(0.5))
                .as((points, per, promoBps, minimum, purchaseCap, dayCap) -> new EarnRules(new EarnRate(points, per),
                        Set.of("tobacco"), Set.of("sku-3"), Map.of("promo", promoBps, "drinks", 20_000),
                        Money.of(minimum, "EUR"), purchaseCap == null ? EarnRules.NO_CAP : purchaseCap,
                        dayCap == null ? EarnRules.NO_CAP : dayCap, 0, ExpiryPolicy.NEVER, null));
    }

    @Provide
    Arbitrary<List<BasketLine>> lines() {
        Arbitrary<BasketLine> line = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.of(CATEGORIES), Arbitraries.longs().between(1, 50), Arbitraries.longs().between(0, 1_000_000))
                .as((sku, category, quantity, price) -> new BasketLine("sku-" + sku, category, quantity, price));
        return line.list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 1000)
    void points_equalTheExactFormulaRoundedDownOnce(@ForAll("rules") EarnRules rules, @ForAll("lines") List<BasketLine> lines,
                                                    @ForAll @IntRange(min = 0, max = 100) int paidPercent,
                                                    @ForAll @LongRange(min = 0, max = 20_000) long earnedToday) {
        assertPointsEqualTheExactFormula(rules, lines, paidPercent, earnedToday);
    }

    /** Rates up to what a program accepts (10^6 points per minor unit) on baskets up to 10^10: no overflow. */
    @Property(tries = 300)
    void points_equalTheExactFormula_upToTheLargestRatesAndAmounts(
            @ForAll @LongRange(min = 1, max = 1_000_000) long ratePoints, @ForAll @LongRange(min = 1, max = 1_000) long per,
            @ForAll @IntRange(min = 0, max = 100_000) int promoBps, @ForAll @LongRange(min = 1, max = 10_000) long quantity,
            @ForAll @LongRange(min = 0, max = 1_000_000) long unitPrice, @ForAll @IntRange(min = 0, max = 100) int paidPercent) {
        EarnRules rules = new EarnRules(new EarnRate(ratePoints, per), Set.of(), Set.of(), Map.of("promo", promoBps),
                Money.zero("EUR"), EarnRules.NO_CAP, EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, null);
        List<BasketLine> lines = List.of(new BasketLine("big", "promo", quantity, unitPrice),
                new BasketLine("small", "food", 1, 1));

        assertPointsEqualTheExactFormula(rules, lines, paidPercent, 0);
    }

    private static void assertPointsEqualTheExactFormula(EarnRules rules, List<BasketLine> lines, int paidPercent,
                                                         long earnedToday) {
        long total = lines.stream().mapToLong(BasketLine::lineTotal).sum();
        long paid = total * paidPercent / 100;
        Purchase purchase = new Purchase(MemberKind.CUSTOMER, lines, Money.of(total, "EUR"), Money.of(paid, "EUR"),
                earnedToday, NOW);

        Earning earning = EarnCalculator.calculate(rules, purchase);

        BigInteger weighted = BigInteger.ZERO;
        for (BasketLine line : lines) {
            boolean excluded = rules.excludedSkus().contains(line.sku()) || rules.excludedCategories().contains(line.category());
            int bps = excluded ? 0 : rules.categoryMultipliersBps().getOrDefault(line.category(), 10_000);
            weighted = weighted.add(BigInteger.valueOf(line.lineTotal()).multiply(BigInteger.valueOf(bps)));
        }
        long expected = total == 0 || total < rules.minimumBasket().minorUnits() ? 0
                : weighted.multiply(BigInteger.valueOf(total - paid)).multiply(BigInteger.valueOf(rules.rate().points()))
                        .divide(BigInteger.valueOf(total).multiply(BigInteger.valueOf(10_000))
                                .multiply(BigInteger.valueOf(rules.rate().perMinorUnits()))).longValueExact();
        expected = Math.min(expected, rules.maxPointsPerPurchase());
        expected = Math.min(expected, Math.max(0, rules.maxPointsPerDay() - earnedToday));
        assertThat(earning.points()).isEqualTo(expected);
        assertThat(earning.breakdown().eligibleAmount() + earning.breakdown().excludedAmount()).isEqualTo(total);
    }

    @Property(tries = 500)
    void splittingALineInTwo_neverChangesThePoints(@ForAll("rules") EarnRules rules, @ForAll("lines") List<BasketLine> lines,
                                                   @ForAll @IntRange(min = 0, max = 7) int which) {
        BasketLine line = lines.get(which % lines.size());
        if (line.quantity() < 2) {
            return;
        }
        List<BasketLine> split = new ArrayList<>(lines);
        long firstPart = line.quantity() / 2;
        split.set(which % lines.size(), new BasketLine(line.sku(), line.category(), firstPart, line.unitPriceMinor()));
        split.add(new BasketLine(line.sku(), line.category(), line.quantity() - firstPart, line.unitPriceMinor()));
        long total = lines.stream().mapToLong(BasketLine::lineTotal).sum();

        long whole = EarnCalculator.calculate(rules, new Purchase(MemberKind.CUSTOMER, lines, Money.of(total, "EUR"),
                Money.zero("EUR"), 0, NOW)).points();
        long parts = EarnCalculator.calculate(rules, new Purchase(MemberKind.CUSTOMER, split, Money.of(total, "EUR"),
                Money.zero("EUR"), 0, NOW)).points();

        assertThat(parts).isEqualTo(whole);
    }

    @Property(tries = 500)
    void payingMoreWithPoints_neverEarnsMore(@ForAll("rules") EarnRules rules, @ForAll("lines") List<BasketLine> lines,
                                             @ForAll @IntRange(min = 0, max = 99) int paidPercent) {
        long total = lines.stream().mapToLong(BasketLine::lineTotal).sum();
        long paid = total * paidPercent / 100;
        Money eurTotal = Money.of(total, "EUR");

        long less = EarnCalculator.calculate(rules, new Purchase(MemberKind.CUSTOMER, lines, eurTotal,
                Money.of(paid, "EUR"), 0, NOW)).points();
        long more = EarnCalculator.calculate(rules, new Purchase(MemberKind.CUSTOMER, lines, eurTotal,
                Money.of(Math.min(total, paid + 1 + total / 100), "EUR"), 0, NOW)).points();

        assertThat(more).isLessThanOrEqualTo(less);
    }
}
