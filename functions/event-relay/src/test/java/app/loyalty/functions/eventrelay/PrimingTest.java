package app.loyalty.functions.eventrelay;

import app.loyalty.shared.http.RequestLog;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrimingTest {
    @Test
    void beforeCheckpoint_callsEventBridge_withoutPublishingAnEvent() {
        // GIVEN a relay whose EventBridge refuses an empty PutEvents as the real one does
        RefusingEmptyBatches eventBridge = new RefusingEmptyBatches();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        var handler = new EventRelayHandler(eventBridge, "bus", attempt -> { },
                new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)));

        // WHEN SnapStart primes it
        handler.beforeCheckpoint(null);

        // THEN the client made one PutEvents call, with no entries, and the expected refusal was logged
        assertThat(eventBridge.requests).hasSize(1);
        assertThat(eventBridge.requests.get(0).entries()).isEmpty();
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("refused with 400");
    }

    private static final class RefusingEmptyBatches implements EventBridgeClient {
        final List<PutEventsRequest> requests = new ArrayList<>();

        @Override
        public PutEventsResponse putEvents(PutEventsRequest request) {
            requests.add(request);
            throw EventBridgeException.builder().statusCode(400)
                    .message("1 validation error detected: Member must have length greater than or equal to 1").build();
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
