package app.loyalty.functions.cardissuance;

import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.testing.Emulator;
import app.loyalty.shared.testing.TestContexts;

import java.time.Clock;

/**
 * Every {@link CardIssuanceHandlerTest} scenario again, with the real AWS SDK against the AWS API emulator
 * ({@link Emulator}: LOYALTY_TEST_ENDPOINT, LocalStack or moto_server) instead of DynamoDB Local.
 */
class CardIssuanceIT extends CardIssuanceHandlerTest {
    @Override
    AppContext newContext(Clock clock) {
        return TestContexts.appContext(Emulator.dynamoDb(), clock);
    }
}
