package app.loyalty.functions.analytics;

import app.loyalty.functions.analytics.AnalyticsStore.Bucket;
import app.loyalty.shared.domain.program.ProgramRules.Discount.PointValue;
import app.loyalty.shared.domain.redeem.PointsMoney;
import app.loyalty.shared.store.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The program's aggregates computed again from what the ledger holds, with no event in sight: the members' profiles
 * (enrolment), the order items (purchases, revenue, checkout discount), their return items (returns, money returned)
 * and the ledger entries (ACCRUE, REDEEM, EXPIRE, REVERSE, ADJUST). Pure: a fold over items a caller read. Tests compare {@link AnalyticsReport}s built from these
 * buckets with the ones the event consumer maintained (docs/analytics.md, "Equal to the ledger").
 * <p>
 * Distinct and repeat purchasers are counted here as sets (members with one or more, two or more orders in a month),
 * not by the consumer's markers, so a bug in the marker logic shows as a difference.
 */
public final class LedgerRecompute {
    private final String programId;
    private final PointValue pointValue;
    private final Map<String, Map<String, Long>> days = new TreeMap<>();
    private final Map<String, Map<String, Long>> months = new TreeMap<>();
    private final Map<String, Long> total = new HashMap<>();
    private final Map<String, YearMonth> enrolment = new HashMap<>();
    /** month -> member -> orders in that month. */
    private final Map<YearMonth, Map<String, Integer>> ordersByMember = new TreeMap<>();

    public LedgerRecompute(String programId, PointValue pointValue) {
        this.programId = programId;
        this.pointValue = pointValue;
    }

    /**
     * Folds one item of the table: a PROFILE, an ORDER, a RETURN (of an order) or an ENTRY item of the program;
     * anything else is ignored.
     */
    public LedgerRecompute add(Map<String, AttributeValue> item) {
        if (!programId.equals(Attr.optionalString(item, "programId").orElse(null))) {
            return this;
        }
        String sortKey = Attr.string(item, "SK");
        if (sortKey.equals("PROFILE")) {
            Instant at = Instant.parse(Attr.string(item, "enrolledAt"));
            enrolment.put(Attr.string(item, "memberId"), YearMonth.from(at.atOffset(ZoneOffset.UTC)));
            count(at, Counter.ENROLLED, 1);
        } else if (sortKey.equals("ORDER")) {
            Instant at = Instant.parse(Attr.string(item, "recordedAt"));
            count(at, Counter.PURCHASES, 1);
            count(at, Counter.REVENUE, Attr.number(item, "amount"));
            count(at, Counter.CHECKOUT_DISCOUNT, Attr.optionalNumber(item, "discount").orElse(0L));
            ordersByMember.computeIfAbsent(YearMonth.from(at.atOffset(ZoneOffset.UTC)), m -> new HashMap<>())
                    .merge(Attr.string(item, "memberId"), 1, Integer::sum);
        } else if (sortKey.startsWith("ENTRY#")) {
            Instant at = Instant.parse(Attr.string(item, "at"));
            long points = Attr.number(item, "points");
            switch (Attr.string(item, "type")) {
                case "ACCRUE" -> count(at, Counter.POINTS_ISSUED, points);
                case "REDEEM" -> {
                    count(at, Counter.POINTS_REDEEMED, -points);
                    count(at, Counter.REDEEMED_VALUE, PointsMoney.valueOf(pointValue, -points));
                }
                case "EXPIRE" -> count(at, Counter.POINTS_EXPIRED, -points);
                case "REVERSE" -> count(at, Counter.POINTS_REVERSED, -points);
                case "ADJUST" -> {
                    // A return of a points-paid order gives points back as ADJUST "return-refund" (PurchaseReturned's
                    // pointsRestored); any other ADJUST is the operator's (PointsAdjusted), either way.
                    if ("return-refund".equals(Attr.optionalString(item, "reason").orElse(null))) {
                        count(at, Counter.POINTS_RESTORED, points);
                    } else if (points > 0) {
                        count(at, Counter.POINTS_ADJUSTED_IN, points);
                    } else {
                        count(at, Counter.POINTS_ADJUSTED_OUT, -points);
                    }
                }
                default -> {
                    // ACTIVATE moves nothing; TRANSFER (a card replacement) keeps the member's points in the program
                }
            }
        } else if (sortKey.startsWith("RETURN#")) {
            Instant at = Instant.parse(Attr.string(item, "recordedAt"));
            count(at, Counter.RETURNS, 1);
            count(at, Counter.RETURNED_AMOUNT, Attr.number(item, "amount"));
        }
        return this;
    }

    private void count(Instant at, Counter counter, long value) {
        LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
        days.computeIfAbsent(day.toString(), d -> new HashMap<>()).merge(counter.attribute(), value, Long::sum);
        months.computeIfAbsent(YearMonth.from(day).toString(), m -> new HashMap<>()).merge(counter.attribute(), value, Long::sum);
        total.merge(counter.attribute(), value, Long::sum);
    }

    /** The buckets a report needs, as {@link AnalyticsStore} would answer them for the same period. */
    public AnalyticsReport.Inputs inputs(LocalDate from, LocalDate to) {
        Map<String, Map<String, Long>> monthItems = new TreeMap<>();
        months.forEach((month, values) -> monthItems.put(month, new HashMap<>(values)));
        ordersByMember.forEach((month, members) -> {
            Map<String, Long> values = monthItems.computeIfAbsent(month.toString(), m -> new HashMap<>());
            Set<String> repeat = new HashSet<>();
            members.forEach((memberId, orders) -> {
                values.merge(AnalyticsStore.ACTIVE_MEMBERS, 1L, Long::sum);
                YearMonth cohort = enrolment.get(memberId);
                values.merge(AnalyticsStore.COHORT_PREFIX + (cohort == null ? AnalyticsStore.UNKNOWN_COHORT : cohort),
                        1L, Long::sum);
                if (orders >= 2) {
                    repeat.add(memberId);
                }
            });
            values.merge(AnalyticsStore.REPEAT_MEMBERS, (long) repeat.size(), Long::sum);
        });
        List<Bucket> dayBuckets = new ArrayList<>();
        List<Bucket> after = new ArrayList<>();
        days.forEach((day, values) -> {
            LocalDate date = LocalDate.parse(day);
            if (!date.isBefore(from) && !date.isAfter(to)) {
                dayBuckets.add(new Bucket(day, values));
            } else if (date.isAfter(to)) {
                after.add(new Bucket(day, values));
            }
        });
        List<Bucket> monthBuckets = new ArrayList<>();
        monthItems.forEach((month, values) -> {
            YearMonth m = YearMonth.parse(month);
            if (!m.isBefore(YearMonth.from(from)) && !m.isAfter(YearMonth.from(to))) {
                monthBuckets.add(new Bucket(month, values));
            }
        });
        return new AnalyticsReport.Inputs(dayBuckets, monthBuckets, new Bucket(AnalyticsStore.TOTAL, total), after);
    }
}
