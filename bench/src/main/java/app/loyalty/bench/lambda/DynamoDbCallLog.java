package app.loyalty.bench.lambda;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Counts what a function asks of DynamoDB, for LambdaReport: an SDK global interceptor (listed in
 * software/amazon/awssdk/global/handlers/execution.interceptors of the probe jar LambdaReport puts beside the
 * function jar, so the function's code is unchanged). It asks for ReturnConsumedCapacity TOTAL on every read and
 * write and appends one line per call to the file named by BENCH_DYNAMODB_LOG:
 * {@code <operation> <outcome> <read units> <write units>}. Calls that fail (a cancelled transaction, a failed
 * condition) are counted with the capacity DynamoDB did not report as 0.
 */
public final class DynamoDbCallLog implements ExecutionInterceptor {
    private static final String LOG = System.getenv("BENCH_DYNAMODB_LOG");

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (!isDynamoDb(request)) {
            return request;   // e.g. EventBridge: the relay's jar has no DynamoDB classes to switch over
        }
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        return switch (request) {
            case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case QueryRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case DeleteItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case TransactGetItemsRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchGetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchWriteItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            default -> request;
        };
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!isDynamoDb(context.request()) || answeredInProcess(context.httpRequest())) {
            return;
        }
        // By field name, not by response class: the function jars keep only the responses of the operations they call
        // (functions/unused-sdk-classes.txt), and an instanceof of a class that is not there throws.
        List<ConsumedCapacity> consumed = new java.util.ArrayList<>();
        context.response().getValueForField("ConsumedCapacity", Object.class).ifPresent(value -> {
            if (value instanceof ConsumedCapacity one) {
                consumed.add(one);
            } else if (value instanceof List<?> many) {
                many.forEach(each -> consumed.add((ConsumedCapacity) each));
            }
        });
        double read = 0;
        double write = 0;
        for (ConsumedCapacity capacity : consumed) {
            read += units(capacity.readCapacityUnits());
            write += units(capacity.writeCapacityUnits());
            if (capacity.readCapacityUnits() == null && capacity.writeCapacityUnits() == null) {
                // TOTAL without a split: attribute it by what the operation does.
                if (isWrite(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                    write += units(capacity.capacityUnits());
                } else {
                    read += units(capacity.capacityUnits());
                }
            }
        }
        append(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + " ok " + read + " " + write);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!isDynamoDb(context.request()) || context.httpRequest().map(DynamoDbCallLog::answeredInProcess).orElse(false)) {
            return;
        }
        append(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + " failed 0 0");
    }

    /**
     * Priming's in-memory client (shared's InMemoryDynamoDb) has an endpoint under the reserved .invalid domain and
     * never reaches DynamoDB: its calls are not DynamoDB calls.
     */
    private static boolean answeredInProcess(SdkHttpRequest request) {
        return request.host().endsWith(".invalid");
    }

    private static boolean isDynamoDb(SdkRequest request) {
        return request.getClass().getName().startsWith("software.amazon.awssdk.services.dynamodb.");
    }

    private static boolean isWrite(String operation) {
        return Set.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem").contains(operation);
    }

    private static double units(Double value) {
        return value == null ? 0 : value;
    }

    private static synchronized void append(String line) {
        if (LOG == null) {
            return;
        }
        try (FileOutputStream out = new FileOutputStream(LOG, true)) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to " + LOG, e);
        }
    }
}
