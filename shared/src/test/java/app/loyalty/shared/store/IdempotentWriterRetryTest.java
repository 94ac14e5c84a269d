package app.loyalty.shared.store;

import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.TestTables;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An optimistic guard on a state item (a condition on a value the preparation read) that loses a race re-runs the
 * preparation against the committed state instead of surfacing as a spurious 409.
 */
class IdempotentWriterRetryTest {
    private static final Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> COUNTER =
            Attr.key("COUNTER#1", "COUNTER");
    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final AtomicInteger preparations = new AtomicInteger();
    private String table;
    private IdempotentWriter writer;

    @BeforeEach
    void freshTable() {
        table = TestTables.create(dynamo);
        writer = new IdempotentWriter(dynamo, table, Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC));
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(withValue(0)).build());
    }

    @Test
    void execute_preparesAgainFromTheNewState_whenAGuardOnAValueReadLosesARace() {
        ApiResponse response = writer.execute(request("retry-key-0001"), () -> {
            long read = value();
            if (preparations.incrementAndGet() == 1) {
                dynamo.putItem(PutItemRequest.builder().tableName(table).item(withValue(read + 10)).build());
            }
            return incrementFrom(read);
        });

        assertThat(response.status()).isEqualTo(201);
        assertThat(preparations).hasValue(2);
        assertThat(value()).isEqualTo(11);
    }

    @Test
    void execute_refusesWithConflict_whenTheGuardKeepsFailingOnEveryAttempt() {
        assertThatThrownBy(() -> writer.execute(request("retry-key-0002"), () -> {
            preparations.incrementAndGet();
            return incrementFrom(value() + 1000);
        })).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.CONFLICT));
        assertThat(preparations.get()).isGreaterThan(1);
        assertThat(value()).isZero();
    }

    private IdempotentWriter.Write incrementFrom(long read) {
        return new IdempotentWriter.Write(201, Map.of("value", read + 1), List.of(TransactWriteItem.builder()
                .update(Update.builder().tableName(table).key(COUNTER)
                        .updateExpression("SET #v = :next").conditionExpression("#v = :read")
                        .expressionAttributeNames(Map.of("#v", "value"))
                        .expressionAttributeValues(Map.of(":next", Attr.n(read + 1), ":read", Attr.n(read)))
                        .build()).build()), List.of());
    }

    private long value() {
        return Attr.number(dynamo.getItem(GetItemRequest.builder().tableName(table).key(COUNTER).consistentRead(true)
                .build()).item(), "value");
    }

    private static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> withValue(long value) {
        var item = new java.util.HashMap<>(COUNTER);
        item.put("value", Attr.n(value));
        return item;
    }

    private static app.loyalty.shared.http.ApiRequest request(String key) {
        return TestRequests.parse(TestRequests.post("POST /v1/counters", Caller.merchant("m-1", "p-1"), key, "{\"n\":1}"));
    }
}
