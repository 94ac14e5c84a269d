package app.loyalty.shared.domain.earn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.ledger.Accrual;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EarnCalculatorTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    /** One point per 1.00 EUR, nothing else. */
    private static final EarnRules ONE_PER_EURO = EarnRules.simple(new EarnRate(1, 100), "EUR", ExpiryPolicy.NEVER);

    private static Money eur(long minor) {
        return Money.of(minor, "EUR");
    }

    private static Purchase purchase(List<BasketLine> lines, long total, long paidWithPoints) {
        return new Purchase(MemberKind.CUSTOMER, lines, eur(total), eur(paidWithPoints), 0, NOW);
    }

    private static Purchase total(long total) {
        return purchase(List.of(), total, 0);
    }

    private static EarnRules withCaps(long perPurchase, long perDay) {
        return new EarnRules(new EarnRate(1, 100), Set.of(), Set.of(), Map.of(), eur(0), perPurchase, perDay, 0,
                ExpiryPolicy.NEVER, null);
    }

    @Test
    void earn_roundsDownToWholePoints() {
        assertThat(EarnCalculator.calculate(ONE_PER_EURO, total(199)).points()).isEqualTo(1);
        assertThat(EarnCalculator.calculate(ONE_PER_EURO, total(99)).points()).isZero();
        assertThat(EarnCalculator.calculate(ONE_PER_EURO, total(200)).points()).isEqualTo(2);
    }

    @Test
    void earn_roundsDownOnceForTheWholeBasket_notPerLine() {
        List<BasketLine> lines = List.of(new BasketLine("a", "food", 1, 150), new BasketLine("b", "food", 1, 150));

        assertThat(EarnCalculator.calculate(ONE_PER_EURO, purchase(lines, 300, 0)).points()).isEqualTo(3);
    }

    @Test
    void earn_usesAnExactRationalRate() {
        EarnRules onePerThreeEuros = EarnRules.simple(new EarnRate(1, 300), "EUR", ExpiryPolicy.NEVER);

        assertThat(EarnCalculator.calculate(onePerThreeEuros, total(899)).points()).isEqualTo(2);
        assertThat(EarnCalculator.calculate(onePerThreeEuros, total(900)).points()).isEqualTo(3);
    }

    @Test
    void earn_excludesCategoriesAndSkus() {
        EarnRules rules = new EarnRules(new EarnRate(1, 100), Set.of("tobacco"), Set.of("gift-card"), Map.of(), eur(0),
                EarnRules.NO_CAP, EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, null);
        List<BasketLine> lines = List.of(new BasketLine("cigars", "tobacco", 1, 5000),
                new BasketLine("gift-card", "cards", 2, 2500), new BasketLine("bread", "food", 3, 100));

        Earning earning = EarnCalculator.calculate(rules, purchase(lines, 10_300, 0));

        assertThat(earning.points()).isEqualTo(3);
        assertThat(earning.breakdown().excludedAmount()).isEqualTo(10_000);
        assertThat(earning.breakdown().eligibleAmount()).isEqualTo(300);
        assertThat(earning.breakdown().lines()).extracting(Earning.LineEarning::excludedBy)
                .containsExactly(Earning.Exclusion.CATEGORY, Earning.Exclusion.SKU, null);
    }

    @Test
    void earn_multipliesByCategory_inBasisPoints() {
        EarnRules rules = new EarnRules(new EarnRate(1, 100), Set.of(), Set.of(),
                Map.of("promo", 30_000, "halfx", 5_000), eur(0), EarnRules.NO_CAP, EarnRules.NO_CAP, 0,
                ExpiryPolicy.NEVER, null);
        List<BasketLine> lines = List.of(new BasketLine("a", "promo", 1, 1000), new BasketLine("b", "halfx", 1, 1000),
                new BasketLine("c", "plain", 1, 1000), new BasketLine("d", null, 1, 1000));

        Earning earning = EarnCalculator.calculate(rules, purchase(lines, 4000, 0));

        assertThat(earning.points()).isEqualTo(30 + 5 + 10 + 10);
        assertThat(earning.breakdown().lines()).extracting(Earning.LineEarning::multiplierBps)
                .containsExactly(30_000, 5_000, 10_000, 10_000);
    }

    @Test
    void earn_givesNothingForThePartPaidWithPoints() {
        Earning earning = EarnCalculator.calculate(ONE_PER_EURO, purchase(List.of(), 1000, 400));

        assertThat(earning.points()).isEqualTo(6);
        assertThat(earning.breakdown().earningAmount()).isEqualTo(600);
        assertThat(EarnCalculator.calculate(ONE_PER_EURO, purchase(List.of(), 1000, 1000)).points()).isZero();
    }

    @Test
    void earn_givesNothingBelowTheMinimumBasket_andEarnsAtTheMinimumExactly() {
        EarnRules rules = new EarnRules(new EarnRate(1, 100), Set.of(), Set.of(), Map.of(), eur(2000),
                EarnRules.NO_CAP, EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, null);

        Earning below = EarnCalculator.calculate(rules, total(1999));
        assertThat(below.points()).isZero();
        assertThat(below.breakdown().minimumBasketMet()).isFalse();
        assertThat(EarnCalculator.calculate(rules, total(2000)).points()).isEqualTo(20);
    }

    @Test
    void earn_capsOnePurchase() {
        Earning earning = EarnCalculator.calculate(withCaps(50, EarnRules.NO_CAP), total(10_000));

        assertThat(earning.points()).isEqualTo(50);
        assertThat(earning.breakdown().pointsBeforeCaps()).isEqualTo(100);
        assertThat(earning.breakdown().cappedBy()).isEqualTo(Earning.Cap.PURCHASE);
    }

    @Test
    void earn_capsTheDay_givenThePointsAlreadyEarnedToday() {
        EarnRules rules = withCaps(EarnRules.NO_CAP, 120);
        Purchase secondToday = new Purchase(MemberKind.CUSTOMER, List.of(), eur(10_000), eur(0), 80, NOW);
        Purchase afterCap = new Purchase(MemberKind.CUSTOMER, List.of(), eur(10_000), eur(0), 150, NOW);

        Earning earning = EarnCalculator.calculate(rules, secondToday);
        assertThat(earning.points()).isEqualTo(40);
        assertThat(earning.breakdown().cappedBy()).isEqualTo(Earning.Cap.DAY);
        assertThat(EarnCalculator.calculate(rules, afterCap).points()).isZero();
        assertThat(EarnCalculator.calculate(rules, total(10_000)).breakdown().cappedBy()).isEqualTo(Earning.Cap.NONE);
    }

    @Test
    void earn_appliesStaffRulesToStaff_andCustomerRulesToCustomers() {
        EarnRules staff = EarnRules.simple(new EarnRate(5, 100), "EUR", ExpiryPolicy.NEVER);
        EarnRules rules = new EarnRules(new EarnRate(1, 100), Set.of(), Set.of(), Map.of(), eur(0), EarnRules.NO_CAP,
                EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, staff);

        assertThat(EarnCalculator.calculate(rules, Purchase.ofTotal(MemberKind.STAFF, eur(1000), NOW)).points()).isEqualTo(50);
        assertThat(EarnCalculator.calculate(rules, Purchase.ofTotal(MemberKind.CUSTOMER, eur(1000), NOW)).points()).isEqualTo(10);
        assertThat(EarnCalculator.calculate(ONE_PER_EURO, Purchase.ofTotal(MemberKind.STAFF, eur(1000), NOW)).points())
                .isEqualTo(10);
    }

    @Test
    void earn_datesThePointsByPendingDaysAndExpiryPolicy() {
        EarnRules rules = new EarnRules(new EarnRate(1, 100), Set.of(), Set.of(), Map.of(), eur(0), EarnRules.NO_CAP,
                EarnRules.NO_CAP, 14, ExpiryPolicy.daysAfterEarning(365), null);

        Earning earning = EarnCalculator.calculate(rules, total(1000));

        assertThat(earning.availableAt()).as("00:00Z after the day NOW + 14 days falls on")
                .isEqualTo(Instant.parse("2026-03-25T00:00:00Z"));
        assertThat(earning.expiresAt()).as("the start of the day after NOW + 365 days").isEqualTo(Instant.parse("2027-03-11T00:00:00Z"));
        assertThat(earning.toAccrual("mch_1", "ord_1"))
                .isEqualTo(new Accrual(10, "mch_1", "ord_1", Instant.parse("2026-03-25T00:00:00Z"), Instant.parse("2027-03-11T00:00:00Z")));
        assertThat(EarnCalculator.calculate(ONE_PER_EURO, total(1000)).expiresAt()).isNull();
    }

    @Test
    void earn_countsThePendingPeriodFromThePurchase_andDaysAfterEarningFromTheRecording() {
        EarnRules rules = new EarnRules(new EarnRate(1, 100), Set.of(), Set.of(), Map.of(), eur(0), EarnRules.NO_CAP,
                EarnRules.NO_CAP, 14, ExpiryPolicy.daysAfterEarning(365), null);
        Instant purchasedAt = NOW.minus(Duration.ofDays(3));

        Earning earning = EarnCalculator.calculate(rules,
                new Purchase(MemberKind.CUSTOMER, List.of(), eur(1000), eur(0), 0, purchasedAt, NOW));

        assertThat(earning.availableAt()).as("the window counts from the purchase, to the end of its last day")
                .isEqualTo(Instant.parse("2026-03-22T00:00:00Z"));
        assertThat(earning.expiresAt()).as("the start of the day after NOW + 365 days").isEqualTo(Instant.parse("2027-03-11T00:00:00Z"));
    }

    @Test
    void earn_isAvailableWhenRecorded_whenThePurchasesReturnsWindowHasAlreadyPassed() {
        EarnRules rules = new EarnRules(new EarnRate(1, 100), Set.of(), Set.of(), Map.of(), eur(0), EarnRules.NO_CAP,
                EarnRules.NO_CAP, 14, ExpiryPolicy.END_OF_MONTH, null);
        Instant purchasedAt = Instant.parse("2026-01-20T10:00:00Z");

        Earning earning = EarnCalculator.calculate(rules,
                new Purchase(MemberKind.CUSTOMER, List.of(), eur(1000), eur(0), 0, purchasedAt, NOW));

        // the window ended on 3 February; the lot cannot be available before it is earned (10 March)
        assertThat(earning.availableAt()).isEqualTo(NOW);
        assertThat(earning.expiresAt()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(earning.toAccrual("mch_1", "ord_1").availableAt()).isEqualTo(NOW);
    }

    @Test
    void earn_isExactAtTheHighestRateMultiplierAndAmountAProgramAccepts() {
        // 10^10 minor units at x10 and 10^6 points per minor unit: 10^17 points; the products need ~100 bits.
        EarnRules rules = new EarnRules(new EarnRate(1_000_000, 1), Set.of(), Set.of(), Map.of("x", 100_000), eur(0),
                EarnRules.NO_CAP, EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, null);
        List<BasketLine> lines = List.of(new BasketLine("a", "x", 10_000, 1_000_000));

        assertThat(EarnCalculator.calculate(rules, purchase(lines, 10_000_000_000L, 0)).points())
                .isEqualTo(100_000_000_000_000_000L);
        assertThat(EarnCalculator.calculate(rules, purchase(lines, 10_000_000_000L, 1)).points())
                .isEqualTo(99_999_999_990_000_000L);
    }

    @Test
    void basketLine_takesTheCheckoutsCodesAsTheyAre_butNeedsASku() {
        assertThat(new BasketLine(" ", " ", 1, 100).sku()).isEqualTo(" ");
        assertThatThrownBy(() -> new BasketLine("", null, 1, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BasketLine("a", "", 1, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void earn_refusesLinesThatDoNotAddUpToTheTotal_orOtherCurrencies_orPaymentsAboveTheTotal() {
        assertThatThrownBy(() -> purchase(List.of(new BasketLine("a", "x", 2, 100)), 300, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> purchase(List.of(), 300, 301)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EarnCalculator.calculate(ONE_PER_EURO,
                Purchase.ofTotal(MemberKind.CUSTOMER, Money.of(100, "USD"), NOW))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void earn_isExactForTheLargestAmountsTheApiAccepts() {
        // 10^10 minor units at x10, half paid with points: products far beyond 64 bits, still exact.
        EarnRules rules = new EarnRules(new EarnRate(7, 300), Set.of(), Set.of(), Map.of("x", 100_000), eur(0),
                EarnRules.NO_CAP, EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, null);
        List<BasketLine> lines = List.of(new BasketLine("a", "x", 10_000, 1_000_000));

        Earning earning = EarnCalculator.calculate(rules, purchase(lines, 10_000_000_000L, 3_333_333_333L));

        // 10^10 x 10 x (6666666667 / 10^10) x 7 / 300 = 1555555555.6...
        assertThat(earning.points()).isEqualTo(1_555_555_555L);
    }

    @Test
    void earnRules_fromAProgram_mapTheOperatorsSettings() {
        ProgramRules.Earn earn = new ProgramRules.Earn(2, 100, Set.of("tobacco"), Set.of("gift"), Map.of("promo", 20_000),
                500, 1000L, null);
        ProgramRules.Earn staffEarn = new ProgramRules.Earn(5, 100, Set.of(), Set.of(), Map.of(), 0, null, null);
        ProgramRules programRules = new ProgramRules(earn, staffEarn, 7,
                new ProgramRules.Expiry(ProgramRules.Expiry.Policy.END_OF_YEAR, null), null, null);
        Program program = new Program("prg_1", "Shop", "EUR", programRules, NOW, NOW, 1);

        EarnRules rules = EarnRules.of(program);

        assertThat(rules).isEqualTo(new EarnRules(new EarnRate(2, 100), Set.of("tobacco"), Set.of("gift"),
                Map.of("promo", 20_000), eur(500), 1000, EarnRules.NO_CAP, 7, ExpiryPolicy.END_OF_YEAR,
                new EarnRules(new EarnRate(5, 100), Set.of(), Set.of(), Map.of(), eur(0), EarnRules.NO_CAP,
                        EarnRules.NO_CAP, 7, ExpiryPolicy.END_OF_YEAR, null)));
    }

    @Test
    void earnRules_refuseMultipliersOutOfRange_andNestedStaffRules() {
        assertThatThrownBy(() -> new EarnRules(new EarnRate(1, 100), Set.of(), Set.of(), Map.of("x", 100_001), eur(0),
                EarnRules.NO_CAP, EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, null)).isInstanceOf(IllegalArgumentException.class);
        EarnRules staffWithStaff = new EarnRules(new EarnRate(1, 100), Set.of(), Set.of(), Map.of(), eur(0),
                EarnRules.NO_CAP, EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, ONE_PER_EURO);
        assertThatThrownBy(() -> new EarnRules(new EarnRate(1, 100), Set.of(), Set.of(), Map.of(), eur(0),
                EarnRules.NO_CAP, EarnRules.NO_CAP, 0, ExpiryPolicy.NEVER, staffWithStaff))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EarnRate(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
