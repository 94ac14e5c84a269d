package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.testing.DynamoDbCalls;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

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

        // THEN the redemption lookup reached DynamoDB, with reads only
        assertThat(calls.operations()).contains("GetItem").allMatch(DynamoDbCalls.READS::contains);
        assertThat(context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items()).isEmpty();
    }
}
