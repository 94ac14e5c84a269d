package app.loyalty.shared.domain.discount;

import java.util.Map;

/**
 * The staff program: what members of kind STAFF get off their own purchases, and at most how much discount a
 * month (minor units; the month is the UTC calendar month, and the engine is told how much was used already).
 *
 * @param bp         staff discount in basis points of the lines (0..10000, default 0 = none)
 * @param categoryBp per category, overriding {@code bp} (basis points 0..10000)
 * @param monthlyCap the most staff discount one member gets per month, minor units 0..10^10; null = no cap
 */
public record StaffDiscount(Integer bp, Map<String, Integer> categoryBp, Long monthlyCap) {
    public static final StaffDiscount NONE = new StaffDiscount(0, Map.of(), null);

    public StaffDiscount {
        bp = Bounds.bp("staff.bp", bp, 0);
        categoryBp = Bounds.categoryBp("staff.categoryBp", categoryBp);
        if (monthlyCap != null) {
            Bounds.range("staff.monthlyCap", monthlyCap, 0, Bounds.MAX_AMOUNT);
        }
    }

    public int bpFor(String category) {
        return category != null ? categoryBp.getOrDefault(category, bp) : bp;
    }

    /** What is left of this month's cap after {@code usedThisMonth}; Long.MAX_VALUE without a cap. */
    public long leftThisMonth(long usedThisMonth) {
        return monthlyCap == null ? Long.MAX_VALUE : Math.max(0, monthlyCap - usedThisMonth);
    }
}
