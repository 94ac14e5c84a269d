package app.loyalty.shared.domain.earn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.member.MemberKind;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class EarnCalculatorPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final List<String> CATEGORIES = List.of("food", "drinks", "tobacco", "promo");

    private static Gen<EarnRules> rules() {
        Gen<EarnRate> rate = longs().between(0, 1000).zip(longs().between(1, 100_000), EarnRate::new);
        return rate.zip(integers().between(0, 100_000), longs().between(0, 50_000),
                capOrNone(longs().between(0, 10_000)), capOrNone(longs().between(0, 10_000)),
                (earnRate, promoBps, minimum, purchaseCap, dayCap) -> new EarnRules(earnRate,
                        Set.of("tobacco"), Set.of("sku-3"), Map.of("promo", promoBps, "drinks", 20_000),
                        Money.of(minimum, "EUR"), purchaseCap, dayCap, 0, ExpiryPolicy.NEVER, null));
    }

    /** Half the time no cap at all, so both capped and uncapped programs are covered. */
    private static Gen<Long> capOrNone(Gen<Long> cap) {
        return arbitrary().pick(true, false).zip(cap, (capped, value) -> capped ? value : EarnRules.NO_CAP);
    }

    private static Gen<List<BasketLine>> lines() {
        Gen<BasketLine> line = integers().between(0, 5).zip(arbitrary().pick(CATEGORIES), longs().between(1, 50),
                longs().between(0, 1_000_000),
                (sku, category, quantity, price) -> new BasketLine("sku-" + sku, category, quantity, price));
        return lists().of(line).ofSizeBetween(1, 8);
    }

    @Test
    void points_equalTheExactFormulaRoundedDownOnce() {
        qt().withExamples(1000)
                .forAll(rules(), lines(), integers().between(0, 100), longs().between(0, 20_000))
                .checkAssert(EarnCalculatorPropertiesTest::assertPointsEqualTheExactFormula);
    }

    /** Rates up to what a program accepts (10^6 points per minor unit) on baskets up to 10^10: no overflow. */
    @Test
    void points_equalTheExactFormula_upToTheLargestRatesAndAmounts() {
        Gen<EarnRate> rate = longs().between(1, 1_000_000).zip(longs().between(1, 1_000), EarnRate::new);
        Gen<BasketLine> bigLine = longs().between(1, 10_000).zip(longs().between(0, 1_000_000),
                (quantity, unitPrice) -> new BasketLine("big", "promo", quantity, unitPrice));
        qt().withExamples(300)
                .forAll(rate, integers().between(0, 100_000), bigLine, integers().between(0, 100))
                .checkAssert((earnRate, promoBps, big, paidPercent) -> {
                    EarnRules rules = new EarnRules(earnRate, Set.of(), Set.of(), Map.of("promo", promoBps),
                            Money.zero("EUR"), EarnRules.NO_CAP, EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, null);
                    List<BasketLine> lines = List.of(big, new BasketLine("small", "food", 1, 1));

                    assertPointsEqualTheExactFormula(rules, lines, paidPercent, 0L);
                });
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

    @Test
    void splittingALineInTwo_neverChangesThePoints() {
        qt().withExamples(500).forAll(rules(), lines(), integers().between(0, 7)).checkAssert((rules, lines, which) -> {
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
        });
    }

    @Test
    void payingMoreWithPoints_neverEarnsMore() {
        qt().withExamples(500).forAll(rules(), lines(), integers().between(0, 99)).checkAssert((rules, lines, paidPercent) -> {
            long total = lines.stream().mapToLong(BasketLine::lineTotal).sum();
            long paid = total * paidPercent / 100;
            Money eurTotal = Money.of(total, "EUR");

            long less = EarnCalculator.calculate(rules, new Purchase(MemberKind.CUSTOMER, lines, eurTotal,
                    Money.of(paid, "EUR"), 0, NOW)).points();
            long more = EarnCalculator.calculate(rules, new Purchase(MemberKind.CUSTOMER, lines, eurTotal,
                    Money.of(Math.min(total, paid + 1 + total / 100), "EUR"), 0, NOW)).points();

            assertThat(more).isLessThanOrEqualTo(less);
        });
    }
}
