package app.loyalty.shared.store;

import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ProblemType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The per-member redemption velocity limits (ProgramRules.Velocity, docs/security.md), kept on the PROFILE the
 * redeeming request reads and updates anyway, exactly like {@link PurchaseVelocity}: no extra call.
 * <ul>
 *   <li>{@code redemptionsByHour.<yyyy-mm-ddThh>}: holds, and purchases paying with points without a hold (a hold's
 *   capture is not counted again: the hold was);</li>
 *   <li>{@code pointsRedeemedByDay.<yyyy-mm-dd>}: points spent, by a capture or a purchase's points payment.</li>
 * </ul>
 * The request checks the count it read (a fast 429 with Retry-After, nothing written) and adds to it under the
 * condition that the limit still holds, so concurrent requests cannot pass it together: the loser's transaction fails,
 * it re-reads (IdempotentWriter) and is refused. Past windows are pruned by later writes, a few per write.
 */
public final class RedemptionVelocity {
    public static final String REDEMPTIONS_BY_HOUR = "redemptionsByHour";
    public static final String POINTS_REDEEMED_BY_DAY = "pointsRedeemedByDay";
    private static final int MAX_PRUNED_PER_WRITE = 4;

    private RedemptionVelocity() {
    }

    /** The UTC day of {@code at}, as the map key: {@code 2026-11-23}. */
    public static String dayOf(Instant at) {
        return at.truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);
    }

    /** Redemptions (holds, direct points payments) already counted this hour per the profile as read. */
    public static long redemptionsThisHour(Map<String, AttributeValue> profile, Instant now) {
        return countIn(profile, REDEMPTIONS_BY_HOUR, PurchaseVelocity.hourOf(now));
    }

    /** Points already spent today per the profile as read. */
    public static long pointsRedeemedToday(Map<String, AttributeValue> profile, Instant now) {
        return countIn(profile, POINTS_REDEEMED_BY_DAY, dayOf(now));
    }

    /**
     * Counts one redemption (a hold, or a purchase paying with points without one) into the profile update: 429 when
     * this hour already holds the limit, else one more under the condition that the count is still below it.
     */
    public static void recordRedemption(UpdateExpression update, Map<String, AttributeValue> profile, Instant now,
                                        ProgramRules.Velocity limits) {
        int maximum = limits.maxRedemptionsPerMemberPerHour();
        if (redemptionsThisHour(profile, now) >= maximum) {
            Instant nextHour = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
            throw tooMany("This member has reached the program's limit of " + maximum + " redemptions (holds and"
                    + " points payments) per hour", "redemptionsPerMemberPerHour", maximum, now, nextHour);
        }
        add(update, profile, REDEMPTIONS_BY_HOUR, PurchaseVelocity.hourOf(now), 1, maximum);
    }

    /**
     * Counts {@code points} spent into the profile update when the program limits points per member and day: 429 when
     * they would take today past the limit, else added under the condition that they still fit.
     */
    public static void recordPointsSpent(UpdateExpression update, Map<String, AttributeValue> profile, Instant now,
                                         ProgramRules.Velocity limits, long points) {
        Long maximum = limits.maxPointsRedeemedPerMemberPerDay();
        if (maximum == null || points <= 0) {
            return;
        }
        long today = pointsRedeemedToday(profile, now);
        if (points > maximum - today) {
            Instant nextDay = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
            throw tooMany("Spending " + points + " points would take this member past the program's limit of "
                    + maximum + " points redeemed per day (" + today + " so far today)", "pointsRedeemedPerMemberPerDay",
                    maximum, now, nextDay);
        }
        add(update, profile, POINTS_REDEEMED_BY_DAY, dayOf(now), points, maximum);
    }

    /** 429 too-many-requests naming the limit, Retry-After = seconds to the end of its window (at least 1). */
    static ApiException tooMany(String detail, String limit, long maximum, Instant now, Instant windowEnd) {
        long retryAfter = Math.max(1, Duration.between(now, windowEnd).toSeconds());
        return new ApiException(ProblemType.TOO_MANY_REQUESTS, detail + "; retry after " + windowEnd,
                Map.of("limit", limit, "maximum", maximum, "retryAfterSeconds", retryAfter));
    }

    private static long countIn(Map<String, AttributeValue> profile, String attribute, String window) {
        AttributeValue byWindow = profile.get(attribute);
        if (byWindow == null || !byWindow.hasM() || !byWindow.m().containsKey(window)) {
            return 0;
        }
        return Long.parseLong(byWindow.m().get(window).n());
    }

    /** Adds {@code amount} to the window's count under the condition that the count stays within {@code maximum}. */
    private static void add(UpdateExpression update, Map<String, AttributeValue> profile, String attribute,
                            String window, long amount, long maximum) {
        AttributeValue byWindow = profile.get(attribute);
        if (byWindow == null || !byWindow.hasM()) {
            update.set(attribute + " = " + update.value(AttributeValue.fromM(Map.of(window, Attr.n(amount)))));
            update.condition("attribute_not_exists(" + attribute + ")");
            return;
        }
        String path = attribute + "." + update.name(window);
        update.set(path + " = if_not_exists(" + path + ", " + update.value(0) + ") + " + update.value(amount));
        update.condition("(attribute_not_exists(" + path + ") OR " + path + " <= " + update.value(maximum - amount) + ")");
        int pruned = 0;
        for (String stored : byWindow.m().keySet()) {
            if (pruned < MAX_PRUNED_PER_WRITE && stored.compareTo(window) < 0) {
                update.remove(attribute + "." + update.name(stored));
                pruned++;
            }
        }
    }
}
