package app.loyalty.functions.settlement;

import app.loyalty.shared.testing.DynamoDbCalls;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrimingTest {
    @Test
    void beforeCheckpoint_readsAClosedSettlementOfAnUnknownProgram_fromDynamoDb_andWritesNothing() {
        // GIVEN the settlement API whose DynamoDB client reports its calls
        DynamoDbCalls calls = new DynamoDbCalls();
        var handler = new SettlementApiHandler(TestContexts.appContext(calls.client(), MutableClock.at("2026-12-03T10:00:00Z")));
        calls.clear();

        // WHEN SnapStart primes it
        handler.beforeCheckpoint(null);

        // THEN the read path reached DynamoDB, and only read
        assertThat(calls.operations()).containsExactly("GetItem");
    }
}
