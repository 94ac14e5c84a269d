package app.loyalty.shared.store;

import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.TestTables;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pool budgets on DynamoDB Local. */
class RewardPoolBudgetsTest {
    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private String table;

    @BeforeEach
    void setUp() {
        table = TestTables.create(dynamo);
    }

    @Test
    void spend_createsTheItemOnFirstUse_andAddsUp_toExactlyTheBudget() {
        write(RewardPoolBudgets.spend(table, "prg_a", "pool-1", 600, 1000));
        write(RewardPoolBudgets.spend(table, "prg_a", "pool-1", 400, 1000));

        assertThat(RewardPoolBudgets.spent(read("prg_a", "pool-1"))).isEqualTo(1000);
    }

    @Test
    void spend_isRefused_whenItWouldPassTheBudget_andChangesNothing() {
        write(RewardPoolBudgets.spend(table, "prg_a", "pool-1", 999, 1000));

        assertThatThrownBy(() -> write(RewardPoolBudgets.spend(table, "prg_a", "pool-1", 2, 1000)))
                .isInstanceOf(TransactionCanceledException.class);
        write(RewardPoolBudgets.spend(table, "prg_a", "pool-1", 1, 1000));

        assertThat(RewardPoolBudgets.spent(read("prg_a", "pool-1"))).isEqualTo(1000);
    }

    @Test
    void spend_refusesAmountsNoBudgetCouldAfford() {
        assertThatThrownBy(() -> RewardPoolBudgets.spend(table, "prg_a", "pool-1", 1001, 1000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RewardPoolBudgets.spend(table, "prg_a", "pool-1", 0, 1000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void spent_isZero_forAPoolNeverDrawnFrom() {
        assertThat(RewardPoolBudgets.spent(read("prg_a", "pool-new"))).isZero();
        assertThat(RewardPoolBudgets.spent(null)).isZero();
    }

    private Map<String, AttributeValue> read(String programId, String poolId) {
        return dynamo.getItem(GetItemRequest.builder().tableName(table).key(RewardPoolBudgets.key(programId, poolId))
                .consistentRead(true).build()).item();
    }

    private void write(TransactWriteItem item) {
        dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(item).build());
    }
}
