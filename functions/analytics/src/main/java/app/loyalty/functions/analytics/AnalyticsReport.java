package app.loyalty.functions.analytics;

import app.loyalty.functions.analytics.AnalyticsStore.Bucket;
import app.loyalty.shared.domain.program.ProgramRules.Discount.PointValue;
import app.loyalty.shared.domain.redeem.PointsMoney;

import java.math.BigInteger;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator's report over a period, built from aggregate items alone (pure: the same function renders the
 * stored aggregates and the recompute from the ledger, so a test compares two reports). docs/analytics.md defines
 * every figure; rates are basis points rounded down, money minor units rounded down.
 */
public final class AnalyticsReport {
    public static final int DEFAULT_MARGIN_BP = 3000;
    public static final int DEFAULT_UPLIFT_BP = 1000;

    private AnalyticsReport() {
    }

    public record Report(String programId, String currency, String from, String to, PointValueView pointValue,
                         Totals totals, Liability liability, List<MonthView> months, List<CohortView> cohorts,
                         List<DayView> days, Roi roi) {
    }

    public record PointValueView(long points, long minorUnits) {
    }

    public record Totals(long enrolled, long purchases, long revenue, long returns, long returnedAmount,
                         long netRevenue, long averageCheck, long checkoutDiscount,
                         long promotionDiscount, long pointsPaidValue, long discountCost, long pointsIssued,
                         long pointsRedeemed, long pointsExpired, long pointsReversed, long pointsRestored,
                         long pointsAdjustedIn, long pointsAdjustedOut, long redemptionRateBp) {
    }

    public record Liability(String asOf, long outstandingPoints, long outstandingValue) {
    }

    public record MonthView(String month, long enrolled, long activeMembers, long repeatMembers, long repeatRateBp,
                            long purchases, long revenue, long returnedAmount, long netRevenue, long averageCheck) {
    }

    public record CohortCell(String month, long members, long retentionBp) {
    }

    public record CohortView(String cohort, long size, List<CohortCell> active) {
    }

    public record DayView(String date, long enrolled, long purchases, long revenue, long checkoutDiscount,
                          long pointsIssued, long pointsRedeemed, long redeemedValue, long pointsExpired,
                          long pointsReversed, long promotionDiscount, long promotionPoints, long returns,
                          long returnedAmount, long pointsRestored, long pointsAdjustedIn, long pointsAdjustedOut) {
        static DayView of(Bucket day) {
            return new DayView(day.key(), day.get(Counter.ENROLLED), day.get(Counter.PURCHASES), day.get(Counter.REVENUE),
                    day.get(Counter.CHECKOUT_DISCOUNT), day.get(Counter.POINTS_ISSUED), day.get(Counter.POINTS_REDEEMED),
                    day.get(Counter.REDEEMED_VALUE), day.get(Counter.POINTS_EXPIRED), day.get(Counter.POINTS_REVERSED),
                    day.get(Counter.PROMOTION_DISCOUNT), day.get(Counter.PROMOTION_POINTS), day.get(Counter.RETURNS),
                    day.get(Counter.RETURNED_AMOUNT), day.get(Counter.POINTS_RESTORED), day.get(Counter.POINTS_ADJUSTED_IN),
                    day.get(Counter.POINTS_ADJUSTED_OUT));
        }
    }

    /**
     * The ROI estimate: members' revenue in the period (net of returns) times the share assumed incremental ({@code upliftBp}: what
     * members would not have bought without the program) times the gross margin ({@code marginBp}), against the cost
     * of rewards (checkout discounts plus the value of the points issued or given by the operator, less those taken
     * back by returns or the operator and those expired).
     * {@code roiBp} = (incrementalMargin - rewardCost) / rewardCost, absent when nothing was spent on rewards.
     */
    public record Roi(long marginBp, long upliftBp, long memberRevenue, long incrementalMargin, long rewardCost,
                      long netReturn, Long roiBp) {
    }

    /** The aggregate items a report needs: days of the period, months it touches, the total, and days after it. */
    public record Inputs(List<Bucket> days, List<Bucket> months, Bucket total, List<Bucket> daysAfter) {
    }

    public static Report build(String programId, String currency, PointValue pointValue, LocalDate from, LocalDate to,
                               Inputs inputs, int marginBp, int upliftBp) {
        Map<Counter, Long> sums = new java.util.EnumMap<>(Counter.class);
        for (Counter counter : Counter.values()) {
            sums.put(counter, inputs.days().stream().mapToLong(day -> day.get(counter)).sum());
        }
        long purchases = sums.get(Counter.PURCHASES);
        long revenue = sums.get(Counter.REVENUE);
        long returned = sums.get(Counter.RETURNED_AMOUNT);
        // Returns count on their own day, so a period's net revenue nets off returns of orders bought before it too.
        long netRevenue = revenue - returned;
        long issued = sums.get(Counter.POINTS_ISSUED);
        long discountCost = Math.addExact(sums.get(Counter.CHECKOUT_DISCOUNT), sums.get(Counter.REDEEMED_VALUE));
        Totals totals = new Totals(sums.get(Counter.ENROLLED), purchases, revenue, sums.get(Counter.RETURNS), returned,
                netRevenue, ratio(netRevenue, purchases),
                sums.get(Counter.CHECKOUT_DISCOUNT), sums.get(Counter.PROMOTION_DISCOUNT), sums.get(Counter.REDEEMED_VALUE),
                discountCost, issued, sums.get(Counter.POINTS_REDEEMED), sums.get(Counter.POINTS_EXPIRED),
                sums.get(Counter.POINTS_REVERSED), sums.get(Counter.POINTS_RESTORED), sums.get(Counter.POINTS_ADJUSTED_IN),
                sums.get(Counter.POINTS_ADJUSTED_OUT), bp(sums.get(Counter.POINTS_REDEEMED), issued));

        long outstandingNow = outstanding(inputs.total());
        long movedSince = inputs.daysAfter().stream().mapToLong(AnalyticsReport::outstanding).sum();
        long outstanding = outstandingNow - movedSince;
        Liability liability = new Liability(to.toString(), outstanding,
                outstanding <= 0 ? 0 : PointsMoney.valueOf(pointValue, outstanding));

        Map<String, Bucket> months = new TreeMap<>();
        inputs.months().forEach(month -> months.put(month.key(), month));
        List<MonthView> monthViews = new ArrayList<>();
        List<CohortView> cohorts = new ArrayList<>();
        List<YearMonth> periodMonths = new ArrayList<>();
        for (YearMonth m = YearMonth.from(from); !m.isAfter(YearMonth.from(to)); m = m.plusMonths(1)) {
            periodMonths.add(m);
        }
        for (YearMonth m : periodMonths) {
            Bucket month = months.getOrDefault(m.toString(), new Bucket(m.toString(), Map.of()));
            long active = month.get(AnalyticsStore.ACTIVE_MEMBERS);
            long repeat = month.get(AnalyticsStore.REPEAT_MEMBERS);
            long monthNet = month.get(Counter.REVENUE) - month.get(Counter.RETURNED_AMOUNT);
            monthViews.add(new MonthView(m.toString(), month.get(Counter.ENROLLED), active, repeat, bp(repeat, active),
                    month.get(Counter.PURCHASES), month.get(Counter.REVENUE), month.get(Counter.RETURNED_AMOUNT), monthNet,
                    ratio(monthNet, month.get(Counter.PURCHASES))));
            long size = month.get(Counter.ENROLLED);
            List<CohortCell> cells = new ArrayList<>();
            for (YearMonth activity : periodMonths) {
                if (activity.isBefore(m)) {
                    continue;
                }
                long members = months.getOrDefault(activity.toString(), new Bucket(activity.toString(), Map.of()))
                        .get(AnalyticsStore.COHORT_PREFIX + m);
                cells.add(new CohortCell(activity.toString(), members, bp(members, size)));
            }
            cohorts.add(new CohortView(m.toString(), size, cells));
        }

        // Points a return gives back to a points-paid order (pointsRestored) were issued, and costed, once already.
        long unburnt = Math.max(0, issued + sums.get(Counter.POINTS_ADJUSTED_IN) - sums.get(Counter.POINTS_ADJUSTED_OUT)
                - sums.get(Counter.POINTS_REVERSED) - sums.get(Counter.POINTS_EXPIRED));
        long rewardCost = Math.addExact(sums.get(Counter.CHECKOUT_DISCOUNT), PointsMoney.valueOf(pointValue, unburnt));
        long incremental = BigInteger.valueOf(Math.max(0, netRevenue)).multiply(BigInteger.valueOf(upliftBp))
                .multiply(BigInteger.valueOf(marginBp)).divide(BigInteger.valueOf(100_000_000L)).longValueExact();
        long net = incremental - rewardCost;
        Long roiBp = rewardCost == 0 ? null : BigInteger.valueOf(net).multiply(BigInteger.valueOf(10_000))
                .divide(BigInteger.valueOf(rewardCost)).longValueExact();
        Roi roi = new Roi(marginBp, upliftBp, netRevenue, incremental, rewardCost, net, roiBp);

        return new Report(programId, currency, from.toString(), to.toString(),
                new PointValueView(pointValue.points(), pointValue.minorUnits()), totals, liability, monthViews, cohorts,
                inputs.days().stream().map(DayView::of).toList(), roi);
    }

    /**
     * The net change of points held by members in one bucket: issued by purchases, restored by returns of points-paid
     * orders and given by the operator, less redeemed, expired, reversed by returns and taken by the operator.
     */
    static long outstanding(Bucket bucket) {
        if (bucket == null) {
            return 0;
        }
        return bucket.get(Counter.POINTS_ISSUED) + bucket.get(Counter.POINTS_RESTORED) + bucket.get(Counter.POINTS_ADJUSTED_IN)
                - bucket.get(Counter.POINTS_REDEEMED) - bucket.get(Counter.POINTS_EXPIRED) - bucket.get(Counter.POINTS_REVERSED)
                - bucket.get(Counter.POINTS_ADJUSTED_OUT);
    }

    static long ratio(long amount, long count) {
        return count == 0 ? 0 : amount / count;
    }

    static long bp(long part, long whole) {
        return whole == 0 ? 0 : BigInteger.valueOf(part).multiply(BigInteger.valueOf(10_000))
                .divide(BigInteger.valueOf(whole)).longValueExact();
    }

    static final List<String> CSV_COLUMNS = List.of("date", "enrolled", "purchases", "revenue", "checkoutDiscount",
            "pointsIssued", "pointsRedeemed", "redeemedValue", "pointsExpired", "pointsReversed", "promotionDiscount",
            "promotionPoints", "returns", "returnedAmount", "pointsRestored", "pointsAdjustedIn", "pointsAdjustedOut");

    /** The report's days as CSV (RFC 4180, CRLF), one row per day with activity, then a {@code total} row. */
    public static String csv(Report report) {
        StringBuilder csv = new StringBuilder(String.join(",", CSV_COLUMNS)).append("\r\n");
        long[] total = new long[CSV_COLUMNS.size() - 1];
        for (DayView day : report.days()) {
            long[] row = {day.enrolled(), day.purchases(), day.revenue(), day.checkoutDiscount(), day.pointsIssued(),
                    day.pointsRedeemed(), day.redeemedValue(), day.pointsExpired(), day.pointsReversed(),
                    day.promotionDiscount(), day.promotionPoints(), day.returns(), day.returnedAmount(),
                    day.pointsRestored(), day.pointsAdjustedIn(), day.pointsAdjustedOut()};
            csv.append(day.date());
            for (int i = 0; i < row.length; i++) {
                csv.append(',').append(row[i]);
                total[i] += row[i];
            }
            csv.append("\r\n");
        }
        csv.append("total");
        for (long value : total) {
            csv.append(',').append(value);
        }
        return csv.append("\r\n").toString();
    }
}
