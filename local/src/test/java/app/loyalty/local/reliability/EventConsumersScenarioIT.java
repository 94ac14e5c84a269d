package app.loyalty.local.reliability;

import app.loyalty.functions.bonusexpiry.BonusExpiryHandler;
import app.loyalty.local.reliability.ScenarioBundle.Merchant;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.testing.TestTables;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

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
    private static final String RULES = "{\"pendingDays\":0,\"expiry\":{\"policy\":\"DAYS_AFTER_EARNING\",\"days\":30,\"noticeDays\":7}}";
    private static final List<String> SUBSCRIBABLE = List.of("MemberEnrolled", "CardIssued", "PurchaseRecorded",
            "PointsAccrued", "PointsReversed", "PointsRedeemed", "PointsExpired");

    private final ScenarioBundle bundle = ScenarioBundle.start("2026-12-03T10:00:00Z");
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private HttpServer receiver;
    private final List<String> violations = new ArrayList<>();

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void everyConsumer_givenEachEventTwiceAndOutOfOrder_endsAsAfterOneOrderedDelivery() throws Exception {
        Merchant merchant = bundle.programWithMerchant("consumers", RULES);
        subscribeWebhookReceiver(merchant);
        produceActivity(merchant);
        List<DomainEvent> events = new ArrayList<>(bundle.outboxEvents());
        events.sort(Comparator.comparing(DomainEvent::occurredAt)); // stable: an outbox's own order within a write
        List<Map<String, AttributeValue>> produced = bundle.everything();
        // Consumers run between the reminder and the expiry day's end, so that the reminders are still news.
        Instant deliveredAt = Instant.parse("2027-01-02T12:00:00Z");
        bundle.clock.set(deliveredAt);

        Outcome baseline = deliver(produced, events, 1);
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
            Outcome outcome = deliver(produced, order, 2);
            duplicates += events.size();
            compare("round " + round + (round == 0 ? " (reversed)" : " (shuffled)"), baseline, outcome);
        }

        ScenarioFigures.record("event-consumers", rounds, duplicates, violations.size());
        ScenarioFigures.FIGURES.add("eventConsumers.eventsPerDelivery", events.size());
        ScenarioFigures.FIGURES.write();
        assertThat(violations).isEmpty();
    }

    /** What the consumers made of one delivery: their items, the messages sent, the webhook POSTs. */
    private record Outcome(List<String> consumers, Map<String, Map<String, AttributeValue>> state,
                           List<RecordingSns.Sent> sent, List<String> posted) {
    }

    /**
     * Copies the produced table, then hands each event of {@code order} to every matching consumer {@code times}
     * times in a row (a redelivery follows its first delivery; the order of events is what the round varies).
     */
    private Outcome deliver(List<Map<String, AttributeValue>> produced, List<DomainEvent> order, int times) {
        AppContext copy = copyOf(produced);
        RecordingSns sns = new RecordingSns();
        EventConsumers consumers = new EventConsumers(copy, sns);
        posted.clear();
        for (DomainEvent event : order) {
            for (int delivery = 0; delivery < times; delivery++) {
                // a fresh envelope id each time, as a relay's re-publish has: consumers must go by detail.eventId
                consumers.deliver(EventConsumers.envelope(event));
            }
        }
        return new Outcome(consumers.functions(), consumerState(copy), sns.sent(), List.copyOf(posted));
    }

    private void compare(String round, Outcome baseline, Outcome outcome) {
        Map<String, Map<String, AttributeValue>> expected = baseline.state();
        Map<String, Map<String, AttributeValue>> actual = outcome.state();
        for (String key : union(expected.keySet(), actual.keySet())) {
            if (!expected.containsKey(key) || !actual.containsKey(key)) {
                violations.add(round + ": item " + key + (expected.containsKey(key) ? " missing" : " not in the baseline"));
            } else if (!expected.get(key).equals(actual.get(key))) {
                violations.add(round + ": item " + key + " is " + actual.get(key) + ", baseline " + expected.get(key));
            }
        }
        if (!counts(baseline.sent()).equals(counts(outcome.sent()))) {
            violations.add(round + ": messages sent " + counts(outcome.sent()).values().stream().mapToLong(Long::longValue).sum()
                    + " differ from the baseline's " + baseline.sent().size());
        }
        counts(outcome.sent()).forEach((message, count) -> {
            if (count > 1) {
                violations.add(round + ": a message was sent " + count + " times: " + message);
            }
        });
        if (!counts(baseline.posted()).equals(counts(outcome.posted()))) {
            violations.add(round + ": webhook POSTs " + counts(outcome.posted()) + " differ from the baseline's "
                    + counts(baseline.posted()));
        }
    }

    private static <T> Map<T, Long> counts(List<T> list) {
        return list.stream().collect(Collectors.groupingBy(t -> t, HashMap::new, Collectors.counting()));
    }

    private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * The items the consumers own, by key: analytics aggregates and markers, the message log, the webhook delivered
     * markers. An analytics activity marker records which purchase took the member's rank in the month; that a later
     * purchase arriving first takes it is the point of out-of-order tolerance, so its eventId is left out.
     */
    private Map<String, Map<String, AttributeValue>> consumerState(AppContext copy) {
        Map<String, Map<String, AttributeValue>> state = new TreeMap<>();
        for (Map<String, AttributeValue> item : ScenarioBundle.scan(copy)) {
            String pk = Attr.string(item, TableSchema.PK);
            String sk = Attr.string(item, TableSchema.SK);
            boolean owned = pk.startsWith("ANALYTICS#") || pk.startsWith("MESSAGES#")
                    || (pk.startsWith("WEBHOOK#") && sk.startsWith("DELIVERED#"));
            if (!owned) {
                continue;
            }
            Map<String, AttributeValue> kept = new HashMap<>(item);
            if (pk.startsWith("ANALYTICS#MEMBER#")) {
                kept.remove("eventId");
            }
            state.put(pk + " | " + sk, kept);
        }
        return state;
    }

    /** A table holding exactly {@code items}, with the bundle's client and clock. */
    private AppContext copyOf(List<Map<String, AttributeValue>> items) {
        String table = TestTables.create(bundle.context.dynamo());
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> puts = items.subList(from, Math.min(items.size(), from + 25)).stream()
                    .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                    .toList();
            Map<String, List<WriteRequest>> unprocessed = Map.of(table, puts);
            while (!unprocessed.isEmpty()) {
                unprocessed = bundle.context.dynamo().batchWriteItem(BatchWriteItemRequest.builder()
                        .requestItems(unprocessed).build()).unprocessedItems();
            }
        }
        return new AppContext(bundle.context.dynamo(), table, bundle.clock, bundle.context.json());
    }

    /**
     * Two members: purchases, a partial return, a hold captured and one cancelled, then an expiry run in the notice
     * period (reminders) and one after the expiry (write-offs). The clock moves between steps, so events have an order.
     */
    private void produceActivity(Merchant merchant) {
        Caller caller = merchant.caller();
        for (int m = 0; m < 2; m++) {
            String memberId = bundle.enrol(merchant, 3000 + m).memberId();
            step();
            ScenarioBundle.send(bundle.purchases, TestRequests.post("POST /v1/purchases", caller, "c-purchase-a-" + m,
                    ScenarioBundle.purchaseBody(memberId, "c-order-a-" + m, 12_000 + 100L * m)), 201);
            step();
            ScenarioBundle.send(bundle.purchases, TestRequests.post("POST /v1/purchases", caller, "c-purchase-b-" + m,
                    ScenarioBundle.purchaseBody(memberId, "c-order-b-" + m, 8_000)), 201);
            step();
            ScenarioBundle.send(bundle.purchases, TestRequests.post("POST /v1/purchases/{orderId}/returns",
                    Map.of("orderId", "c-order-a-" + m), caller, "c-return-" + m,
                    "{\"returnId\":\"c-return-" + m + "\",\"amount\":2000}"), 201);
            step();
            String held = ScenarioBundle.json(ScenarioBundle.send(bundle.redemptions, TestRequests.post(
                    "POST /v1/redemptions", caller, "c-hold-" + m,
                    "{\"memberId\":\"" + memberId + "\",\"orderId\":\"c-spend-" + m + "\",\"points\":25}"), 201))
                    .path("redemptionId").asText();
            ScenarioBundle.send(bundle.redemptions, TestRequests.post("POST /v1/redemptions/{redemptionId}/capture",
                    Map.of("redemptionId", held), caller, "c-capture-" + m, "{}"), 200);
            step();
            String cancelled = ScenarioBundle.json(ScenarioBundle.send(bundle.redemptions, TestRequests.post(
                    "POST /v1/redemptions", caller, "c-hold-b-" + m,
                    "{\"memberId\":\"" + memberId + "\",\"orderId\":\"c-spend-b-" + m + "\",\"points\":10}"), 201))
                    .path("redemptionId").asText();
            ScenarioBundle.send(bundle.redemptions, TestRequests.post("POST /v1/redemptions/{redemptionId}/cancel",
                    Map.of("redemptionId", cancelled), caller, "c-cancel-" + m, null), 200);
            step();
        }
        BonusExpiryHandler expiry = new BonusExpiryHandler(bundle.context);
        bundle.clock.set(Instant.parse("2026-12-29T01:00:00Z")); // within the 7 notice days of the 2027-01-02 expiry
        assertThat(expiry.run(null, null).remindersSent()).as("reminders").isPositive();
        bundle.clock.set(Instant.parse("2027-01-03T01:00:00Z"));
        assertThat(expiry.run(null, null).lotsExpired()).as("write-offs").isPositive();
    }

    private void step() {
        bundle.clock.advance(Duration.ofMinutes(7));
    }

    /** A loopback receiver subscribed (as the operator does, over the API) to the subscribable events. */
    private void subscribeWebhookReceiver(Merchant merchant) throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            JsonNode event = app.loyalty.shared.http.Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
            posted.add(event.path("detail-type").asText() + " " + event.path("detail").path("eventId").asText());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        String types = SUBSCRIBABLE.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        // Only the local runtime accepts a loopback http receiver (WebhookAdmin.LOCAL_RUNTIME_FLAG); set as it sets it.
        String previous = System.getProperty("LOYALTY_LOCAL_RUNTIME");
        System.setProperty("LOYALTY_LOCAL_RUNTIME", "true");
        try {
            ScenarioBundle.send(bundle.programs, TestRequests.post("POST /v1/programs/{programId}/webhooks",
                    Map.of("programId", merchant.programId()), Caller.operator(), "c-webhook-1",
                    "{\"merchantId\":\"" + merchant.merchantId() + "\",\"url\":\"" + url + "\",\"eventTypes\":[" + types + "]}"),
                    201);
        } finally {
            if (previous == null) {
                System.clearProperty("LOYALTY_LOCAL_RUNTIME");
            } else {
                System.setProperty("LOYALTY_LOCAL_RUNTIME", previous);
            }
        }
    }
}
