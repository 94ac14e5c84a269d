package app.loyalty.functions.cardissuance;

import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class PrimingTest {
    @Test
    void beforeCheckpoint_runsTheRequestPathWithoutWritingAnything() {
        var context = TestContexts.appContext(MutableClock.at("2026-11-23T09:30:00Z"));
        var handler = new CardIssuanceHandler(context);

        assertThatCode(() -> handler.beforeCheckpoint(null)).doesNotThrowAnyException();

        assertThat(context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items()).isEmpty();
    }
}
