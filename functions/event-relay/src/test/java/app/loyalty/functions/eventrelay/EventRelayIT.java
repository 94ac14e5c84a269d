package app.loyalty.functions.eventrelay;

import app.loyalty.shared.testing.Emulator;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import org.junit.jupiter.params.ParameterizedTest;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay's PutEvents with the real SDK against the AWS API emulator's EventBridge, on a bus made for the test. */
class EventRelayIT {

    @ParameterizedTest
    @Event(value = "dynamodb/outbox-insert.json", type = DynamodbEvent.class)
    void handleRequest_publishesTheOutboxToARealBus_withoutReportingFailures(DynamodbEvent event) {
        EventBridgeClient eventBridge = Emulator.configure(EventBridgeClient.builder()).build();
        String bus = "loyalty-it-" + UUID.randomUUID();
        eventBridge.createEventBus(request -> request.name(bus));

        StreamsEventResponse response = new EventRelayHandler(eventBridge, bus).handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "dynamodb/outbox-insert.json", type = DynamodbEvent.class)
    void handleRequest_reportsTheFirstRecordAsFailed_whenTheBusDoesNotExist(DynamodbEvent event) {
        EventBridgeClient eventBridge = Emulator.configure(EventBridgeClient.builder()).build();

        StreamsEventResponse response = null;
        Throwable thrown = null;
        try {
            response = new EventRelayHandler(eventBridge, "no-such-bus-" + UUID.randomUUID()).handleRequest(event, null);
        } catch (RuntimeException e) {
            thrown = e;
        }

        // Either way Lambda retries the batch: nothing is acknowledged as published.
        assertThat(thrown != null || !response.getBatchItemFailures().isEmpty()).isTrue();
    }
}
