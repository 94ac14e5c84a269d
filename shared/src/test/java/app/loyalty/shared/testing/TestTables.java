package app.loyalty.shared.testing;

import app.loyalty.shared.store.TableSchema;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;

import java.time.Duration;
import java.util.UUID;

/**
 * Fresh tables with the production key schema ({@link TableSchema#createTableRequest(String)}), one per test or
 * test class, so tests never see each other's items and need no cleanup (the servers are in memory or throwaway).
 */
public final class TestTables {
    /** Every emulator here creates tables ACTIVE at once; the bound only guards against one that does not. */
    private static final WaiterOverrideConfiguration UNTIL_ACTIVE = WaiterOverrideConfiguration.builder()
            .maxAttempts(200)
            .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(50)))
            .build();

    private TestTables() {
    }

    /** Creates a uniquely named table on {@code dynamo} and returns its name once it is ACTIVE. */
    public static String create(DynamoDbClient dynamo) {
        String name = "loyalty-test-" + UUID.randomUUID();
        dynamo.createTable(TableSchema.createTableRequest(name));
        dynamo.waiter().waitUntilTableExists(DescribeTableRequest.builder().tableName(name).build(), UNTIL_ACTIVE);
        return name;
    }
}
