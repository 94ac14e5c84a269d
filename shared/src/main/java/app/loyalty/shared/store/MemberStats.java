package app.loyalty.shared.store;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

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
     * Counts a purchase of {@code amount} earning {@code points} at {@code purchasedAt}. With a daily cap the update
     * holds only if the day's points stay within it. {@code profile} is the item as read: it only decides whether the
     * maps exist yet (members enrolled before the figures existed get them created, guarded so a concurrent creator
     * makes this attempt fail and re-run instead of overwriting) and which old days to prune.
     */
    public static TransactWriteItem recordPurchase(String tableName, String memberId, Map<String, AttributeValue> profile,
                                                   Instant purchasedAt, long amount, long points, Long dailyCap) {
        String month = monthOf(purchasedAt);
        String day = dayOf(purchasedAt);
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        List<String> conditions = new ArrayList<>(List.of("attribute_exists(PK)"));
        // DynamoDB refuses unused names and values, so each is added where its clause is.
        values.put(":one", Attr.n(1));
        values.put(":amount", Attr.n(amount));

        if (hasMap(profile, SPEND_BY_MONTH)) {
            set.add("spendByMonth.#m = if_not_exists(spendByMonth.#m, :zero) + :amount");
            names.put("#m", month);
            values.put(":zero", Attr.n(0));
        } else {
            set.add("spendByMonth = :newMonths");
            values.put(":newMonths", AttributeValue.fromM(Map.of(month, Attr.n(amount))));
            conditions.add("attribute_not_exists(spendByMonth)");
        }
        if (hasMap(profile, POINTS_BY_DAY)) {
            set.add("pointsByDay.#d = if_not_exists(pointsByDay.#d, :zero) + :points");
            names.put("#d", day);
            values.put(":zero", Attr.n(0));
            values.put(":points", Attr.n(points));
            LocalDate oldest = LocalDate.parse(day).minusDays(POINTS_BY_DAY_KEPT);
            int pruned = 0;
            for (String stored : profile.get(POINTS_BY_DAY).m().keySet()) {
                if (pruned < MAX_PRUNED_PER_WRITE && LocalDate.parse(stored).isBefore(oldest)) {
                    names.put("#old" + pruned, stored);
                    remove.add("pointsByDay.#old" + pruned);
                    pruned++;
                }
            }
            if (dailyCap != null && points > 0) {
                conditions.add("(attribute_not_exists(pointsByDay.#d) OR pointsByDay.#d <= :capLeft)");
                values.put(":capLeft", Attr.n(dailyCap - points));
            }
        } else {
            set.add("pointsByDay = :newDays");
            values.put(":newDays", AttributeValue.fromM(Map.of(day, Attr.n(points))));
            conditions.add("attribute_not_exists(pointsByDay)");
        }
        String expression = "SET " + String.join(", ", set) + " ADD purchaseCount :one, totalSpend :amount"
                + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName)
                .key(MemberRepository.profileKey(memberId))
                .updateExpression(expression)
                .conditionExpression(String.join(" AND ", conditions))
                .expressionAttributeNames(names.isEmpty() ? null : names)
                .expressionAttributeValues(values)
                .build()).build();
    }

    /** Takes a returned {@code amount} off the spend of the purchase's month and the total (atomic). */
    public static TransactWriteItem recordReturn(String tableName, String memberId, Instant purchasedAt, long amount) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName)
                .key(MemberRepository.profileKey(memberId))
                .updateExpression("SET spendByMonth.#m = if_not_exists(spendByMonth.#m, :zero) - :amount "
                        + "ADD totalSpend :negative")
                .conditionExpression("attribute_exists(spendByMonth)")
                .expressionAttributeNames(Map.of("#m", monthOf(purchasedAt)))
                .expressionAttributeValues(Map.of(":zero", Attr.n(0), ":amount", Attr.n(amount),
                        ":negative", Attr.n(-amount)))
                .build()).build();
    }

    private static boolean hasMap(Map<String, AttributeValue> profile, String name) {
        AttributeValue value = profile.get(name);
        return value != null && value.hasM();
    }
}
