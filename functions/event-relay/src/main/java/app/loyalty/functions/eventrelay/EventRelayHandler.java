package app.loyalty.functions.eventrelay;

import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AwsClients;
import app.loyalty.shared.runtime.Environment;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.runtime.PrimingStep;
import app.loyalty.shared.store.TableSchema;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.node.TextNode;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.crac.Core;
import org.crac.Resource;

/**
 * The outbox relay: publishes to the bus the events that each transaction wrote in the {@code outbox} attribute
 * of its append-only item (DynamoDB Streams, batches in shard order).
 * <ul>
 *   <li>INSERT: every event of the new item's outbox.</li>
 *   <li>MODIFY: the events of the new outbox that the old one did not hold. An idempotency record whose
 *   24 h have passed is replaced by a Put on the same key when its key is reused before TTL deletion runs;
 *   the stream reports that as MODIFY, and ignoring it would lose that request's events. With a NEW_IMAGE
 *   stream there is no old image and the whole outbox is relayed: a duplicate, which consumers absorb by
 *   event id, never a loss.</li>
 *   <li>REMOVE (TTL deletions): nothing.</li>
 * </ul>
 * Entries go out 10 per PutEvents (its limit) in record order. Entries EventBridge reports as failed are re-sent
 * a bounded number of times; if some still fail, the response names the first record not fully published, so
 * Lambda (ReportBatchItemFailures) retries from there. Records after it may be published twice, which is fine:
 * every event keeps its id. Anything unexpected (a PutEvents call that throws, a malformed outbox) propagates and
 * Lambda retries the whole batch.
 */
public final class EventRelayHandler implements RequestStreamHandler, Resource {
    public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";
    /** PutEvents accepts at most 10 entries per call. */
    static final int MAX_ENTRIES_PER_CALL = 10;
    /** Sends of one entry within an invocation; after that Lambda's retry of the batch takes over. */
    static final int MAX_ATTEMPTS = 3;

    /** Waits between re-sends of failed entries (mostly throttling), so a retry does not meet the same limit. */
    @FunctionalInterface
    interface Backoff {
        Backoff JITTERED = attempt -> {
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(25, 100L << attempt));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while re-sending failed events", interrupted);
            }
        };

        void pause(int attempt);
    }

    /** Not JSON, so no event can carry it (see {@link #primePutEvents}). */
    static final String UNDELIVERABLE_DETAIL = "{\"snapstart-priming\": this is not JSON, so it is never an event";

    private final EventBridgeClient eventBridge;
    private final String busName;
    private final Backoff backoff;
    private final RequestLog log;

    public EventRelayHandler() {
        this(AwsClients.build(EventBridgeClient.builder()), Environment.require(EVENT_BUS_NAME));
    }

    public EventRelayHandler(EventBridgeClient eventBridge, String busName) {
        this(eventBridge, busName, Backoff.JITTERED, RequestLog.STDOUT);
    }

    EventRelayHandler(EventBridgeClient eventBridge, String busName, Backoff backoff, RequestLog log) {
        this.eventBridge = eventBridge;
        this.busName = busName;
        this.backoff = backoff;
        this.log = log;
        // SnapStart calls beforeCheckpoint once, at publish time; elsewhere (tests, local runtime) nothing happens.
        Core.getGlobalContext().register(this);
    }

    /**
     * SnapStart priming without publishing anything: a batch holding only a TTL deletion through the stream entry
     * (parsing, the relay decision, the response; nothing to send), then {@link #primePutEvents}.
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        // As Lambda delivers it (JSON bytes through the stream entry), so the stream record parsing is primed too.
        String deletion = """
                {"Records":[{"eventID":"snapstart-priming","eventName":"REMOVE","eventVersion":"1.1",
                  "eventSource":"aws:dynamodb","awsRegion":"eu-west-1","dynamodb":{"ApproximateCreationDateTime":0,
                  "Keys":{"PK":{"S":"PRIMING"},"SK":{"S":"PRIMING"}},"SequenceNumber":"0","SizeBytes":1,
                  "StreamViewType":"NEW_IMAGE"},"eventSourceARN":"arn:aws:dynamodb:eu-west-1:0:table/priming/stream/0"}]}
                """;
        LambdaJson.prime(this, deletion.getBytes(StandardCharsets.UTF_8));
        PrimingStep.run(log, "PutEvents of real-shaped entries with undeliverable details", this::primePutEvents);
    }

    /**
     * The publishing path up to EventBridge and back, publishing nothing: a real-shaped INSERT record (an outbox of
     * two events) is parsed, its events decoded and turned into entries by the relay's own code, and sent in one
     * PutEvents, each with its detail replaced by text that is not JSON. Why nothing can be published: an event's
     * detail is a JSON object inside the event EventBridge delivers, so a detail that does not parse cannot become an
     * event; EventBridge refuses each such entry alone with the documented, non-retryable error code MalformedDetail
     * (and the other entries of a call are unaffected, so every entry of this call carries the bad detail). Unlike a
     * request-level refusal (an empty call, a bad bus name), this answers 200 with per-entry results, the shape the
     * relay reads on every batch. Answers the error codes; an entry EventBridge did accept is a failure, logged.
     */
    List<String> primePutEvents() {
        List<DomainEvent> outbox = List.of(
                new DomainEvent(UUID.randomUUID().toString(), "PurchaseRecorded", Instant.EPOCH, "prg_priming",
                        Map.of("memberId", "mbr_priming", "merchantId", "mch_priming", "orderId", "priming",
                                "amount", 2500, "currency", "EUR", "pointsEarned", 25)),
                new DomainEvent(UUID.randomUUID().toString(), "PointsAccrued", Instant.EPOCH, "prg_priming",
                        Map.of("memberId", "mbr_priming", "merchantId", "mch_priming", "orderId", "priming",
                                "points", 25, "status", "pending", "availableAt", "1970-01-15T00:00:00Z")));
        StringBuilder items = new StringBuilder();
        for (String encoded : Outbox.encode(outbox)) {
            items.append(items.isEmpty() ? "" : ",").append("{\"S\":").append(new TextNode(encoded)).append('}');
        }
        String insert = """
                {"Records":[{"eventID":"snapstart-priming","eventName":"INSERT","eventVersion":"1.1",
                  "eventSource":"aws:dynamodb","awsRegion":"eu-west-1","dynamodb":{"ApproximateCreationDateTime":0,
                  "Keys":{"PK":{"S":"PRIMING"},"SK":{"S":"PRIMING"}},
                  "NewImage":{"PK":{"S":"PRIMING"},"SK":{"S":"PRIMING"},"outbox":{"L":[%s]}},
                  "SequenceNumber":"0","SizeBytes":1,"StreamViewType":"NEW_IMAGE"},
                  "eventSourceARN":"arn:aws:dynamodb:eu-west-1:0:table/priming/stream/0"}]}
                """.formatted(items);
        DynamodbEvent batch;
        try {
            batch = LambdaJson.read(new java.io.ByteArrayInputStream(insert.getBytes(StandardCharsets.UTF_8)),
                    DynamodbEvent.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<PutEventsRequestEntry> entries = eventsToRelay(batch.getRecords().getFirst()).stream()
                .map(this::entryFor)
                .map(entry -> entry.toBuilder().detail(UNDELIVERABLE_DETAIL).build())
                .toList();
        List<PutEventsResultEntry> results = eventBridge.putEvents(PutEventsRequest.builder().entries(entries).build())
                .entries();
        if (results.stream().anyMatch(result -> result.errorCode() == null)) {
            throw new IllegalStateException("EventBridge accepted a priming entry with a detail that is not JSON: " + results);
        }
        return results.stream().map(PutEventsResultEntry::errorCode).toList();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to refresh: the client holds no per-instance state that a restored snapshot must rebuild.
    }

    /**
     * Lambda's entry (template.yaml's {@code ::handleRequest}): the batch is read and the response written with
     * {@link LambdaJson}, so the runtime client's own serialization (unprimable, and needing joda-time) never runs.
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.write(output, handleRequest(LambdaJson.read(input, DynamodbEvent.class), context));
    }

    /** The relay of a batch already parsed: what the stream entry calls, and what tests call directly. */
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<Pending> pending = new ArrayList<>();
        for (DynamodbStreamRecord record : event.getRecords()) {
            String sequenceNumber = record.getDynamodb().getSequenceNumber();
            for (DomainEvent domainEvent : eventsToRelay(record)) {
                pending.add(new Pending(sequenceNumber, domainEvent.eventId(), entryFor(domainEvent)));
            }
        }
        for (int from = 0; from < pending.size(); from += MAX_ENTRIES_PER_CALL) {
            List<Rejected> rejected = publish(pending.subList(from, Math.min(from + MAX_ENTRIES_PER_CALL, pending.size())));
            if (!rejected.isEmpty()) {
                String retryFrom = rejected.get(0).pending().sequenceNumber();
                int publishedInChunk = Math.min(MAX_ENTRIES_PER_CALL, pending.size() - from) - rejected.size();
                logOutcome(event, from + publishedInChunk, retryFrom, rejected);
                return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(retryFrom)));
            }
        }
        logOutcome(event, pending.size(), null, List.of());
        return new StreamsEventResponse(List.of());
    }

    static List<DomainEvent> eventsToRelay(DynamodbStreamRecord record) {
        return switch (record.getEventName()) {
            case "INSERT" -> outbox(record.getDynamodb().getNewImage());
            case "MODIFY" -> {
                Set<String> alreadyRelayed = outbox(record.getDynamodb().getOldImage()).stream()
                        .map(DomainEvent::eventId).collect(Collectors.toSet());
                yield outbox(record.getDynamodb().getNewImage()).stream()
                        .filter(e -> !alreadyRelayed.contains(e.eventId())).toList();
            }
            case "REMOVE" -> List.of();
            default -> throw new IllegalArgumentException("Unknown stream event name " + record.getEventName());
        };
    }

    private static List<DomainEvent> outbox(Map<String, AttributeValue> image) {
        AttributeValue outbox = image == null ? null : image.get(TableSchema.OUTBOX);
        if (outbox == null) {
            return List.of();
        }
        if (outbox.getL() == null) {
            throw new IllegalStateException("The outbox attribute of " + image.get(TableSchema.PK) + " is not a list");
        }
        return outbox.getL().stream().map(AttributeValue::getS).map(Outbox::decode).toList();
    }

    private PutEventsRequestEntry entryFor(DomainEvent event) {
        return PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(DomainEvent.SOURCE)
                .detailType(event.detailType())
                .detail(Outbox.detail(event))
                .time(event.occurredAt())
                .build();
    }

    /** Sends entries, re-sending those EventBridge rejects; returns those still rejected, in their order. */
    private List<Rejected> publish(List<Pending> entries) {
        List<Pending> toSend = entries;
        for (int attempt = 1; ; attempt++) {
            List<PutEventsResultEntry> results = eventBridge.putEvents(PutEventsRequest.builder()
                    .entries(toSend.stream().map(Pending::entry).toList()).build()).entries();
            if (results.size() != toSend.size()) {
                throw new IllegalStateException("PutEvents answered " + results.size() + " results for "
                        + toSend.size() + " entries");
            }
            List<Rejected> rejected = new ArrayList<>();
            for (int i = 0; i < toSend.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    rejected.add(new Rejected(toSend.get(i), results.get(i).errorCode()));
                }
            }
            if (rejected.isEmpty() || attempt == MAX_ATTEMPTS) {
                return rejected;
            }
            toSend = rejected.stream().map(Rejected::pending).toList();
            backoff.pause(attempt);
        }
    }

    /** One line per batch: counts, and for a partial failure the event ids and error codes (events carry no PII). */
    private void logOutcome(DynamodbEvent event, int published, String retryFrom, List<Rejected> rejected) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", retryFrom == null ? "INFO" : "WARN");
        line.put("records", event.getRecords().size());
        line.put("published", published);
        if (retryFrom != null) {
            line.put("retryFromSequenceNumber", retryFrom);
            line.put("rejected", rejected.stream()
                    .map(r -> Map.of("eventId", r.pending().eventId(), "errorCode", r.errorCode())).toList());
        }
        log.write(line);
    }

    private record Pending(String sequenceNumber, String eventId, PutEventsRequestEntry entry) {
    }

    private record Rejected(Pending pending, String errorCode) {
    }
}
