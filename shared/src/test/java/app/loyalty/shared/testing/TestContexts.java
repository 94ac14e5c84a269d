package app.loyalty.shared.testing;

import app.loyalty.shared.http.Json;
import app.loyalty.shared.runtime.AppContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;

/**
 * {@link AppContext}s for handler tests: a handler built with one works on its own fresh table.
 * <pre>{@code
 * MutableClock clock = MutableClock.at("2025-03-01T10:00:00Z");
 * var handler = new CardIssuanceHandler(TestContexts.appContext(clock));      // DynamoDB Local, in-process
 * var it      = new CardIssuanceHandler(TestContexts.appContext(Emulator.dynamoDb(), clock)); // in an *IT
 * }</pre>
 */
public final class TestContexts {
    private TestContexts() {
    }

    /** A context on a fresh table of the in-process {@link DynamoDbLocal}. */
    public static AppContext appContext(Clock clock) {
        return appContext(DynamoDbLocal.client(), clock);
    }

    /** A context on a fresh table reached through {@code dynamo} (e.g. {@link Emulator#dynamoDb()}). */
    public static AppContext appContext(DynamoDbClient dynamo, Clock clock) {
        return new AppContext(dynamo, TestTables.create(dynamo), clock, Json.MAPPER);
    }
}
