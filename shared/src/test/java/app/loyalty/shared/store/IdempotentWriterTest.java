package app.loyalty.shared.store;

import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.http.TestRequests;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How {@link IdempotentWriter} reads TransactionCanceledException cancellation reasons, which no emulator here
 * produces on demand: a TransactionConflict at the idempotency record's index (the last item) is the same key
 * still in flight (409); one on another item is a concurrent request on the same state, retried.
 */
class IdempotentWriterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);
    private static final String NONE = "None";
    private static final String CONFLICT = "TransactionConflict";

    private final ScriptedDynamo dynamo = new ScriptedDynamo();
    private final IdempotentWriter writer = new IdempotentWriter(dynamo, "table", CLOCK);
    private final AtomicInteger preparations = new AtomicInteger();

    @Test
    void execute_refusesWith409_whenIdempotencyRecordIsInTransactionConflict() {
        dynamo.cancelNextWith(NONE, CONFLICT);

        assertThatThrownBy(() -> writer.execute(purchase(), this::oneStateItem))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.type()).isEqualTo(ProblemType.REQUEST_IN_FLIGHT);
                    assertThat(e.type().status()).isEqualTo(409);
                });
        assertThat(dynamo.transactions).hasValue(1);
    }

    @Test
    void execute_retriesAndCommits_whenConflictIsOnAnotherItem() {
        dynamo.cancelNextWith(CONFLICT, NONE);

        ApiResponse response = writer.execute(purchase(), this::oneStateItem);

        assertThat(response.status()).isEqualTo(201);
        assertThat(dynamo.transactions).hasValue(2);
        assertThat(preparations).as("the retry re-reads state and prepares again").hasValue(2);
        assertThat(dynamo.recordReads).as("write first: the key is never read before the transaction").hasValue(0);
    }

    @Test
    void execute_givesUpWithARetryable409_whenConflictOnAnotherItemPersists() {
        for (int i = 0; i < 20; i++) {
            dynamo.cancelNextWith(CONFLICT, NONE);
        }

        assertThatThrownBy(() -> writer.execute(purchase(), this::oneStateItem))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.CONFLICT));
        assertThat(dynamo.transactions).as("bounded retries").hasValue(IdempotentWriter.MAX_ATTEMPTS);
    }

    @Test
    void execute_doesNotMistakeAConflictForTheRecords_whenReasonsDoNotLineUpWithItems() {
        // A reason list shorter than the transaction cannot say which item conflicted: treat it as state, retry.
        dynamo.cancelNextWith(CONFLICT);

        ApiResponse response = writer.execute(purchase(), this::oneStateItem);

        assertThat(response.status()).isEqualTo(201);
        assertThat(dynamo.transactions).hasValue(2);
    }

    private IdempotentWriter.Write oneStateItem() {
        preparations.incrementAndGet();
        return new IdempotentWriter.Write(201, Map.of("ok", true),
                List.of(TransactWriteItem.builder().put(Put.builder().tableName("table")
                        .item(Attr.key("MEMBER#mem-1", "STATE")).build()).build()),
                List.of());
    }

    private static ApiRequest purchase() {
        return TestRequests.parse(TestRequests.post("POST /v1/purchases", Caller.merchant("m-1", "p-1"),
                "key-stubbed-001", "{\"orderId\": \"order-42\"}"));
    }

    /** A DynamoDbClient with no idempotency record stored, whose transactions fail as scripted, then succeed. */
    private static final class ScriptedDynamo implements DynamoDbClient {
        final AtomicInteger transactions = new AtomicInteger();
        final AtomicInteger recordReads = new AtomicInteger();
        private final Deque<List<String>> cancellations = new ArrayDeque<>();

        void cancelNextWith(String... reasonCodes) {
            cancellations.add(Arrays.asList(reasonCodes));
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            recordReads.incrementAndGet();
            return GetItemResponse.builder().build();
        }

        @Override
        public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
            transactions.incrementAndGet();
            List<String> codes = cancellations.poll();
            if (codes == null) {
                return TransactWriteItemsResponse.builder().build();
            }
            throw TransactionCanceledException.builder()
                    .message("Transaction cancelled, please refer cancellation reasons for specific reasons " + codes)
                    .cancellationReasons(codes.stream().map(code -> CancellationReason.builder().code(code).build()).toList())
                    .build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }
}
