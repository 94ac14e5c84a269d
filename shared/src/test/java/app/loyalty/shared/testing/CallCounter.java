package app.loyalty.shared.testing;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Counts the DynamoDB calls a client makes (SDK ExecutionInterceptor), and the size of the items reads bring back,
 * so tests can hold each operation to its budget of round trips and read units.
 */
public final class CallCounter implements ExecutionInterceptor {
    private final List<String> calls = new ArrayList<>();
    private long bytesRead;

    /** A client of the in-process DynamoDB Local that reports to this counter. */
    public DynamoDbClient client() {
        return DynamoDbLocal.configure(DynamoDbClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(this)).build();
    }

    @Override
    public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    @Override
    public synchronized void afterUnmarshalling(Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
        if (context.response() instanceof GetItemResponse get && get.hasItem()) {
            bytesRead += size(get.item());
        } else if (context.response() instanceof QueryResponse query) {
            query.items().forEach(item -> bytesRead += size(item));
        }
    }

    public synchronized void reset() {
        calls.clear();
        bytesRead = 0;
    }

    /** Operation names in call order, e.g. [GetItem, TransactWriteItems]. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** Item bytes read since the last reset, by DynamoDB's sizing rules (names + values), approximately. */
    public synchronized long bytesRead() {
        return bytesRead;
    }

    /** Strongly consistent read units of one read of {@code bytes}: one per 4 KB started. */
    public static long readUnits(long bytes) {
        return Math.max(1, (bytes + 4095) / 4096);
    }

    static long size(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length + size(e.getValue());
        }
        return size;
    }

    private static long size(AttributeValue value) {
        if (value.s() != null) {
            return value.s().getBytes(StandardCharsets.UTF_8).length;
        }
        if (value.n() != null) {
            return value.n().length() / 2 + 1;
        }
        if (value.bool() != null) {
            return 1;
        }
        if (value.hasM()) {
            return 3 + size(value.m()) + value.m().size();
        }
        if (value.hasL()) {
            return 3 + value.l().stream().mapToLong(v -> 1 + size(v)).sum();
        }
        return 1;
    }
}
