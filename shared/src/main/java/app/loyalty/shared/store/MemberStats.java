package app.loyalty.shared.store;

import app.loyalty.shared.domain.discount.card.SpendWindow;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A member's rolling purchase figures, kept on the PROFILE item by purchases and returns in their own transaction:
 * {@code purchaseCount}, {@code totalSpend} (minor units, net of returns), {@code spendByDay.<yyyy-mm-dd>} (net spend
 * by the UTC day of purchase, days older than the discount window pruned by later writes: what the cumulative
 * discount card and the tiers look at) and {@code pointsByDay.<yyyy-mm-dd>} (points earned by UTC day of purchase, for
 * the daily cap). Profiles written before the day figures existed hold {@code spendByMonth.<yyyy-mm>} instead: read as
 * if each month's spend were made on its last day (a member never loses a level early for it), and turned into day
 * figures by the member's next purchase or return (see {@link #recordPurchase}). Every change is an atomic ADD-style update (x = if_not_exists(x, 0) + n), never a value computed
 * from a read, so concurrent purchases of one member never overwrite each other. The only guard is the daily cap,
 * whose condition compares the stored figure with a bound that does not depend on what was read.
 */
public final class MemberStats {
    public static final String PURCHASE_COUNT = "purchaseCount";
    public static final String TOTAL_SPEND = "totalSpend";
    /** Legacy: month buckets of profiles written before spendByDay; converted by the next purchase or return. */
    public static final String SPEND_BY_MONTH = "spendByMonth";
    public static final String SPEND_BY_DAY = "spendByDay";
    public static final String POINTS_BY_DAY = "pointsByDay";
    /** Days of pointsByDay kept: older days are pruned by later purchases (only the purchase's own day is capped). */
    public static final int POINTS_BY_DAY_KEPT = 7;
    private static final int MAX_PRUNED_PER_WRITE = 10;

    private MemberStats() {
    }

    public static String monthOf(Instant at) {
        return YearMonth.from(at.atZone(ZoneOffset.UTC)).toString();
    }

    public static String dayOf(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC).toString();
    }

    /** Points already earned on {@code day} per the profile item read. */
    public static long pointsOnDay(Map<String, AttributeValue> profile, String day) {
        AttributeValue byDay = profile.get(POINTS_BY_DAY);
        if (byDay == null || !byDay.hasM() || !byDay.m().containsKey(day)) {
            return 0;
        }
        return Long.parseLong(byDay.m().get(day).n());
    }

    /**
     * Net spend by UTC day as the profile holds it: the day figures, or, on a profile not converted yet, its month
     * buckets each counted on the month's last day (or today, for the month still running).
     */
    public static Map<LocalDate, Long> spendByDay(Map<String, AttributeValue> profile, Instant now) {
        Map<LocalDate, Long> days = new TreeMap<>();
        if (hasMap(profile, SPEND_BY_DAY)) {
            profile.get(SPEND_BY_DAY).m().forEach((day, spend) -> days.put(LocalDate.parse(day), Long.parseLong(spend.n())));
            return days;
        }
        if (hasMap(profile, SPEND_BY_MONTH)) {
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            profile.get(SPEND_BY_MONTH).m().forEach((month, spend) -> {
                LocalDate last = YearMonth.parse(month).atEndOfMonth();
                days.merge(last.isAfter(today) ? today : last, Long.parseLong(spend.n()), Long::sum);
            });
        }
        return days;
    }

    /** Net spend over the last {@code windowDays} UTC days up to {@code now}: what the window supports today. */
    public static long rollingSpend(Map<String, AttributeValue> profile, Instant now, int windowDays) {
        return new SpendWindow(spendByDay(profile, now), windowDays).on(LocalDate.ofInstant(now, ZoneOffset.UTC));
    }

    public static long purchaseCount(Map<String, AttributeValue> profile) {
        return Attr.optionalNumber(profile, PURCHASE_COUNT).orElse(0L);
    }

    /**
     * Counts a purchase of {@code amount} earning {@code points} at {@code purchasedAt} into the profile update. With
     * a daily cap the update holds only if the day's points stay within it. {@code profile} is the item as read: it
     * only decides whether the maps exist yet (members enrolled before the figures existed get them created, guarded
     * so a concurrent creator makes this attempt fail and re-run instead of overwriting) and which old days to prune.
     * Spend days that left the {@code windowDays} window by {@code now} are pruned in the same update. Answers the
     * spend by day as it stands after this update, for the card's re-evaluation in the same transaction.
     */
    public static Map<LocalDate, Long> recordPurchase(UpdateExpression update, Map<String, AttributeValue> profile,
                                                      Instant purchasedAt, long amount, long points, Long dailyCap,
                                                      Instant now, int windowDays) {
        String day = dayOf(purchasedAt);
        update.add(PURCHASE_COUNT + " " + update.value(1)).add(TOTAL_SPEND + " " + update.value(amount));
        Map<LocalDate, Long> spend = addSpend(update, profile, LocalDate.parse(day), amount, now, windowDays);
        if (hasMap(profile, POINTS_BY_DAY)) {
            String path = POINTS_BY_DAY + "." + update.name(day);
            update.set(path + " = if_not_exists(" + path + ", " + update.value(0) + ") + " + update.value(points));
            LocalDate oldest = LocalDate.parse(day).minusDays(POINTS_BY_DAY_KEPT);
            int pruned = 0;
            for (String stored : profile.get(POINTS_BY_DAY).m().keySet()) {
                if (pruned < MAX_PRUNED_PER_WRITE && LocalDate.parse(stored).isBefore(oldest)) {
                    update.remove(POINTS_BY_DAY + "." + update.name(stored));
                    pruned++;
                }
            }
            if (dailyCap != null && points > 0) {
                update.condition("(attribute_not_exists(" + path + ") OR " + path + " <= "
                        + update.value(dailyCap - points) + ")");
            }
        } else {
            update.set(POINTS_BY_DAY + " = " + update.value(AttributeValue.fromM(Map.of(day, Attr.n(points)))));
            update.condition("attribute_not_exists(" + POINTS_BY_DAY + ")");
        }
        return spend;
    }

    /**
     * Takes a returned {@code amount} off the spend of the purchase's day and the total (atomic). A purchase whose day
     * has left the window by {@code now} no longer counts for the card, so its day is left alone (it may be pruned
     * already). Answers the spend by day after this update.
     */
    public static Map<LocalDate, Long> recordReturn(UpdateExpression update, Map<String, AttributeValue> profile,
                                                    Instant purchasedAt, long amount, Instant now, int windowDays) {
        update.add(TOTAL_SPEND + " " + update.value(-amount));
        LocalDate day = LocalDate.ofInstant(purchasedAt, ZoneOffset.UTC);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!day.isAfter(today.minusDays(windowDays))) {
            return spendByDay(profile, now);
        }
        return addSpend(update, profile, day, -amount, now, windowDays);
    }

    /**
     * Adds {@code amount} (negative for a return) to {@code day}: an atomic ADD-style update of the day's figure when
     * the day map exists, pruning days that left the window; else the map is created from the legacy month buckets
     * (read as {@link #spendByDay} reads them, within the window) plus this day, guarded by its absence, and the
     * month buckets are removed.
     */
    private static Map<LocalDate, Long> addSpend(UpdateExpression update, Map<String, AttributeValue> profile,
                                                 LocalDate day, long amount, Instant now, int windowDays) {
        LocalDate oldestKept = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(windowDays - 1L);
        Map<LocalDate, Long> spend = spendByDay(profile, now);
        if (hasMap(profile, SPEND_BY_DAY)) {
            String path = SPEND_BY_DAY + "." + update.name(day.toString());
            update.set(path + " = if_not_exists(" + path + ", " + update.value(0) + ") + " + update.value(amount));
            int pruned = 0;
            for (LocalDate stored : spend.keySet()) {
                if (pruned < MAX_PRUNED_PER_WRITE && stored.isBefore(oldestKept) && !stored.equals(day)) {
                    update.remove(SPEND_BY_DAY + "." + update.name(stored.toString()));
                    pruned++;
                }
            }
            spend.merge(day, amount, Long::sum);
            return spend;
        }
        spend.keySet().removeIf(stored -> stored.isBefore(oldestKept));
        spend.merge(day, amount, Long::sum);
        Map<String, AttributeValue> days = new HashMap<>();
        spend.forEach((d, value) -> days.put(d.toString(), Attr.n(value)));
        update.set(SPEND_BY_DAY + " = " + update.value(AttributeValue.fromM(days)));
        update.condition("attribute_not_exists(" + SPEND_BY_DAY + ")");
        if (profile.containsKey(SPEND_BY_MONTH)) {
            update.remove(SPEND_BY_MONTH);
        }
        return spend;
    }

    private static boolean hasMap(Map<String, AttributeValue> profile, String name) {
        AttributeValue value = profile.get(name);
        return value != null && value.hasM();
    }
}
