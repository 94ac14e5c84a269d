package app.loyalty.functions.programadmin;

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
        var handler = new ProgramAdminHandler(context);
        calls.clear();

        // WHEN SnapStart primes it
        handler.beforeCheckpoint(null);

        // THEN the program lookup reached the table, then one transaction, which it cancelled: nothing is left behind
        assertThat(calls.operations()).containsExactly("GetItem", "TransactWriteItems");
        assertThat(context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items()).isEmpty();
    }

    @Test
    void priming_findsAProgram_createsOneInMemory_andDynamoDbCancelsTheCreation() {
        // GIVEN an empty table
        var context = TestContexts.appContext(MutableClock.at("2026-11-23T09:30:00Z"));
        ByteArrayOutputStream logged = new ByteArrayOutputStream();

        // WHEN the found paths are primed
        List<Object> outcomes = ProgramAdminHandler.primeFoundPaths(context,
                new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)));

        // THEN the program was found (200) and created in memory (201), and the real table refused the creation on
        // the impossible check, which comes first: the table stays empty
        assertThat(outcomes).hasSize(3);
        assertThat(outcomes.subList(0, 2)).containsExactly(200, 201);
        assertThat((List<?>) outcomes.get(2)).first().isEqualTo("ConditionalCheckFailed");
        assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain("WARN");
        assertThat(context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items()).isEmpty();
    }

    @Test
    void webhookDelivery_beforeCheckpoint_queriesTheSubscriptionsOfAnUnknownProgram_andPostsAndWritesNothing() {
        // GIVEN the webhook delivery whose DynamoDB client reports its calls, and an HTTP client no test server answers
        DynamoDbCalls calls = new DynamoDbCalls();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        var handler = new WebhookDeliveryHandler(TestContexts.appContext(calls.client(), MutableClock.at("2026-12-03T10:00:00Z")),
                java.net.http.HttpClient.newHttpClient(), new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)),
                WebhookTargets.DNS, false);
        calls.clear();

        // WHEN SnapStart primes it
        handler.beforeCheckpoint(null);

        // THEN the subscriptions' read reached DynamoDB, found none, and nothing was written
        assertThat(calls.operations()).containsExactly("Query");
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("\"outcomes\":[]").doesNotContain("\"level\":\"WARN\"");
    }
}
