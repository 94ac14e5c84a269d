package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.testing.Emulator;
import app.loyalty.shared.testing.TestContexts;

import java.time.Clock;

/**
 * Every {@link PurchaseAccrualHandlerTest} scenario again, with the real AWS SDK against the AWS API emulator
 * ({@link Emulator}: LOYALTY_TEST_ENDPOINT, LocalStack or moto_server) instead of DynamoDB Local.
 */
class PurchaseAccrualIT extends PurchaseAccrualHandlerTest {
    @Override
    AppContext newContext(Clock clock) {
        return TestContexts.appContext(Emulator.dynamoDb(), clock);
    }
}
