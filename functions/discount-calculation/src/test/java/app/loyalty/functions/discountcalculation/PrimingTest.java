package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.testing.DynamoDbCalls;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import app.loyalty.shared.http.RequestLog;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrimingTest {
    @Test
    void beforeCheckpoint_readsDynamoDb_andWritesNothing() {
        // GIVEN a handler whose DynamoDB client reports its calls
        DynamoDbCalls calls = new DynamoDbCalls();
        var context = TestContexts.appContext(calls.client(), MutableClock.at("2026-11-23T09:30:00Z"));
        var handler = new DiscountCalculationHandler(context);
        calls.clear();

        // WHEN SnapStart primes it
        handler.beforeCheckpoint(null);

        // THEN only the redemption lookup reached DynamoDB (the quote is primed in memory), with reads only
        assertThat(calls.operations()).containsExactly("GetItem");
        assertThat(context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items()).isEmpty();
    }

    @Test
    void priming_quotesAFoundMember_byCardAndByMember_inMemory() {
        // GIVEN an empty table
        var context = TestContexts.appContext(MutableClock.at("2026-11-23T09:30:00Z"));
        ByteArrayOutputStream logged = new ByteArrayOutputStream();

        // WHEN the quote's found path is primed
        List<Object> outcomes = DiscountCalculationPriming.prime(context,
                new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)));

        // THEN both quotes found the synthetic member and answered 200 (a 404 or a problem would mean the path
        // primed was the miss, not the engine), without a warning, and the real table stayed empty
        assertThat(outcomes).containsExactly(200, 200);
        assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain("WARN");
        assertThat(context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items()).isEmpty();
    }
}
