package app.loyalty.local.reliability;

import app.loyalty.local.reliability.ScenarioBundle.Merchant;
import app.loyalty.shared.events.DomainEvent;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 3 of issue 12: duplicate and out-of-order delivery to every consumer of the bus. The events are the real
 * ones (the outboxes of enrolments, purchases, returns, redemptions and two expiry runs, written by the handlers);
 * the consumers are the functions of template.yaml's EventBridge rules ({@link EventConsumers}: notifications,
 * analytics, partner webhooks). The baseline delivers each event once, in the order it happened, to consumers on one
 * copy of the table; each round delivers every event twice, in reversed or shuffled order, to consumers on another
 * copy. Promised (DESIGN section 5): the consumers' state is the same (analytics aggregates, the message log, the
 * webhook delivered markers), every message is sent once and every webhook POSTed once.
 * <p>
 * Deliberately order-dependent, and so not produced here: a TierChanged older than the last one told is skipped as
 * stale (docs/notifications.md), so a reversed pair tells one change where an ordered pair tells two.
 */
class EventConsumersScenarioIT {
    private final ScenarioBundle bundle = ScenarioBundle.start("2026-12-03T10:00:00Z");

    @Test
    void everyConsumer_givenEachEventTwiceAndOutOfOrder_endsAsAfterOneOrderedDelivery() throws Exception {
        Merchant merchant = bundle.programWithMerchant("consumers", ScenarioBundle.EXPIRING_RULES);
        List<String> violations = new ArrayList<>();
        try (ConsumerRuns runs = new ConsumerRuns(bundle)) {
            runs.subscribe(merchant);
            bundle.activity(merchant, 2, "c");
            List<DomainEvent> events = new ArrayList<>(bundle.outboxEvents());
            events.sort(Comparator.comparing(DomainEvent::occurredAt)); // stable: an outbox's own order within a write
            List<Map<String, AttributeValue>> produced = bundle.everything();
            // Consumers run after the reminders and on the expiry's day, so that the reminders are still news.
            bundle.clock.set(Instant.parse("2027-01-02T12:00:00Z"));

            ConsumerRuns.Outcome baseline = runs.run(produced, envelopes(events, 1));
            assertThat(baseline.consumers()).as("the template's bus consumers")
                    .containsExactlyInAnyOrder("NotificationsFunction", "AnalyticsFunction", "WebhookDeliveryFunction");
            assertThat(baseline.sent()).as("the baseline sends messages").isNotEmpty();
            assertThat(baseline.posted()).as("the baseline posts webhooks").isNotEmpty();
            assertThat(baseline.state().keySet()).as("the baseline counts analytics")
                    .anyMatch(key -> key.startsWith("ANALYTICS#"));

            int rounds = ReliabilityRun.operations(2);
            Random random = new Random(ReliabilityRun.seed() ^ 0x5ce3a110L);
            long duplicates = 0;
            for (int round = 0; round < rounds; round++) {
                List<DomainEvent> order = new ArrayList<>(events);
                if (round == 0) {
                    Collections.reverse(order);
                } else {
                    Collections.shuffle(order, random);
                }
                ConsumerRuns.Outcome outcome = runs.run(produced, envelopes(order, 2));
                duplicates += events.size();
                violations.addAll(ConsumerRuns.differences(
                        "round " + round + (round == 0 ? " (reversed)" : " (shuffled)"), baseline, outcome));
            }
            ScenarioFigures.record("event-consumers", rounds, duplicates, violations.size());
            ScenarioFigures.FIGURES.add("eventConsumers.eventsPerDelivery", events.size());
            ScenarioFigures.FIGURES.write();
        }
        assertThat(violations).isEmpty();
    }

    /**
     * Each event {@code times} times in a row (a redelivery follows its first delivery; the order of events is what a
     * round varies), each with a fresh envelope id as a relay's re-publish has: consumers must go by detail.eventId.
     */
    private static List<JsonNode> envelopes(List<DomainEvent> events, int times) {
        List<JsonNode> envelopes = new ArrayList<>();
        for (DomainEvent event : events) {
            for (int delivery = 0; delivery < times; delivery++) {
                envelopes.add(EventConsumers.envelope(event));
            }
        }
        return envelopes;
    }
}
