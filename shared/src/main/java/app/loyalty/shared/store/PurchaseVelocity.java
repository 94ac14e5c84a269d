package app.loyalty.shared.store;

import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ProblemType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The per-member purchase velocity limit (ProgramRules.Velocity, docs/security.md): {@code purchasesByHour.<yyyy-mm-ddThh>}
 * on the PROFILE counts the purchases recorded in each UTC clock hour (by recording time, not by {@code purchasedAt}:
 * the limit is on the rate of requests). The purchase reads the count with the profile it reads anyway and refuses
 * with 429 and Retry-After when the hour is full; its transaction adds one under the condition that the count is
 * still below the limit, so concurrent purchases cannot pass it together (the loser re-reads and is refused). Hours
 * older than the current one are pruned by later purchases, a few per write.
 */
public final class PurchaseVelocity {
    public static final String PURCHASES_BY_HOUR = "purchasesByHour";
    private static final int MAX_PRUNED_PER_WRITE = 4;

    private PurchaseVelocity() {
    }

    /** The UTC clock hour of {@code at}, as the map key: {@code 2026-11-23T09}. */
    public static String hourOf(Instant at) {
        return at.truncatedTo(ChronoUnit.HOURS).toString().substring(0, 13);
    }

    /** Purchases already recorded this hour per the profile as read. */
    public static long purchasesThisHour(Map<String, AttributeValue> profile, Instant now) {
        AttributeValue byHour = profile.get(PURCHASES_BY_HOUR);
        if (byHour == null || !byHour.hasM() || !byHour.m().containsKey(hourOf(now))) {
            return 0;
        }
        return Long.parseLong(byHour.m().get(hourOf(now)).n());
    }

    /** 429 too-many-requests, Retry-After = seconds to the next UTC hour, when this hour already holds the limit. */
    public static void requireBelowLimit(Map<String, AttributeValue> profile, Instant now, int maxPerHour) {
        if (purchasesThisHour(profile, now) >= maxPerHour) {
            Instant nextHour = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
            long retryAfter = Math.max(1, Duration.between(now, nextHour).toSeconds());
            throw new ApiException(ProblemType.TOO_MANY_REQUESTS, "This member has reached the program's limit of "
                    + maxPerHour + " purchases per hour; retry after " + nextHour,
                    Map.of("limit", "purchasesPerMemberPerHour", "maximum", maxPerHour, "retryAfterSeconds", retryAfter));
        }
    }

    /** Counts this purchase into the profile update, guarded by the limit (see the class comment). */
    public static void recordPurchase(UpdateExpression update, Map<String, AttributeValue> profile, Instant now,
                                      int maxPerHour) {
        String hour = hourOf(now);
        AttributeValue byHour = profile.get(PURCHASES_BY_HOUR);
        if (byHour == null || !byHour.hasM()) {
            update.set(PURCHASES_BY_HOUR + " = " + update.value(AttributeValue.fromM(Map.of(hour, Attr.n(1)))));
            update.condition("attribute_not_exists(" + PURCHASES_BY_HOUR + ")");
            return;
        }
        String path = PURCHASES_BY_HOUR + "." + update.name(hour);
        update.set(path + " = if_not_exists(" + path + ", " + update.value(0) + ") + " + update.value(1));
        update.condition("(attribute_not_exists(" + path + ") OR " + path + " < " + update.value(maxPerHour) + ")");
        int pruned = 0;
        for (String stored : byHour.m().keySet()) {
            if (pruned < MAX_PRUNED_PER_WRITE && stored.compareTo(hour) < 0) {
                update.remove(PURCHASES_BY_HOUR + "." + update.name(stored));
                pruned++;
            }
        }
    }
}
