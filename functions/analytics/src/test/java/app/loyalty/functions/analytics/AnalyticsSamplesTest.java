package app.loyalty.functions.analytics;

import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.testing.EventSchemas;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The events/eventbridge samples of every counted event: valid against their schemas, and what each one adds. */
class AnalyticsSamplesTest {
    static final Map<String, String> SAMPLES = Map.of(
            "MemberEnrolled", "member-enrolled.json", "PurchaseRecorded", "purchase-recorded.json",
            "PointsAccrued", "points-accrued.json", "PointsRedeemed", "points-redeemed.json",
            "PointsExpired", "points-expired.json", "PointsReversed", "points-reversed.json",
            "PromotionApplied", "promotion-applied.json", "PurchaseReturned", "purchase-returned.json",
            "PointsAdjusted", "points-adjusted.json");

    @Test
    void everyCountedEvent_hasASampleThatMatchesItsSchema() throws IOException {
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(Contribution.TYPES);
        for (Map.Entry<String, String> sample : SAMPLES.entrySet()) {
            JsonNode event = sample(sample.getValue());
            assertThat(event.path("detail-type").asText()).isEqualTo(sample.getKey());
            JsonNode detail = event.path("detail");
            Map<String, Object> data = new LinkedHashMap<>(LambdaJson.MAPPER.convertValue(detail, new TypeReference<Map<String, Object>>() { }));
            data.keySet().removeAll(List.of("eventId", "occurredAt", "programId"));
            DomainEvent domainEvent = new DomainEvent(detail.path("eventId").asText(), sample.getKey(),
                    Instant.parse(detail.path("occurredAt").asText()), detail.path("programId").asText(), data);
            assertThat(EventSchemas.violations(List.of(domainEvent))).as(sample.getValue()).isEmpty();
        }
    }

    @Test
    void samples_addTheirAmounts_toTheCountersTheDocsName() throws IOException {
        Contribution purchase = contribution("purchase-recorded.json");
        assertThat(purchase.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Counter.PURCHASES, 1L, Counter.REVENUE, 12550L, Counter.CHECKOUT_DISCOUNT, 1255L));
        assertThat(purchase.purchaserMemberId()).isEqualTo("mbr_0a1b2c3d4e5f6g7h8j9k");
        assertThat(purchase.day()).hasToString("2026-11-23");
        assertThat(contribution("member-enrolled.json").counters()).containsExactlyEntriesOf(Map.of(Counter.ENROLLED, 1L));
        assertThat(contribution("points-redeemed.json").counters()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Counter.POINTS_REDEEMED, 300L, Counter.REDEEMED_VALUE, 300L));
        assertThat(contribution("points-reversed.json").counters()).containsExactlyEntriesOf(Map.of(Counter.POINTS_REVERSED, 56L));
        assertThat(contribution("points-accrued.json").counters()).containsExactlyEntriesOf(Map.of(Counter.POINTS_ISSUED, 112L));
        assertThat(contribution("points-accrued.json").purchaserMemberId()).isNull();
        assertThat(contribution("purchase-returned.json").counters()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Counter.RETURNS, 1L, Counter.RETURNED_AMOUNT, 2500L, Counter.POINTS_RESTORED, 0L));
        assertThat(contribution("purchase-returned.json").purchaserMemberId()).isNull();
        assertThat(contribution("points-adjusted.json").counters()).containsExactlyEntriesOf(Map.of(Counter.POINTS_ADJUSTED_IN, 500L));
    }

    @Test
    void aNegativeAdjustment_countsAsPointsTakenOut_andAZeroOneIsRefused() throws IOException {
        ObjectNode taken = (ObjectNode) sample("points-adjusted.json").path("detail").deepCopy();
        taken.put("points", -40);
        assertThat(Contribution.of("PointsAdjusted", taken).counters()).containsExactlyEntriesOf(Map.of(Counter.POINTS_ADJUSTED_OUT, 40L));
        taken.put("points", 0);
        assertThatThrownBy(() -> Contribution.of("PointsAdjusted", taken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("points");
    }

    @Test
    void anEventWithoutItsIdsOrWithANegativeAmount_isRefused() throws IOException {
        JsonNode purchase = sample("purchase-recorded.json").path("detail");
        assertThatThrownBy(() -> Contribution.of("PurchaseRecorded", ((com.fasterxml.jackson.databind.node.ObjectNode) purchase.deepCopy()).remove(List.of("eventId"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventId");
        assertThatThrownBy(() -> Contribution.of("PurchaseRecorded", ((com.fasterxml.jackson.databind.node.ObjectNode) purchase.deepCopy()).put("amount", -5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amount");
        assertThatThrownBy(() -> Contribution.of("PointsHeld", purchase)).isInstanceOf(IllegalArgumentException.class);
    }

    static Contribution contribution(String file) throws IOException {
        JsonNode event = sample(file);
        return Contribution.of(event.path("detail-type").asText(), event.path("detail"));
    }

    static JsonNode sample(String file) throws IOException {
        try (InputStream in = AnalyticsSamplesTest.class.getResourceAsStream("/eventbridge/" + file)) {
            assertThat(in).as("events/eventbridge/" + file).isNotNull();
            return LambdaJson.MAPPER.readTree(in);
        }
    }
}
