package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.testing.DynamoDbCalls;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrimingTest {
    @Test
    void beforeCheckpoint_readsDynamoDb_sendsACancelledTransaction_andWritesNothing() {
        // GIVEN a handler whose DynamoDB client reports its calls
        DynamoDbCalls calls = new DynamoDbCalls();
        var context = TestContexts.appContext(calls.client(), MutableClock.at("2026-11-23T09:30:00Z"));
        var handler = new PurchaseAccrualHandler(context);
        calls.clear();

        // WHEN SnapStart primes it
        handler.beforeCheckpoint(null);

        // THEN the priming purchase got past validation to a read, then one transaction reached the table, which
        // cancelled it: nothing is left behind
        assertThat(calls.operations()).contains("GetItem").endsWith("TransactWriteItems")
                .filteredOn(operation -> !DynamoDbCalls.READS.contains(operation)).containsExactly("TransactWriteItems");
        assertThat(context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items()).isEmpty();
    }

    @Test
    void priming_recordsAPurchaseInMemory_andDynamoDbCancelsItsTransactionOnTheImpossibleCheck() {
        // GIVEN an empty table
        var context = TestContexts.appContext(MutableClock.at("2026-11-23T09:30:00Z"));
        ByteArrayOutputStream logged = new ByteArrayOutputStream();

        // WHEN a successful purchase is primed
        List<Object> outcomes = PurchasePriming.prime(context,
                new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)));

        // THEN it was recorded in memory (201, points earned), and the real table refused its transaction on the
        // check of an item that cannot exist, which comes first: the table stays empty
        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(0)).isEqualTo(201);
        assertThat((List<?>) outcomes.get(1)).first().isEqualTo("ConditionalCheckFailed");
        assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain("WARN");
        assertThat(context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items()).isEmpty();
    }
}
