package app.loyalty.shared.store;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A member's rolling purchase figures, kept on the PROFILE item by purchases and returns in their own transaction:
 * {@code purchaseCount}, {@code totalSpend} (minor units, net of returns), {@code spendByMonth.<yyyy-mm>} (net spend
 * by the UTC month of purchase) and {@code pointsByDay.<yyyy-mm-dd>} (points earned by UTC day of purchase, for the
 * daily cap). Every change is an atomic ADD-style update (x = if_not_exists(x, 0) + n), never a value computed
 * from a read, so concurrent purchases of one member never overwrite each other. The only guard is the daily cap,
 * whose condition compares the stored figure with a bound that does not depend on what was read.
 */
public final class MemberStats {
    public static final String PURCHASE_COUNT = "purchaseCount";
    public static final String TOTAL_SPEND = "totalSpend";
    public static final String SPEND_BY_MONTH = "spendByMonth";
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
     * Net spend in the months that overlap the last {@code windowDays} days up to {@code now} (whole months: the
     * figures are kept per month). What the cumulative discount and the tiers look at.
     */
    public static long rollingSpend(Map<String, AttributeValue> profile, Instant now, int windowDays) {
        AttributeValue byMonth = profile.get(SPEND_BY_MONTH);
        if (byMonth == null || !byMonth.hasM()) {
            return 0;
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        YearMonth first = YearMonth.from(today.minusDays(windowDays));
        YearMonth last = YearMonth.from(today);
        long spend = 0;
        for (var month : byMonth.m().entrySet()) {
            YearMonth ym = YearMonth.parse(month.getKey());
            if (!ym.isBefore(first) && !ym.isAfter(last)) {
                spend += Long.parseLong(month.getValue().n());
            }
        }
        return Math.max(0, spend);
    }

    public static long purchaseCount(Map<String, AttributeValue> profile) {
        return Attr.optionalNumber(profile, PURCHASE_COUNT).orElse(0L);
    }

    /**
     * Counts a purchase of {@code amount} earning {@code points} at {@code purchasedAt} into the profile update. With
     * a daily cap the update holds only if the day's points stay within it. {@code profile} is the item as read: it
     * only decides whether the maps exist yet (members enrolled before the figures existed get them created, guarded
     * so a concurrent creator makes this attempt fail and re-run instead of overwriting) and which old days to prune.
     */
    public static void recordPurchase(UpdateExpression update, Map<String, AttributeValue> profile, Instant purchasedAt,
                                      long amount, long points, Long dailyCap) {
        String month = monthOf(purchasedAt);
        String day = dayOf(purchasedAt);
        update.add(PURCHASE_COUNT + " " + update.value(1)).add(TOTAL_SPEND + " " + update.value(amount));
        if (hasMap(profile, SPEND_BY_MONTH)) {
            String path = SPEND_BY_MONTH + "." + update.name(month);
            update.set(path + " = if_not_exists(" + path + ", " + update.value(0) + ") + " + update.value(amount));
        } else {
            update.set(SPEND_BY_MONTH + " = " + update.value(AttributeValue.fromM(Map.of(month, Attr.n(amount)))));
            update.condition("attribute_not_exists(" + SPEND_BY_MONTH + ")");
        }
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
    }

    /** Takes a returned {@code amount} off the spend of the purchase's month and the total (atomic). */
    public static void recordReturn(UpdateExpression update, Instant purchasedAt, long amount) {
        String path = SPEND_BY_MONTH + "." + update.name(monthOf(purchasedAt));
        update.set(path + " = if_not_exists(" + path + ", " + update.value(0) + ") - " + update.value(amount));
        update.add(TOTAL_SPEND + " " + update.value(-amount));
        update.condition("attribute_exists(" + SPEND_BY_MONTH + ")");
    }

    private static boolean hasMap(Map<String, AttributeValue> profile, String name) {
        AttributeValue value = profile.get(name);
        return value != null && value.hasM();
    }
}
