package app.loyalty.functions.analytics;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * What one loyalty event adds to a program's aggregates: counter increments on the UTC day and month of its
 * {@code occurredAt}, and, for a purchase, the member whose activity in that month may count (distinct purchasers,
 * repeat purchasers, retention cohort). Pure: parsed from the event's detail alone.
 */
public record Contribution(String eventId, String programId, LocalDate day, Map<Counter, Long> counters,
                           String purchaserMemberId) {

    /** The detail-types the consumer counts (template.yaml rule AnalyticsFunction / LoyaltyEvents). */
    public static final Set<String> TYPES = Set.of("MemberEnrolled", "PurchaseRecorded", "PointsAccrued",
            "PointsRedeemed", "PointsExpired", "PointsReversed", "PromotionApplied", "PurchaseReturned", "PointsAdjusted");

    public YearMonth month() {
        return YearMonth.from(day);
    }

    /** The contribution of an event, or an {@link IllegalArgumentException} when it is not a countable loyalty event. */
    public static Contribution of(String detailType, JsonNode detail) {
        if (!TYPES.contains(detailType)) {
            throw new IllegalArgumentException("Not an event analytics counts: " + detailType);
        }
        String eventId = text(detail, "eventId");
        String programId = text(detail, "programId");
        LocalDate day;
        try {
            day = Instant.parse(text(detail, "occurredAt")).atOffset(ZoneOffset.UTC).toLocalDate();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("occurredAt is not an instant: " + detail.path("occurredAt").asText(), e);
        }
        Map<Counter, Long> counters = new EnumMap<>(Counter.class);
        String purchaser = null;
        switch (detailType) {
            case "MemberEnrolled" -> counters.put(Counter.ENROLLED, 1L);
            case "PurchaseRecorded" -> {
                counters.put(Counter.PURCHASES, 1L);
                counters.put(Counter.REVENUE, number(detail, "amount"));
                counters.put(Counter.CHECKOUT_DISCOUNT, detail.path("discount").asLong(0));
                purchaser = text(detail, "memberId");
            }
            case "PointsAccrued" -> counters.put(Counter.POINTS_ISSUED, number(detail, "points"));
            case "PointsRedeemed" -> {
                counters.put(Counter.POINTS_REDEEMED, number(detail, "points"));
                counters.put(Counter.REDEEMED_VALUE, number(detail, "value"));
            }
            case "PointsExpired" -> counters.put(Counter.POINTS_EXPIRED, number(detail, "points"));
            case "PointsReversed" -> counters.put(Counter.POINTS_REVERSED, number(detail, "points"));
            case "PromotionApplied" -> {
                counters.put(Counter.PROMOTION_DISCOUNT, number(detail, "amount"));
                counters.put(Counter.PROMOTION_POINTS, number(detail, "points"));
            }
            case "PurchaseReturned" -> {
                counters.put(Counter.RETURNS, 1L);
                counters.put(Counter.RETURNED_AMOUNT, number(detail, "amount"));
                counters.put(Counter.POINTS_RESTORED, number(detail, "pointsRestored"));
            }
            case "PointsAdjusted" -> {
                long points = signedNumber(detail, "points");
                if (points == 0) {
                    throw new IllegalArgumentException("A PointsAdjusted event moves points: points is 0");
                }
                counters.put(points > 0 ? Counter.POINTS_ADJUSTED_IN : Counter.POINTS_ADJUSTED_OUT, Math.abs(points));
            }
            default -> throw new IllegalStateException("unreachable: " + detailType);
        }
        return new Contribution(eventId, programId, day, Map.copyOf(counters), purchaser);
    }

    private static String text(JsonNode detail, String field) {
        JsonNode value = detail.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("The event's detail has no " + field);
        }
        return value.asText();
    }

    private static long signedNumber(JsonNode detail, String field) {
        JsonNode value = detail.get(field);
        if (value == null || !value.canConvertToExactIntegral() || value.asLong() == Long.MIN_VALUE) {
            throw new IllegalArgumentException("The event's detail has no integer " + field);
        }
        return value.asLong();
    }

    private static long number(JsonNode detail, String field) {
        JsonNode value = detail.get(field);
        if (value == null || !value.canConvertToExactIntegral() || value.asLong() < 0) {
            throw new IllegalArgumentException("The event's detail has no non-negative integer " + field);
        }
        return value.asLong();
    }
}
