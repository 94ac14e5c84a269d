package app.loyalty.shared.runtime;

import app.loyalty.shared.http.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;

/**
 * What every function is wired with, built once per JVM at init (and so captured by SnapStart).
 * Handlers have a no-argument constructor that calls {@link #fromEnvironment()} and a constructor taking an
 * AppContext, which tests and the local runtime use to supply their own table, client and clock.
 */
public record AppContext(DynamoDbClient dynamo, String tableName, Clock clock, ObjectMapper json) {

    public static AppContext fromEnvironment() {
        return new AppContext(AwsClients.build(DynamoDbClient.builder()),
                Environment.require("TABLE_NAME"), Clock.systemUTC(), Json.MAPPER);
    }

    public AppContext withClock(Clock newClock) {
        return new AppContext(dynamo, tableName, newClock, json);
    }
}
