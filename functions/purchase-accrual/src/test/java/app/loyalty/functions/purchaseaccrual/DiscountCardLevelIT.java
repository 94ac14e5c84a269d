package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.testing.Emulator;
import app.loyalty.shared.testing.TestContexts;

import java.time.Clock;

/**
 * Every {@link DiscountCardLevelTest} scenario again on the AWS API emulator: the level's guarded update
 * ({@code discountCard.rev}), the legacy conversion and the pruning as the real DynamoDB API takes them.
 */
class DiscountCardLevelIT extends DiscountCardLevelTest {
    @Override
    AppContext newContext(Clock clock) {
        return TestContexts.appContext(Emulator.dynamoDb(), clock);
    }
}
