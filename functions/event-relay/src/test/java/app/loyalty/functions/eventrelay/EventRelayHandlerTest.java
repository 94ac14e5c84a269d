package app.loyalty.functions.eventrelay;

import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.http.RequestLog;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import org.junit.jupiter.params.ParameterizedTest;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The relay fed the real-shaped stream batch events/dynamodb/outbox-insert.json: an idempotency record with two
 * events, a card item, a balance update, a ledger entry with one event, a TTL deletion.
 */
class EventRelayHandlerTest {
    private static final String BUS = "loyalty-test-bus";
    private static final String PAYLOAD = "dynamodb/outbox-insert.json";
    private static final String FIRST_RECORD = "1405400000000002063282801";
    private static final String LEDGER_RECORD = "1405400000000002063282804";

    private final FakeEventBridge eventBridge = new FakeEventBridge();
    private final List<Integer> backoffs = new ArrayList<>();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final EventRelayHandler handler = new EventRelayHandler(eventBridge, BUS, backoffs::add,
            new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)));

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_publishesEachOutboxEventOfInsertedItems_asOneEntryOnTheBus(DynamodbEvent event) {
        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(eventBridge.requests).hasSize(1);
        List<PutEventsRequestEntry> entries = eventBridge.entries();
        assertThat(entries).extracting(PutEventsRequestEntry::detailType)
                .containsExactly("MemberEnrolled", "CardIssued", "PointsAccrued");
        assertThat(entries).allSatisfy(entry -> {
            assertThat(entry.source()).isEqualTo(DomainEvent.SOURCE);
            assertThat(entry.eventBusName()).isEqualTo(BUS);
        });
        DomainEvent accrued = outboxOf(event.getRecords().get(3)).get(0);
        assertThat(entries.get(2).detail()).isEqualTo(Outbox.detail(accrued))
                .contains("\"eventId\":\"7e8f9a0b-1c2d-4e3f-a4b5-c6d7e8f9a0b1\"", "\"points\":300");
        assertThat(entries.get(2).time()).isEqualTo(Instant.parse("2026-11-23T09:12:30.087Z"));
    }

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_publishesNothing_forItemsWithoutOutboxUpdatesAndRemovals(DynamodbEvent event) {
        event.setRecords(List.of(event.getRecords().get(1), event.getRecords().get(2), event.getRecords().get(4)));

        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        assertThat(eventBridge.requests).isEmpty();
    }

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_ignoresTheOutboxOfARemovedItem_whenTheStreamCarriesOldImages(DynamodbEvent event) {
        // A TTL deletion of an idempotency record whose events went out when it was inserted.
        DynamodbStreamRecord removal = event.getRecords().get(4);
        removal.getDynamodb().setOldImage(event.getRecords().get(0).getDynamodb().getNewImage());
        event.setRecords(List.of(removal));

        handler.handleRequest(event, null);

        assertThat(eventBridge.requests).isEmpty();
    }

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_publishesTheOutboxOfAModifiedItem_whenAnExpiredIdempotencyRecordWasReplaced(DynamodbEvent event) {
        // Same Idempotency-Key after its 24 h, before TTL deletion: the new request's Put replaces the record.
        DynamodbStreamRecord replacement = event.getRecords().get(0);
        replacement.setEventName("MODIFY");
        event.setRecords(List.of(replacement));

        handler.handleRequest(event, null);

        assertThat(eventBridge.entries()).extracting(PutEventsRequestEntry::detailType)
                .containsExactly("MemberEnrolled", "CardIssued");
    }

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_publishesOnlyEventsTheOldImageDidNotHold_forAModifiedItem(DynamodbEvent event) {
        DynamodbStreamRecord update = event.getRecords().get(0);
        update.setEventName("MODIFY");
        Map<String, AttributeValue> oldImage = new HashMap<>(update.getDynamodb().getNewImage());
        oldImage.put("outbox", new AttributeValue().withL(List.of(
                update.getDynamodb().getNewImage().get("outbox").getL().get(0))));
        update.getDynamodb().setOldImage(oldImage);
        event.setRecords(List.of(update));

        handler.handleRequest(event, null);

        assertThat(eventBridge.entries()).extracting(PutEventsRequestEntry::detailType).containsExactly("CardIssued");
    }

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_sendsAtMostTenEntriesPerCall_inStreamOrder(DynamodbEvent event) {
        List<DynamodbStreamRecord> records = new ArrayList<>(event.getRecords());
        records.add(recordWithEvents(event.getRecords().get(3), "1405400000000002063282806", 20));
        event.setRecords(records);

        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();

        assertThat(eventBridge.requests).extracting(request -> request.entries().size()).containsExactly(10, 10, 3);
        assertThat(eventBridge.entries()).extracting(EventRelayHandlerTest::eventId)
                .containsExactlyElementsOf(event.getRecords().stream()
                        .flatMap(record -> outboxOf(record).stream()).map(DomainEvent::eventId).toList());
    }

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_resendsOnlyRejectedEntries_andSucceeds_whenARetryIsAccepted(DynamodbEvent event) {
        eventBridge.rejectTimes(entry -> entry.detailType().equals("CardIssued"), 1);

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(eventBridge.requests).hasSize(2);
        assertThat(eventBridge.requests.get(1).entries()).extracting(PutEventsRequestEntry::detailType)
                .containsExactly("CardIssued");
        assertThat(backoffs).containsExactly(1);
    }

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_reportsTheFirstRecordNotFullyPublished_afterBoundedRetries(DynamodbEvent event) {
        eventBridge.rejectTimes(entry -> entry.detailType().equals("CardIssued"), Integer.MAX_VALUE);

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(FIRST_RECORD);
        assertThat(eventBridge.requests).hasSize(EventRelayHandler.MAX_ATTEMPTS);
        assertThat(backoffs).containsExactly(1, 2);
        assertThat(logged.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
                .contains("\"retryFromSequenceNumber\":\"" + FIRST_RECORD + "\"", "\"errorCode\":\"ThrottlingException\"",
                        "\"eventId\":\"5c1d8e47-2a3b-4f6c-8d9e-0a1b2c3d4e5f\"");
    }

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_stopsBeforeLaterCalls_andReportsTheRecordOfTheFirstEntryStillRejected(DynamodbEvent event) {
        List<DynamodbStreamRecord> records = new ArrayList<>(event.getRecords());
        records.add(recordWithEvents(event.getRecords().get(3), "1405400000000002063282806", 20));
        event.setRecords(records);
        // The ledger record's event is the third entry of the first call; entries of the first record get through.
        eventBridge.rejectTimes(entry -> entry.detailType().equals("PointsAccrued")
                && eventId(entry).equals("7e8f9a0b-1c2d-4e3f-a4b5-c6d7e8f9a0b1"), Integer.MAX_VALUE);

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(LEDGER_RECORD);
        assertThat(eventBridge.requests).extracting(request -> request.entries().size())
                .containsExactly(10, 1, 1);
    }

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_propagatesAFailedPutEventsCall_soLambdaRetriesTheBatch(DynamodbEvent event) {
        eventBridge.failCalls = true;

        assertThatThrownBy(() -> handler.handleRequest(event, null)).isInstanceOf(EventBridgeException.class);
    }

    @ParameterizedTest
    @Event(value = PAYLOAD, type = DynamodbEvent.class)
    void handleRequest_propagatesAMalformedOutbox_insteadOfSkippingItsEvents(DynamodbEvent event) {
        event.getRecords().get(3).getDynamodb().getNewImage()
                .put("outbox", new AttributeValue().withL(List.of(new AttributeValue().withS("not json"))));

        assertThatThrownBy(() -> handler.handleRequest(event, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(eventBridge.requests).isEmpty();
    }

    /** A copy of {@code template} (an INSERT with an outbox) holding {@code count} fresh events. */
    private static DynamodbStreamRecord recordWithEvents(DynamodbStreamRecord template, String sequenceNumber, int count) {
        DomainEvent model = outboxOf(template).get(0);
        DynamodbStreamRecord record = template.clone();
        record.setDynamodb(template.getDynamodb().clone());
        record.getDynamodb().setSequenceNumber(sequenceNumber);
        Map<String, AttributeValue> image = new HashMap<>(template.getDynamodb().getNewImage());
        image.put("outbox", new AttributeValue().withL(IntStream.range(0, count)
                .mapToObj(i -> new DomainEvent(UUID.randomUUID().toString(), model.detailType(), model.occurredAt(),
                        model.programId(), model.data()))
                .map(e -> new AttributeValue().withS(Outbox.encode(e))).toList()));
        record.getDynamodb().setNewImage(image);
        return record;
    }

    private static List<DomainEvent> outboxOf(DynamodbStreamRecord record) {
        Map<String, AttributeValue> image = record.getDynamodb().getNewImage();
        AttributeValue outbox = image == null ? null : image.get("outbox");
        return outbox == null ? List.of() : outbox.getL().stream().map(v -> Outbox.decode(v.getS())).toList();
    }

    private static String eventId(PutEventsRequestEntry entry) {
        return entry.detail().replaceFirst("^\\{\"eventId\":\"([^\"]+)\".*$", "$1");
    }

    /** Captures PutEvents requests; rejects chosen entries a set number of times, as throttling would. */
    private static final class FakeEventBridge implements EventBridgeClient {
        final List<PutEventsRequest> requests = new ArrayList<>();
        private Predicate<PutEventsRequestEntry> rejected = entry -> false;
        private int rejections;
        boolean failCalls;

        void rejectTimes(Predicate<PutEventsRequestEntry> which, int times) {
            rejected = which;
            rejections = times;
        }

        List<PutEventsRequestEntry> entries() {
            return requests.stream().flatMap(request -> request.entries().stream()).toList();
        }

        @Override
        public PutEventsResponse putEvents(PutEventsRequest request) {
            requests.add(request);
            if (failCalls) {
                throw EventBridgeException.builder().message("Rate exceeded").statusCode(400).build();
            }
            List<PutEventsResultEntry> results = new ArrayList<>();
            boolean rejectThisCall = rejections > 0;
            for (PutEventsRequestEntry entry : request.entries()) {
                if (rejectThisCall && rejected.test(entry)) {
                    results.add(PutEventsResultEntry.builder()
                            .errorCode("ThrottlingException").errorMessage("Rate exceeded").build());
                } else {
                    results.add(PutEventsResultEntry.builder().eventId(UUID.randomUUID().toString()).build());
                }
            }
            if (rejectThisCall && results.stream().anyMatch(r -> r.errorCode() != null)) {
                rejections--;
            }
            int failed = (int) results.stream().filter(r -> r.errorCode() != null).count();
            return PutEventsResponse.builder().failedEntryCount(failed).entries(results).build();
        }

        @Override
        public String serviceName() {
            return "events";
        }

        @Override
        public void close() {
        }
    }
}
