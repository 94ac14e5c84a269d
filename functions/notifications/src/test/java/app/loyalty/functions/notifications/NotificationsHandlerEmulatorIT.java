package app.loyalty.functions.notifications;

import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.testing.Emulator;
import app.loyalty.shared.testing.TestContexts;

import java.time.Clock;

/** Every handler test again, on the AWS API emulator's DynamoDB (conditional puts, the due index, paging). */
class NotificationsHandlerEmulatorIT extends NotificationsHandlerTest {
    @Override
    AppContext newContext(Clock clock) {
        return TestContexts.appContext(Emulator.dynamoDb(), clock);
    }
}
