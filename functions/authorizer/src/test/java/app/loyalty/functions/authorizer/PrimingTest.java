package app.loyalty.functions.authorizer;

import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.testing.DynamoDbCalls;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PrimingTest {
    @Test
    void beforeCheckpoint_looksAnUnknownMerchantKeyUp_inDynamoDb_andDeniesIt() {
        // GIVEN an authorizer whose DynamoDB client reports its calls
        DynamoDbCalls calls = new DynamoDbCalls();
        var context = TestContexts.appContext(calls.client(), MutableClock.at("2026-11-23T09:30:00Z"));
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        var handler = new AuthorizerHandler(context, ApiKeys.hash("operator-key"),
                new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8)));
        calls.clear();

        // WHEN SnapStart primes it
        handler.beforeCheckpoint(null);

        // THEN the key lookup reached DynamoDB once, and the priming key was denied
        assertThat(calls.operations()).containsExactly("GetItem");
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("\"outcome\":\"denied\"");
    }
}
