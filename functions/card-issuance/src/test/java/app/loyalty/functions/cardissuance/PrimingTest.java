package app.loyalty.functions.cardissuance;

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
    void beforeCheckpoint_readsBothPaths_sendsACancelledTransaction_andWritesNothing() {
        // GIVEN a handler whose DynamoDB client reports its calls
        DynamoDbCalls calls = new DynamoDbCalls();
        var context = TestContexts.appContext(calls.client(), MutableClock.at("2026-11-23T09:30:00Z"));
        var handler = new CardIssuanceHandler(context);
        calls.clear();

        // WHEN SnapStart primes it
        handler.beforeCheckpoint(null);

        // THEN the real table saw the two read paths (a GetItem each) and one transaction, which it cancelled: empty
        assertThat(calls.operations()).containsExactly("GetItem", "GetItem", "TransactWriteItems");
        assertThat(context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items()).isEmpty();
    }

    @Test
    void priming_findsTheMemberAndCard_enrolsInMemory_andDynamoDbCancelsTheEnrolment() {
        // GIVEN an empty table
        var context = TestContexts.appContext(MutableClock.at("2026-11-23T09:30:00Z"));
        ByteArrayOutputStream logged = new ByteArrayOutputStream();

        // WHEN the found paths are primed
        List<Object> outcomes = CardIssuancePriming.prime(context,
                new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)));

        // THEN GET member and GET card found data (200), enrolment succeeded in memory (201), and the real table
        // refused the enrolment's transaction on the impossible check, which comes first, leaving the table empty
        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.subList(0, 3)).containsExactly(200, 200, 201);
        assertThat((List<?>) outcomes.get(3)).first().isEqualTo("ConditionalCheckFailed");
        assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain("WARN");
        assertThat(context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items()).isEmpty();
    }
}
