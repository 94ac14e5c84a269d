package app.loyalty.shared.domain.discount.card;

import java.time.LocalDate;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Net spend by UTC day (minor units; returns already taken off the day of their purchase) and the rolling window
 * over it. The window on day {@code d} is the {@code windowDays} days ending with {@code d}: a purchase on day p
 * counts on days p .. p + windowDays - 1 and no more from p + windowDays on. A day's net may be negative (a
 * return of a purchase whose day was counted into a legacy month bucket); a window's sum is never below 0.
 */
public final class SpendWindow {
    private final NavigableMap<LocalDate, Long> byDay;
    private final int windowDays;

    public SpendWindow(Map<LocalDate, Long> spendByDay, int windowDays) {
        if (windowDays < 1) {
            throw new IllegalArgumentException("windowDays must be at least 1");
        }
        this.byDay = new TreeMap<>(spendByDay);
        this.windowDays = windowDays;
    }

    public int windowDays() {
        return windowDays;
    }

    /** The net spend the window holds on {@code day}. */
    public long on(LocalDate day) {
        long sum = 0;
        for (long spend : byDay.subMap(day.minusDays(windowDays - 1L), true, day, true).values()) {
            sum = Math.addExact(sum, spend);
        }
        return Math.max(0, sum);
    }

    /**
     * The first day from {@code from} on (inclusive) when the window holds less than {@code threshold}, assuming no
     * spend beyond what is recorded; null when it never does (threshold 0 or less).
     */
    public LocalDate firstDayBelow(long threshold, LocalDate from) {
        if (threshold <= 0) {
            return null;
        }
        // The window's sum changes only on a day a recorded day enters or leaves it: those are the only candidates.
        NavigableSet<LocalDate> candidates = new TreeSet<>();
        candidates.add(from);
        for (LocalDate recorded : byDay.keySet()) {
            if (recorded.isAfter(from)) {
                candidates.add(recorded);
            }
            LocalDate leaves = recorded.plusDays(windowDays);
            if (leaves.isAfter(from)) {
                candidates.add(leaves);
            }
        }
        for (LocalDate day : candidates) {
            if (on(day) < threshold) {
                return day;
            }
        }
        return null;
    }
}
