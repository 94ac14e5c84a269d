package app.loyalty.shared.domain.discount.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import app.loyalty.shared.domain.program.ProgramRules;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The lazy evaluation (only at purchases and when shown) gives the same standing as a daily job writing every day:
 * what GET member shows after a quiet window is what the job will persist.
 */
class LazyEqualsDailyPropertyTest {
    private static final LocalDate START = LocalDate.parse("2026-01-01");

    record Purchase(int day, long amount) {
    }

    @Test
    void lazyEvaluation_equalsEvaluatingEveryDay() {
        qt().withExamples(300)
                .forAll(lists().of(integers().between(0, 90).zip(integers().between(1, 60_000),
                                (day, amount) -> new Purchase(day, amount))).ofSizeBetween(0, 12),
                        integers().between(1, 40), integers().between(0, 15), integers().between(0, 150))
                .checkAssert((purchases, windowDays, graceDays, lastDay) -> {
                    ProgramRules rules = DiscountCardTest.cumulative(windowDays, graceDays);
                    Map<Integer, Long> byDay = new TreeMap<>();
                    purchases.forEach(p -> byDay.merge(p.day(), p.amount(), Long::sum));
                    LevelState daily = run(rules, byDay, lastDay, true);
                    LevelState lazy = run(rules, byDay, lastDay, false);
                    assertThat(lazy.levelBp()).isEqualTo(daily.levelBp());
                    assertThat(lazy.tier()).isEqualTo(daily.tier());
                    assertThat(lazy.graceUntil()).isEqualTo(daily.graceUntil());
                    assertThat(lazy.since()).isEqualTo(daily.since());
                });
    }

    @Test
    void outsideGrace_theLevelIsWhatTheWindowSupports_andAGraceNeverOutlastsGraceDays() {
        qt().withExamples(300)
                .forAll(lists().of(integers().between(0, 60).zip(integers().between(1, 60_000),
                                (day, amount) -> new Purchase(day, amount))).ofSizeBetween(1, 10),
                        integers().between(1, 30), integers().between(0, 10), integers().between(0, 100))
                .checkAssert((purchases, windowDays, graceDays, lastDay) -> {
                    ProgramRules rules = DiscountCardTest.cumulative(windowDays, graceDays);
                    Map<Integer, Long> byDay = new TreeMap<>();
                    purchases.forEach(p -> byDay.merge(p.day(), p.amount(), Long::sum));
                    LevelState state = run(rules, byDay, lastDay, false);
                    SpendWindow window = new SpendWindow(spend(byDay, lastDay), windowDays);
                    // Held above what the window supports only while in grace, and never for longer than graceDays.
                    long supportedToday = window.on(START.plusDays(lastDay));
                    if (state.graceUntil() == null) {
                        assertThat(state.levelBp()).isEqualTo(rules.discount().discountBpFor(supportedToday));
                        assertThat(state.tier()).isEqualTo(rules.tierFor(supportedToday).name());
                    } else {
                        assertThat(state.graceUntil()).isAfter(START.plusDays(lastDay));
                        assertThat(state.graceUntil()).isBeforeOrEqualTo(START.plusDays(lastDay + graceDays));
                    }
                });
    }

    private static Map<LocalDate, Long> spend(Map<Integer, Long> byDay, int upTo) {
        Map<LocalDate, Long> spend = new TreeMap<>();
        byDay.forEach((day, amount) -> {
            if (day <= upTo) {
                spend.put(START.plusDays(day), amount);
            }
        });
        return spend;
    }

    private static LevelState run(ProgramRules rules, Map<Integer, Long> byDay, int lastDay, boolean everyDay) {
        LevelState state = null;
        for (int day = 0; day <= lastDay; day++) {
            if (everyDay || byDay.containsKey(day)) {
                var evaluation = DiscountCard.evaluate(rules, state, spend(byDay, day), "standard",
                        DiscountCardTest.noon(START.plusDays(day).toString()));
                if (evaluation.needsWrite()) {
                    state = evaluation.state();
                }
            }
        }
        return DiscountCard.evaluate(rules, state, spend(byDay, lastDay), "standard",
                DiscountCardTest.noon(START.plusDays(lastDay).toString())).state();
    }
}
