package app.loyalty.shared.testing;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Records the operation name of every call a DynamoDB client makes (succeeded or failed), e.g. to prove that
 * SnapStart priming reaches DynamoDB and only reads:
 * <pre>{@code
 * DynamoDbCalls calls = new DynamoDbCalls();
 * var context = TestContexts.appContext(calls.client(), clock);
 * calls.clear();                           // the table's creation
 * handler.beforeCheckpoint(null);
 * assertThat(calls.operations()).contains("GetItem").allMatch(DynamoDbCalls.READS::contains);
 * }</pre>
 */
public final class DynamoDbCalls implements ExecutionInterceptor {
    public static final Set<String> READS = Set.of("GetItem", "Query", "BatchGetItem", "TransactGetItems", "Scan");

    private final List<String> operations = new ArrayList<>();

    /** A client of the in-process {@link DynamoDbLocal} that reports its calls here. */
    public DynamoDbClient client() {
        return DynamoDbLocal.configure(DynamoDbClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(this))
                .build();
    }

    @Override
    public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    public synchronized List<String> operations() {
        return List.copyOf(operations);
    }

    public synchronized void clear() {
        operations.clear();
    }
}
