package app.loyalty.functions.eventrelay;

import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.RequestLog;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PrimingTest {
    @Test
    void beforeCheckpoint_sendsRealShapedEntries_thatEventBridgeRefuses_andPublishesNothing() {
        // GIVEN a relay whose EventBridge checks each entry's detail as the real one does
        ValidatingEventBridge eventBridge = new ValidatingEventBridge();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        var handler = new EventRelayHandler(eventBridge, "bus", attempt -> { },
                new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)));

        // WHEN SnapStart primes it
        handler.beforeCheckpoint(null);

        // THEN one PutEvents carried the outbox's two events as the relay builds entries (bus, source, detail type),
        // every detail was refused as malformed, and nothing was published
        assertThat(eventBridge.requests).hasSize(1);
        assertThat(eventBridge.requests.get(0).entries()).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.eventBusName()).isEqualTo("bus");
            assertThat(entry.source()).isEqualTo(DomainEvent.SOURCE);
            assertThat(entry.detail()).isEqualTo(EventRelayHandler.UNDELIVERABLE_DETAIL);
        });
        assertThat(eventBridge.requests.get(0).entries()).extracting(PutEventsRequestEntry::detailType)
                .containsExactly("PurchaseRecorded", "PointsAccrued");
        assertThat(eventBridge.published).isEmpty();
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("MalformedDetail").doesNotContain("WARN");
    }

    /** EventBridge's per-entry check: a detail that is not a JSON object fails that entry with MalformedDetail. */
    private static final class ValidatingEventBridge implements EventBridgeClient {
        private static final ObjectMapper JSON = new ObjectMapper();
        final List<PutEventsRequest> requests = new ArrayList<>();
        final List<PutEventsRequestEntry> published = new ArrayList<>();

        @Override
        public PutEventsResponse putEvents(PutEventsRequest request) {
            requests.add(request);
            List<PutEventsResultEntry> results = new ArrayList<>();
            for (PutEventsRequestEntry entry : request.entries()) {
                if (isJsonObject(entry.detail())) {
                    published.add(entry);
                    results.add(PutEventsResultEntry.builder().eventId(UUID.randomUUID().toString()).build());
                } else {
                    results.add(PutEventsResultEntry.builder().errorCode("MalformedDetail")
                            .errorMessage("Detail is malformed.").build());
                }
            }
            return PutEventsResponse.builder().entries(results)
                    .failedEntryCount((int) results.stream().filter(r -> r.errorCode() != null).count()).build();
        }

        private static boolean isJsonObject(String detail) {
            try {
                return JSON.readTree(detail).isObject();
            } catch (IOException malformed) {
                return false;
            }
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
