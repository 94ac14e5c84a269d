package app.loyalty.shared.domain.discount.card;

import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.program.ProgramRules.Discount;
import app.loyalty.shared.domain.program.ProgramRules.Tier;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The member's card discount and tier for any moment: pure and deterministic in (rules, stored level, spend by day,
 * card kind, now), so GET member, the quote, the purchase and return transactions and the daily job all agree, and a
 * quiet member's level falls when it should even before anything is written.
 *
 * <p>The rule (docs/discount-cards.md):
 * <ul>
 *   <li><b>Climb at once.</b> The level (the highest step whose minSpend the window reaches; CUMULATIVE only) and the
 *       tier (the highest tier whose minSpend it reaches) rise the moment the window supports them.</li>
 *   <li><b>Grace.</b> On the first day the window holds less than what the held level or tier needs, the grace
 *       starts; it ends {@code graceDays} later. Spend that brings the window back up during the grace ends it.</li>
 *   <li><b>Fall to what the window supports.</b> On the day the grace ends, level and tier drop to what the window
 *       holds on that day, in one step however far (not one level at a time: the member sees the percent the
 *       spend earns, and a lapsed member does not keep a high level for months of graces). A further shortfall
 *       starts a new grace.</li>
 * </ul>
 * Days are UTC days; a purchase counts in the window from its day through windowDays - 1 days later.
 */
public final class DiscountCard {
    private DiscountCard() {
    }

    /** Why a level or tier changed, as TierChanged reports it. */
    public enum Reason { PURCHASE, RETURN, LAPSE }

    /** What a member must spend, before the end of {@code by}, to keep the level; without it it falls on {@code fallsOn}. */
    public record Keep(long spend, LocalDate by, LocalDate fallsOn) {
    }

    /** The next discount level and what the window needs for it, spent now. */
    public record Next(int discountBp, long spend) {
    }

    /** The next tier and what the window needs for it, spent now. */
    public record NextTier(String tier, long spend) {
    }

    /**
     * The evaluation at {@code now}: the state to hold, the card's percent, the window's spend, and what to keep and
     * reach. {@code needsWrite}: the stored state is stale (the standing changed, or a shortfall was seen and
     * healed); {@code droppedOn}: the day a lapse last dropped the standing in this evaluation, else null.
     */
    public record Evaluation(LevelState state, int discountBp, long windowSpend, Keep keep, Next next, NextTier nextTier,
                             boolean needsWrite, LocalDate droppedOn) {
        public boolean standingChangedFrom(LevelState before) {
            return state.levelBp() != before.levelBp() || !state.tier().equals(before.tier());
        }

        /** The reason to report for a changed standing when {@code cause} triggered the evaluation. */
        public Reason reason(Reason cause, LocalDate today) {
            return droppedOn != null && droppedOn.isBefore(today) ? Reason.LAPSE : cause;
        }
    }

    public static LocalDate dayOf(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /**
     * Evaluates the card at {@code now}. {@code stored} is the state last written (null for a member never evaluated:
     * entry level and tier since {@code now}'s day); {@code spendByDay} the net spend by UTC day.
     */
    public static Evaluation evaluate(ProgramRules rules, LevelState stored, Map<LocalDate, Long> spendByDay,
                                      String cardKind, Instant now) {
        Discount discount = rules.discount();
        LocalDate today = dayOf(now);
        LevelState before = stored != null ? stored : LevelState.initial(rules.tiers().getFirst().name(), today);
        SpendWindow window = new SpendWindow(spendByDay, discount.windowDays());
        Ladder ladder = new Ladder(rules);

        int levelBp = ladder.cumulative ? before.levelBp() : 0;
        String tier = before.tier();
        LocalDate since = before.since();
        LocalDate graceUntil = before.graceUntil();
        LocalDate from = before.checkedOn().isAfter(today) ? today : before.checkedOn();
        LocalDate droppedOn = null;
        boolean shortfallSeen = false;
        while (true) {
            long needed = Math.max(ladder.levelThreshold(levelBp), ladder.tierThreshold(tier));
            if (graceUntil == null) {
                LocalDate shortOn = window.firstDayBelow(needed, from);
                if (shortOn == null || shortOn.isAfter(today)) {
                    break;
                }
                graceUntil = shortOn.plusDays(discount.graceDays());
                shortfallSeen = true;
            }
            if (graceUntil.isAfter(today)) {
                break;
            }
            long spendThen = window.on(graceUntil);
            if (spendThen < needed) {
                levelBp = ladder.levelFor(spendThen);
                tier = ladder.tierFor(spendThen);
                since = graceUntil;
                droppedOn = graceUntil;
            }
            from = graceUntil;
            graceUntil = null;
        }

        long spendToday = window.on(today);
        int supportedBp = ladder.levelFor(spendToday);
        if (supportedBp > levelBp) {
            levelBp = supportedBp;
            since = today;
        }
        String supportedTier = ladder.tierFor(spendToday);
        if (ladder.tierThreshold(supportedTier) > ladder.tierThreshold(tier)) {
            tier = supportedTier;
            since = today;
        }
        long needed = Math.max(ladder.levelThreshold(levelBp), ladder.tierThreshold(tier));
        boolean healed = false;
        if (spendToday >= needed && graceUntil != null) {
            graceUntil = null;
            healed = true;
        }
        LevelState after = new LevelState(levelBp, tier, since, graceUntil, today);
        boolean needsWrite = !after.sameStanding(before) || healed || shortfallSeen && stored != null;
        return new Evaluation(after, ladder.percent(levelBp, cardKind), spendToday,
                keep(window, needed, after, today, discount.graceDays()), ladder.next(levelBp, spendToday),
                ladder.nextTier(tier, spendToday), needsWrite, droppedOn);
    }

    /**
     * The evaluation a write makes when it changes the spend from {@code before} to {@code after} at {@code now}:
     * first the card is brought up to {@code now} under the spend as it was (so a grace that lapsed earlier is a
     * lapse), then the change is judged from today on. A return taking spend off a past day therefore starts a
     * shortfall today at the earliest, never retroactively.
     */
    public static Evaluation evaluateWrite(ProgramRules rules, LevelState stored, Map<LocalDate, Long> before,
                                           Map<LocalDate, Long> after, String cardKind, Instant now) {
        Evaluation caughtUp = evaluate(rules, stored, before, cardKind, now);
        Evaluation changed = evaluate(rules, caughtUp.state(), after, cardKind, now);
        LevelState original = stored != null ? stored : LevelState.initial(rules.tiers().getFirst().name(), dayOf(now));
        boolean needsWrite = caughtUp.needsWrite() || !changed.state().sameStanding(original)
                || !changed.state().sameStanding(caughtUp.state()) || changed.needsWrite();
        return new Evaluation(changed.state(), changed.discountBp(), changed.windowSpend(), changed.keep(),
                changed.next(), changed.nextTier(), needsWrite,
                changed.droppedOn() != null ? changed.droppedOn() : caughtUp.droppedOn());
    }

    private static Keep keep(SpendWindow window, long needed, LevelState state, LocalDate today, int graceDays) {
        if (needed <= 0) {
            return null;
        }
        if (state.inGrace()) {
            LocalDate by = state.graceUntil().minusDays(1);
            return new Keep(Math.max(0, needed - window.on(by)), by, state.graceUntil());
        }
        LocalDate shortOn = window.firstDayBelow(needed, today.plusDays(1));
        if (shortOn == null) {
            return null;
        }
        return new Keep(needed - window.on(shortOn), shortOn.minusDays(1), shortOn.plusDays(graceDays));
    }

    /** The steps and tiers as thresholds on the window's spend. */
    private static final class Ladder {
        private final Discount discount;
        private final ProgramRules rules;
        private final boolean cumulative;

        Ladder(ProgramRules rules) {
            this.rules = rules;
            this.discount = rules.discount();
            this.cumulative = discount.scheme() == Discount.Scheme.CUMULATIVE;
        }

        int levelFor(long spend) {
            if (!cumulative) {
                return 0;
            }
            return discount.steps().stream().filter(s -> spend >= s.minSpend()).mapToInt(Discount.Step::discountBp)
                    .max().orElse(0);
        }

        /** The spend a held level needs; a level the operator has since removed needs more than any spend. */
        long levelThreshold(int levelBp) {
            if (levelBp == 0) {
                return 0;
            }
            return discount.steps().stream().filter(s -> s.discountBp() >= levelBp).mapToLong(Discount.Step::minSpend)
                    .min().orElse(Long.MAX_VALUE);
        }

        String tierFor(long spend) {
            return rules.tierFor(spend).name();
        }

        /** The spend a held tier needs; a tier the operator has since removed needs more than any spend. */
        long tierThreshold(String tier) {
            return rules.tiers().stream().filter(t -> t.name().equals(tier)).mapToLong(Tier::minSpend).findFirst()
                    .orElse(Long.MAX_VALUE);
        }

        int percent(int levelBp, String cardKind) {
            Integer byKind = discount.fixedBpByCardKind().get(CardKind.orStandard(cardKind));
            return switch (discount.scheme()) {
                case NONE -> 0;
                case FIXED -> byKind != null ? byKind : discount.fixedBp();
                case CUMULATIVE -> byKind != null ? byKind : levelBp;
            };
        }

        Next next(int levelBp, long spend) {
            if (!cumulative) {
                return null;
            }
            return discount.steps().stream().filter(s -> s.discountBp() > levelBp && s.minSpend() > spend)
                    .min(java.util.Comparator.comparingLong(Discount.Step::minSpend))
                    .map(s -> new Next(s.discountBp(), s.minSpend() - spend)).orElse(null);
        }

        NextTier nextTier(String tier, long spend) {
            long held = tierThreshold(tier);
            return rules.tiers().stream().filter(t -> t.minSpend() > held && t.minSpend() > spend).findFirst()
                    .map(t -> new NextTier(t.name(), t.minSpend() - spend)).orElse(null);
        }
    }
}
