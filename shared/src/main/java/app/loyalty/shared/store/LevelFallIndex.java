package app.loyalty.shared.store;

import app.loyalty.shared.domain.discount.card.DiscountCard;
import app.loyalty.shared.domain.program.ProgramRules;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/**
 * The day the bonus-expiry job next looks at a member's discount level, so it finds lapsing levels through an index
 * and never by reading members. On the PROFILE item: {@code levelCheckOn} (that day), {@code levelFallsOn} (the day
 * the level or tier falls without more spend: {@link DiscountCard.Keep#fallsOn}), {@code levelWarnedFor} (the fall
 * day the member was last warned of), and the index entry GSI3 {@code LEVEL#<levelCheckOn>#<shard>} /
 * {@code <levelCheckOn>#<memberId>} (shard as {@link LotItems#shardOf}).
 *
 * <p>The check day is the warning day ({@code fallsOn - discount.levelNoticeDays}, today at the earliest) until the
 * member was warned of that fall day (or needs no warning), then the fall day itself, when the job re-evaluates the
 * level (TierChanged) and indexes the next one. Purchases and returns set it in their existing profile update
 * ({@link #record}); a member whose level cannot fall (entry level, or nothing held) leaves the index. Days are the
 * UTC days the discount card counts (DiscountCard).
 */
public final class LevelFallIndex {
    public static final String LEVEL_CHECK_ON = "levelCheckOn";
    public static final String LEVEL_FALLS_ON = "levelFallsOn";
    public static final String LEVEL_WARNED_FOR = "levelWarnedFor";

    private LevelFallIndex() {
    }

    /**
     * Adds the member's next check day to a purchase's or a return's profile update, from the spend by day after
     * the write (what {@link CardLevels#reevaluate} was given).
     */
    public static void record(UpdateExpression profileUpdate, Map<String, AttributeValue> profile, String memberId,
                              ProgramRules rules, Map<LocalDate, Long> spendByDayAfter, Instant now) {
        DiscountCard.Evaluation evaluation = DiscountCard.evaluateWrite(rules, CardLevels.read(profile),
                MemberStats.spendByDay(profile, now), spendByDayAfter, CardLevels.cardKind(profile), now);
        index(profileUpdate, profile, memberId, rules, evaluation.keep(), warnedFor(profile).orElse(null), now);
    }

    /**
     * Sets the check day for {@code keep} (or takes the member out of the index when there is nothing to keep).
     * {@code warnedFor}: the fall day the member has been warned of, null for none.
     */
    public static void index(UpdateExpression update, Map<String, AttributeValue> profile, String memberId,
                             ProgramRules rules, DiscountCard.Keep keep, LocalDate warnedFor, Instant now) {
        if (keep == null) {
            if (profile.containsKey(LEVEL_CHECK_ON)) {
                update.remove(update.name(LEVEL_CHECK_ON)).remove(update.name(LEVEL_FALLS_ON))
                        .remove(update.name(TableSchema.GSI3_PK)).remove(update.name(TableSchema.GSI3_SK));
            }
            return;
        }
        LocalDate checkOn = checkOn(keep, rules.discount().levelNoticeDays(), warnedFor, DiscountCard.dayOf(now));
        update.set(update.name(LEVEL_CHECK_ON) + " = " + update.value(Attr.s(checkOn.toString())));
        update.set(update.name(LEVEL_FALLS_ON) + " = " + update.value(Attr.s(keep.fallsOn().toString())));
        update.set(update.name(TableSchema.GSI3_PK) + " = "
                + update.value(Attr.s(partition(checkOn, LotItems.shardOf(memberId)))));
        update.set(update.name(TableSchema.GSI3_SK) + " = " + update.value(Attr.s(checkOn + "#" + memberId)));
    }

    /**
     * The next day to look: the warning day (today at the earliest) while a warning is still owed, else the fall day.
     * No warning is owed when the member was warned of this fall day, or when keeping needs no spend.
     */
    public static LocalDate checkOn(DiscountCard.Keep keep, int noticeDays, LocalDate warnedFor, LocalDate today) {
        if (keep.fallsOn().equals(warnedFor) || keep.spend() <= 0) {
            return keep.fallsOn();
        }
        LocalDate warnOn = keep.fallsOn().minusDays(noticeDays);
        return warnOn.isAfter(today) ? warnOn : today;
    }

    /** Whether the warning for {@code keep} is due today (and not yet given). */
    public static boolean warningDue(DiscountCard.Keep keep, int noticeDays, LocalDate warnedFor, LocalDate today) {
        return keep != null && keep.spend() > 0 && !keep.fallsOn().equals(warnedFor) && keep.fallsOn().isAfter(today)
                && !keep.fallsOn().minusDays(noticeDays).isAfter(today);
    }

    public static Optional<LocalDate> warnedFor(Map<String, AttributeValue> profile) {
        return Attr.optionalString(profile, LEVEL_WARNED_FOR).map(LocalDate::parse);
    }

    public static String partition(LocalDate day, int shard) {
        return "LEVEL#" + day + "#" + shard;
    }
}
