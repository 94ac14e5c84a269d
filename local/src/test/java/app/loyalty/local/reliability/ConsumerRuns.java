package app.loyalty.local.reliability;

import app.loyalty.local.reliability.ScenarioBundle.Merchant;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.testing.TestTables;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Runs of the bus consumers over copies of one produced table, and the comparison of what they made of it: the
 * consumer-owned items (analytics aggregates and markers, the message log, webhook delivered markers), the messages
 * SNS accepted and the webhook POSTs a loopback receiver got. Each run starts from the same produced items, so two
 * runs differ only in the deliveries they were given.
 */
final class ConsumerRuns implements AutoCloseable {
    /** The webhook events the receiver subscribes to (WebhookEventType of openapi.yaml). */
    static final List<String> SUBSCRIBABLE = List.of("MemberEnrolled", "CardIssued", "PurchaseRecorded",
            "PointsAccrued", "PointsReversed", "PointsRedeemed", "PointsExpired");

    private final ScenarioBundle bundle;
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final HttpServer receiver;

    ConsumerRuns(ScenarioBundle bundle) throws IOException {
        this.bundle = bundle;
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            JsonNode event = Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
            posted.add(event.path("detail-type").asText() + " " + event.path("detail").path("eventId").asText());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    /** What the consumers made of one run: their items, the messages sent, the webhook POSTs. */
    record Outcome(List<String> consumers, Map<String, Map<String, AttributeValue>> state,
                   List<RecordingSns.Sent> sent, List<String> posted) {
    }

    /** Subscribes the loopback receiver, as the operator does over the API, to the subscribable events. */
    void subscribe(Merchant merchant) {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        String types = SUBSCRIBABLE.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        // Only the local runtime accepts a loopback http receiver (WebhookAdmin.LOCAL_RUNTIME_FLAG); set as it sets it.
        String previous = System.getProperty("LOYALTY_LOCAL_RUNTIME");
        System.setProperty("LOYALTY_LOCAL_RUNTIME", "true");
        try {
            ScenarioBundle.send(bundle.programs, TestRequests.post("POST /v1/programs/{programId}/webhooks",
                    Map.of("programId", merchant.programId()), Caller.operator(), "webhook-" + merchant.merchantId(),
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

    /** Copies {@code produced} into a fresh table and hands the consumers the envelopes, in this order. */
    Outcome run(List<Map<String, AttributeValue>> produced, List<JsonNode> envelopes) {
        AppContext copy = copyOf(produced);
        RecordingSns sns = new RecordingSns();
        EventConsumers consumers = new EventConsumers(copy, sns);
        posted.clear();
        for (JsonNode envelope : envelopes) {
            consumers.deliver(envelope);
        }
        return new Outcome(consumers.functions(), consumerState(copy), sns.sent(), List.copyOf(posted));
    }

    /** What differs between a run and the baseline (empty: nothing), each message or POST once. */
    static List<String> differences(String round, Outcome baseline, Outcome outcome) {
        List<String> differences = new ArrayList<>();
        Map<String, Map<String, AttributeValue>> expected = baseline.state();
        Map<String, Map<String, AttributeValue>> actual = outcome.state();
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            if (!expected.containsKey(key) || !actual.containsKey(key)) {
                differences.add(round + ": item " + key + (expected.containsKey(key) ? " missing" : " not in the baseline"));
            } else if (!expected.get(key).equals(actual.get(key))) {
                differences.add(round + ": item " + key + " is " + actual.get(key) + ", baseline " + expected.get(key));
            }
        }
        if (!counts(baseline.sent()).equals(counts(outcome.sent()))) {
            differences.add(round + ": " + outcome.sent().size() + " messages sent, the baseline sent "
                    + baseline.sent().size());
        }
        counts(outcome.sent()).forEach((message, count) -> {
            if (count > 1) {
                differences.add(round + ": a message was sent " + count + " times: " + message);
            }
        });
        if (!counts(baseline.posted()).equals(counts(outcome.posted()))) {
            differences.add(round + ": webhook POSTs " + counts(outcome.posted()) + " differ from the baseline's "
                    + counts(baseline.posted()));
        }
        return differences;
    }

    private static <T> Map<T, Long> counts(List<T> list) {
        return list.stream().collect(Collectors.groupingBy(t -> t, HashMap::new, Collectors.counting()));
    }

    /**
     * The items the consumers own, by key. An analytics activity marker records which purchase took the member's rank
     * in the month; that a later purchase arriving first takes it is what tolerating disorder means, so its eventId
     * is left out of the comparison (the counters it guards are compared).
     */
    private static Map<String, Map<String, AttributeValue>> consumerState(AppContext copy) {
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

    @Override
    public void close() {
        receiver.stop(0);
    }
}
