package app.loyalty.shared.domain.segment;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * Recency, frequency and monetary scores, 1 (weakest) to 5 (best), computed from the profile's figures alone, so a
 * segment can ask for "bought recently, often and much" without reading any purchase. Fixed thresholds (the same for
 * every program, documented in docs/notifications.md) rather than quintiles: a quintile needs the whole program read
 * first, and a member's score would change when other members buy.
 * <ul>
 *   <li>recency, days since the last purchase day: at most 30 → 5, 90 → 4, 180 → 3, 365 → 2, longer or never → 1;</li>
 *   <li>frequency, purchases (net count): at least 20 → 5, 10 → 4, 5 → 3, 2 → 2, else 1;</li>
 *   <li>monetary, net spend in minor units: at least 100,000 → 5, 50,000 → 4, 20,000 → 3, 5,000 → 2, else 1
 *       (1,000.00, 500.00, 200.00, 50.00 in a two-decimal currency).</li>
 * </ul>
 */
public record Rfm(int recency, int frequency, int monetary) {
    static final long[] RECENCY_DAYS = {30, 90, 180, 365};
    static final long[] FREQUENCY_AT_LEAST = {20, 10, 5, 2};
    static final long[] MONETARY_AT_LEAST = {100_000, 50_000, 20_000, 5_000};

    public Rfm {
        requireScore("recency", recency);
        requireScore("frequency", frequency);
        requireScore("monetary", monetary);
    }

    static void requireScore(String name, int score) {
        if (score < 1 || score > 5) {
            throw new IllegalArgumentException(name + " score must be 1..5");
        }
    }

    public static Rfm of(MemberSnapshot member, LocalDate today) {
        return new Rfm(recency(member.lastPurchaseDay(), today), atLeast(member.purchaseCount(), FREQUENCY_AT_LEAST),
                atLeast(member.totalSpend(), MONETARY_AT_LEAST));
    }

    static int recency(LocalDate lastPurchaseDay, LocalDate today) {
        if (lastPurchaseDay == null) {
            return 1;
        }
        // A purchase dated after today (clock skew between writers) counts as today.
        long days = Math.max(0, ChronoUnit.DAYS.between(lastPurchaseDay, today));
        for (int i = 0; i < RECENCY_DAYS.length; i++) {
            if (days <= RECENCY_DAYS[i]) {
                return 5 - i;
            }
        }
        return 1;
    }

    private static int atLeast(long value, long[] thresholds) {
        for (int i = 0; i < thresholds.length; i++) {
            if (value >= thresholds[i]) {
                return 5 - i;
            }
        }
        return 1;
    }
}
