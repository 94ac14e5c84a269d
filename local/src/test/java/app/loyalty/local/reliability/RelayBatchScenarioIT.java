package app.loyalty.local.reliability;

import app.loyalty.functions.eventrelay.EventRelayHandler;
import app.loyalty.local.reliability.ScenarioBundle.Merchant;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.TableSchema;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 4 of issue 12: the event relay (DynamoDB stream to EventBridge) failing at record k of a batch of n. The
 * records are the real outbox items the handlers wrote; the bus is a stub whose PutEvents, for the events of record
 * k, either rejects the entries (as throttling does: the relay re-sends within the invocation, then reports a batch
 * item failure and Lambda retries from record k) or throws (the whole invocation fails and Lambda retries the whole
 * batch). A small loop does what Lambda's stream poller does with the answers (template.yaml: ReportBatchItemFailures).
 * <p>
 * What the design promises (EventRelayHandler, docs/events.md): at least once, never lost; the records after the
 * failed one, and a failed record's events already accepted, may be published again with the same eventId, and the
 * consumers deduplicate on it. Proved here in two halves: every outbox event reaches the bus at least once and
 * nothing else does, and the consumers given everything the bus got, duplicates included, end exactly as after one
 * delivery of each event.
 */
class RelayBatchScenarioIT {
    private static final String BUS = "loyalty-bus";
    private final ScenarioBundle bundle = ScenarioBundle.start("2026-12-03T10:00:00Z");

    /** How the stub bus fails for the events of the chosen record. */
    private enum Failure { REJECT_ENTRIES, THROW }

    @Test
    void aBatchFailingAtRecordK_reachesTheBusAtLeastOnce_andTheConsumersExactlyOnce() throws Exception {
        Merchant merchant = bundle.programWithMerchant("relay", ScenarioBundle.EXPIRING_RULES);
        List<String> violations = new ArrayList<>();
        try (ConsumerRuns runs = new ConsumerRuns(bundle)) {
            runs.subscribe(merchant);
            bundle.activity(merchant, 1, "r");
            List<Map<String, AttributeValue>> produced = bundle.everything();
            List<DynamodbStreamRecord> records = streamRecords(produced);
            List<DomainEvent> events = records.stream().flatMap(r -> outbox(r).stream()).toList();
            bundle.clock.set(Instant.parse("2027-01-02T12:00:00Z"));
            ConsumerRuns.Outcome baseline = runs.run(produced,
                    events.stream().map(e -> (JsonNode) EventConsumers.envelope(e)).toList());

            int rounds = ReliabilityRun.operations(2);
            Random random = new Random(ReliabilityRun.seed() ^ 0x2e1a7L);
            long duplicates = 0;
            for (int round = 0; round < rounds; round++) {
                Failure failure = round % 2 == 0 ? Failure.REJECT_ENTRIES : Failure.THROW;
                // A thrown PutEvents fails the whole invocation: k in the later half, so that earlier chunks of ten
                // entries went out first and the retried batch publishes them again.
                int k = failure == Failure.THROW ? records.size() / 2 + random.nextInt(records.size() - records.size() / 2)
                        : random.nextInt(records.size());
                String label = "round " + round + " (" + failure + " at record " + k + " of " + records.size() + ")";
                FlakyBus bus = new FlakyBus(failure, outbox(records.get(k)));
                int invocations = pollLikeLambda(new EventRelayHandler(bus, BUS), records, label, violations);
                assertThat(bus.failures).as(label + ": the stub failed").isPositive();
                assertThat(invocations).as(label + ": Lambda had to retry").isGreaterThan(1);

                List<String> published = bus.published.stream().map(RelayBatchScenarioIT::eventId).toList();
                Set<String> expected = new HashSet<>(events.stream().map(DomainEvent::eventId).toList());
                Set<String> lost = new HashSet<>(expected);
                published.forEach(lost::remove);
                if (!lost.isEmpty()) {
                    violations.add(label + ": " + lost.size() + " events never reached the bus: " + lost);
                }
                Set<String> foreign = new HashSet<>(published);
                foreign.removeAll(expected);
                if (!foreign.isEmpty()) {
                    violations.add(label + ": the bus got events no outbox holds: " + foreign);
                }
                int republished = published.size() - new HashSet<>(published).size();
                // Only when a whole chunk of ten entries went out before the failing record's chunk can the retry
                // publish anything twice (found by the soak: a k whose records before it hold fewer than ten events).
                long eventsBeforeK = records.subList(0, k).stream().mapToLong(r -> outbox(r).size()).sum();
                if (failure == Failure.THROW && eventsBeforeK >= 10) {
                    assertThat(republished).as(label + ": the retried batch published events again").isPositive();
                }
                duplicates += republished;

                ConsumerRuns.Outcome downstream = runs.run(produced,
                        bus.published.stream().map(RelayBatchScenarioIT::envelope).toList());
                violations.addAll(ConsumerRuns.differences(label, baseline, downstream));
            }
            ScenarioFigures.record("relay-batch", rounds, duplicates, violations.size());
            ScenarioFigures.FIGURES.add("relayBatch.records", records.size());
            ScenarioFigures.FIGURES.write();
        }
        assertThat(violations).isEmpty();
    }

    /**
     * Lambda's stream poller for one shard: invokes the relay with the records from the checkpoint on; a batch item
     * failure moves the checkpoint to that record, a thrown error leaves it (the whole batch again; bisecting would
     * split it, which changes nothing here). Bounded as template.yaml bounds it (MaximumRetryAttempts 10).
     */
    private static int pollLikeLambda(EventRelayHandler relay, List<DynamodbStreamRecord> records, String label,
                                      List<String> violations) {
        int from = 0;
        for (int invocation = 1; invocation <= 11; invocation++) {
            DynamodbEvent batch = new DynamodbEvent();
            batch.setRecords(new ArrayList<>(records.subList(from, records.size())));
            StreamsEventResponse response;
            try {
                response = relay.handleRequest(batch, null);
            } catch (RuntimeException failed) {
                continue;
            }
            if (response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) {
                return invocation;
            }
            String sequenceNumber = response.getBatchItemFailures().getFirst().getItemIdentifier();
            int at = -1;
            for (int i = from; i < records.size(); i++) {
                if (records.get(i).getDynamodb().getSequenceNumber().equals(sequenceNumber)) {
                    at = i;
                }
            }
            if (at < 0) {
                violations.add(label + ": the relay named a record not in the batch: " + sequenceNumber);
                return invocation;
            }
            from = at;
        }
        violations.add(label + ": the batch still failed after Lambda's 10 retries");
        return 11;
    }

    /**
     * The stream's INSERT records of the items that hold an outbox, in the order they were written (their events'
     * time; the clock moved between the writes).
     */
    private static List<DynamodbStreamRecord> streamRecords(List<Map<String, AttributeValue>> items) {
        List<Map<String, AttributeValue>> withOutbox = new ArrayList<>(items.stream()
                .filter(i -> i.containsKey(TableSchema.OUTBOX)).toList());
        withOutbox.sort(Comparator.comparing(i -> Outbox.decode(i.get(TableSchema.OUTBOX).l().getFirst().s()).occurredAt()));
        List<DynamodbStreamRecord> records = new ArrayList<>();
        for (Map<String, AttributeValue> item : withOutbox) {
            var image = new HashMap<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue>();
            image.put(TableSchema.PK, streamValue(Attr.string(item, TableSchema.PK)));
            image.put(TableSchema.SK, streamValue(Attr.string(item, TableSchema.SK)));
            image.put(TableSchema.OUTBOX, new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue()
                    .withL(item.get(TableSchema.OUTBOX).l().stream().map(v -> streamValue(v.s())).toList()));
            StreamRecord change = new StreamRecord();
            change.setKeys(Map.of(TableSchema.PK, image.get(TableSchema.PK), TableSchema.SK, image.get(TableSchema.SK)));
            change.setNewImage(image);
            change.setSequenceNumber(String.format("%021d", (records.size() + 1) * 100L));
            change.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.NEW_IMAGE);
            change.setSizeBytes(1L);
            DynamodbStreamRecord record = new DynamodbStreamRecord();
            record.setEventID(UUID.randomUUID().toString());
            record.setEventName("INSERT");
            record.setEventSource("aws:dynamodb");
            record.setAwsRegion("eu-west-1");
            record.setDynamodb(change);
            records.add(record);
        }
        return records;
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue streamValue(String s) {
        return new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withS(s);
    }

    private static List<DomainEvent> outbox(DynamodbStreamRecord record) {
        return record.getDynamodb().getNewImage().get(TableSchema.OUTBOX).getL().stream()
                .map(v -> Outbox.decode(v.getS())).toList();
    }

    private static String eventId(PutEventsRequestEntry entry) {
        return detail(entry).path("eventId").asText();
    }

    private static JsonNode detail(PutEventsRequestEntry entry) {
        try {
            return Json.MAPPER.readTree(entry.detail());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What EventBridge delivers for an entry it accepted. */
    private static JsonNode envelope(PutEventsRequestEntry entry) {
        ObjectNode envelope = Json.MAPPER.createObjectNode();
        envelope.put("version", "0");
        envelope.put("id", UUID.randomUUID().toString());
        envelope.put("detail-type", entry.detailType());
        envelope.put("source", entry.source());
        envelope.put("account", "123456789012");
        envelope.put("time", (entry.time() == null ? Instant.EPOCH : entry.time()).truncatedTo(ChronoUnit.SECONDS).toString());
        envelope.put("region", "eu-west-1");
        envelope.putArray("resources");
        envelope.set("detail", detail(entry));
        return envelope;
    }

    /**
     * EventBridge, accepting every entry except those of the chosen record's events, for a while: rejected with
     * InternalFailure four times each (one more than the relay re-sends within an invocation), or the whole PutEvents
     * call holding one of them failing twice.
     */
    private static final class FlakyBus implements EventBridgeClient {
        final List<PutEventsRequestEntry> published = new CopyOnWriteArrayList<>();
        private final Failure failure;
        private final Set<String> failing = new HashSet<>();
        private final Map<String, Integer> rejectionsLeft = new HashMap<>();
        private int throwsLeft = 2;
        int failures;

        FlakyBus(Failure failure, List<DomainEvent> failingEvents) {
            this.failure = failure;
            failingEvents.forEach(e -> {
                failing.add(e.eventId());
                rejectionsLeft.put(e.eventId(), 4);
            });
        }

        @Override
        public synchronized PutEventsResponse putEvents(PutEventsRequest request) {
            boolean holdsFailing = request.entries().stream().anyMatch(e -> failing.contains(eventId(e)));
            if (failure == Failure.THROW && holdsFailing && throwsLeft > 0) {
                throwsLeft--;
                failures++;
                throw SdkClientException.create("scenario: PutEvents timed out");
            }
            List<PutEventsResultEntry> results = new ArrayList<>();
            int rejected = 0;
            for (PutEventsRequestEntry entry : request.entries()) {
                String id = eventId(entry);
                if (failure == Failure.REJECT_ENTRIES && rejectionsLeft.getOrDefault(id, 0) > 0) {
                    rejectionsLeft.merge(id, -1, Integer::sum);
                    failures++;
                    rejected++;
                    results.add(PutEventsResultEntry.builder().errorCode("InternalFailure")
                            .errorMessage("scenario: rejected").build());
                } else {
                    published.add(entry);
                    results.add(PutEventsResultEntry.builder().eventId(UUID.randomUUID().toString()).build());
                }
            }
            return PutEventsResponse.builder().failedEntryCount(rejected).entries(results).build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
