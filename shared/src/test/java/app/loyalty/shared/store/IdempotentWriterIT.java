package app.loyalty.shared.store;

import app.loyalty.shared.testing.Emulator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The idempotency contract through the real SDK against the integration-test emulator (see {@link Emulator}). */
class IdempotentWriterIT extends IdempotentWriterContract {
    @Override
    protected DynamoDbClient dynamo() {
        return Emulator.dynamoDb();
    }
}
