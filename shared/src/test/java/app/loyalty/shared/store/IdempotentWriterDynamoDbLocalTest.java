package app.loyalty.shared.store;

import app.loyalty.shared.testing.DynamoDbLocal;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The idempotency contract on DynamoDB Local in this JVM: runs with the unit tests, no emulator needed. */
class IdempotentWriterDynamoDbLocalTest extends IdempotentWriterContract {
    @Override
    protected DynamoDbClient dynamo() {
        return DynamoDbLocal.client();
    }
}
