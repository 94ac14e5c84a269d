package app.loyalty.shared.domain.discount.card;

import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.program.ProgramRules.Discount;
import app.loyalty.shared.domain.program.ProgramRules.Discount.Step;
import app.loyalty.shared.domain.program.ProgramRules.Tier;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The worked examples of docs/discount-cards.md, number for number. */
class DiscountCardTest {

    /** 5, 10, 15, 20, 25, 30 % at 100, 200, 300, 500, 750, 1000.00 EUR over 30 days, 7 days of grace. */
    static final List<Step> STEPS = List.of(new Step(10_000, 500), new Step(20_000, 1000), new Step(30_000, 1500),
            new Step(50_000, 2000), new Step(75_000, 2500), new Step(100_000, 3000));
    static final List<Tier> TIERS = List.of(new Tier("base", 0), new Tier("silver", 30_000), new Tier("gold", 75_000));

    static ProgramRules cumulative(int windowDays, int graceDays) {
        return rules(new Discount(Discount.Scheme.CUMULATIVE, 0, STEPS, windowDays, 5000, null, Map.of("staff", 2000),
                graceDays));
    }

    static ProgramRules rules(Discount discount) {
        return new ProgramRules(null, null, null, null, discount, TIERS);
    }

    static Instant noon(String day) {
        return LocalDate.parse(day).atTime(12, 0).toInstant(ZoneOffset.UTC);
    }

    /** The worked example's purchases: 120.00 on 1 March, 90.00 on 10 March, 100.00 on 20 March. */
    static Map<LocalDate, Long> example() {
        Map<LocalDate, Long> spend = new TreeMap<>();
        spend.put(LocalDate.parse("2026-03-01"), 12_000L);
        spend.put(LocalDate.parse("2026-03-10"), 9_000L);
        spend.put(LocalDate.parse("2026-03-20"), 10_000L);
        return spend;
    }

    /** Evaluates as the system does: at each purchase (persisting), then lazily at {@code day}. */
    static DiscountCard.Evaluation atDay(ProgramRules rules, Map<LocalDate, Long> spend, String day) {
        LevelState state = null;
        Map<LocalDate, Long> known = new TreeMap<>();
        for (var purchase : spend.entrySet()) {
            if (purchase.getKey().isAfter(LocalDate.parse(day))) {
                break;
            }
            known.put(purchase.getKey(), purchase.getValue());
            var evaluation = DiscountCard.evaluate(rules, state, known, "standard", noon(purchase.getKey().toString()));
            if (evaluation.needsWrite()) {
                state = evaluation.state();
            }
        }
        return DiscountCard.evaluate(rules, state, known, "standard", noon(day));
    }

    @ParameterizedTest(name = "{0}: {1} bp, tier {2}, window {3}, grace until {4}")
    @CsvSource(nullValues = "-", value = {
            // day,      percent, tier,    window, grace until
            "2026-03-01,  500,    base,    12000,  -",          // 120.00 reaches the 5 % step at once
            "2026-03-10,  1000,   base,    21000,  -",          // 210.00: 10 %
            "2026-03-20,  1500,   silver,  31000,  -",          // 310.00: 15 % and silver
            "2026-03-30,  1500,   silver,  31000,  -",          // last day 1 March's purchase counts (day 30 of 30)
            "2026-03-31,  1500,   silver,  19000,  2026-04-07", // it left: 190.00 < 300.00, grace for 7 days
            "2026-04-06,  1500,   silver,  19000,  2026-04-07", // last day of grace: still 15 %
            "2026-04-07,  500,    base,    19000,  -",          // grace over: down to what 190.00 supports, 5 %
            "2026-04-09,  500,    base,    10000,  -",          // 10 March left: 100.00 still holds 5 %
            "2026-04-19,  500,    base,    0,      2026-04-26", // 20 March left: nothing; grace again
            "2026-04-26,  0,      base,    0,      -",          // and the card is back to 0 %
    })
    void cumulativeCard_climbsHoldsThroughGraceAndFalls(String day, int percent, String tier, long window, String graceUntil) {
        var evaluation = atDay(cumulative(30, 7), example(), day);

        assertThat(evaluation.discountBp()).isEqualTo(percent);
        assertThat(evaluation.state().tier()).isEqualTo(tier);
        assertThat(evaluation.windowSpend()).isEqualTo(window);
        assertThat(evaluation.state().graceUntil()).isEqualTo(graceUntil == null ? null : LocalDate.parse(graceUntil));
    }

    @Test
    void keepAndNext_sayWhatToSpendByWhichDate() {
        var onThe25th = atDay(cumulative(30, 7), example(), "2026-03-25");

        // 15 % needs 300.00; on 31 March the window would hold 190.00: spend 110.00 by 30 March, else 15 % ends 7 April.
        assertThat(onThe25th.keep()).isEqualTo(new DiscountCard.Keep(11_000, LocalDate.parse("2026-03-30"),
                LocalDate.parse("2026-04-07")));
        // 20 % needs 500.00: 190.00 more now.
        assertThat(onThe25th.next()).isEqualTo(new DiscountCard.Next(2000, 19_000));
        assertThat(onThe25th.nextTier()).isEqualTo(new DiscountCard.NextTier("gold", 44_000));

        var inGrace = atDay(cumulative(30, 7), example(), "2026-04-02");
        assertThat(inGrace.keep()).isEqualTo(new DiscountCard.Keep(11_000, LocalDate.parse("2026-04-06"),
                LocalDate.parse("2026-04-07")));
    }

    @Test
    void purchaseDuringGrace_thatRestoresTheWindow_endsTheGrace() {
        var spend = example();
        spend.put(LocalDate.parse("2026-04-03"), 11_000L);

        var evaluation = atDay(cumulative(30, 7), spend, "2026-04-08");

        assertThat(evaluation.discountBp()).isEqualTo(1500);
        assertThat(evaluation.state().graceUntil()).isNull();
        assertThat(evaluation.windowSpend()).isEqualTo(30_000);
    }

    @Test
    void withoutGrace_theLevelFallsOnTheDayTheWindowDropsIt() {
        assertThat(atDay(cumulative(30, 0), example(), "2026-03-30").discountBp()).isEqualTo(1500);
        assertThat(atDay(cumulative(30, 0), example(), "2026-03-31").discountBp()).isEqualTo(500);
    }

    @Test
    void windowBoundary_aPurchaseCountsForExactlyWindowDays() {
        var spend = Map.of(LocalDate.parse("2026-03-01"), 10_000L);
        ProgramRules rules = cumulative(10, 0);

        assertThat(atDay(rules, spend, "2026-03-10").discountBp()).isEqualTo(500);
        assertThat(atDay(rules, spend, "2026-03-11").discountBp()).isZero();
    }

    @Test
    void graceBoundary_theLevelHoldsExactlyGraceDays() {
        var spend = Map.of(LocalDate.parse("2026-03-01"), 10_000L);
        ProgramRules rules = cumulative(10, 5);

        assertThat(atDay(rules, spend, "2026-03-15").discountBp()).isEqualTo(500); // short since the 11th, 4 days of 5
        assertThat(atDay(rules, spend, "2026-03-16").discountBp()).isZero();
    }

    @Test
    void aReturnThatEmptiesTheWindow_dropsTheLevelAtOnceWithoutGrace() {
        ProgramRules rules = cumulative(30, 0);
        var bought = DiscountCard.evaluate(rules, null, Map.of(LocalDate.parse("2026-03-01"), 30_000L), "standard",
                noon("2026-03-01"));
        assertThat(bought.discountBp()).isEqualTo(1500);

        var returned = DiscountCard.evaluateWrite(rules, bought.state(), Map.of(LocalDate.parse("2026-03-01"), 30_000L),
                Map.of(LocalDate.parse("2026-03-01"), 5_000L), "standard", noon("2026-03-03"));

        assertThat(returned.discountBp()).isZero();
        assertThat(returned.standingChangedFrom(bought.state())).isTrue();
        assertThat(returned.reason(DiscountCard.Reason.RETURN, LocalDate.parse("2026-03-03")))
                .isEqualTo(DiscountCard.Reason.RETURN);
    }

    @Test
    void aReturnWithGrace_startsTheGraceOnTheDayOfTheReturn_notOnTheDayOfThePurchase() {
        ProgramRules rules = cumulative(30, 7);
        var bought = DiscountCard.evaluate(rules, null, Map.of(LocalDate.parse("2026-03-01"), 30_000L), "standard",
                noon("2026-03-01"));

        var returned = DiscountCard.evaluateWrite(rules, bought.state(), Map.of(LocalDate.parse("2026-03-01"), 30_000L),
                Map.of(LocalDate.parse("2026-03-01"), 5_000L), "standard", noon("2026-03-10"));

        assertThat(returned.discountBp()).isEqualTo(1500);
        assertThat(returned.state().graceUntil()).isEqualTo(LocalDate.parse("2026-03-17"));
        assertThat(returned.needsWrite()).isTrue();
    }

    @Test
    void aLapseFoundLater_isReportedAsALapse() {
        ProgramRules rules = cumulative(30, 7);
        var state = atDay(rules, example(), "2026-03-20").state();

        var later = DiscountCard.evaluate(rules, state, example(), "standard", noon("2026-04-10"));

        assertThat(later.droppedOn()).isEqualTo(LocalDate.parse("2026-04-07"));
        assertThat(later.reason(DiscountCard.Reason.PURCHASE, LocalDate.parse("2026-04-10")))
                .isEqualTo(DiscountCard.Reason.LAPSE);
        assertThat(later.needsWrite()).isTrue();
    }

    @ParameterizedTest(name = "{0} card: {1} bp")
    @CsvSource({"standard, 500", "staff, 2000", "vip, 1000", "partner, 500"})
    void fixedCard_givesThePercentOfItsKind(String kind, int percent) {
        ProgramRules rules = rules(new Discount(Discount.Scheme.FIXED, 500, List.of(), 365, 5000, null,
                Map.of("staff", 2000, "vip", 1000), 0));

        assertThat(DiscountCard.evaluate(rules, null, Map.of(), kind, noon("2026-03-01")).discountBp()).isEqualTo(percent);
    }

    @Test
    void cumulativeProgram_aKindWithItsOwnPercentKeepsIt_whileTheLevelIsStillTracked() {
        var evaluation = DiscountCard.evaluate(cumulative(30, 7), null, example(), "staff", noon("2026-03-20"));

        assertThat(evaluation.discountBp()).isEqualTo(2000);
        assertThat(evaluation.state().levelBp()).isEqualTo(1500);
    }

    @Test
    void quietMember_nothingStored_entryLevelAndNoWrite() {
        var evaluation = DiscountCard.evaluate(cumulative(30, 7), null, Map.of(), "standard", noon("2026-03-01"));

        assertThat(evaluation.discountBp()).isZero();
        assertThat(evaluation.state().tier()).isEqualTo("base");
        assertThat(evaluation.needsWrite()).isFalse();
        assertThat(evaluation.keep()).isNull();
        assertThat(evaluation.next()).isEqualTo(new DiscountCard.Next(500, 10_000));
    }
}
