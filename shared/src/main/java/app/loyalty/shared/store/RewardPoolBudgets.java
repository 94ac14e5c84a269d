package app.loyalty.shared.store;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.Map;

/**
 * What each blind-reward pool ({@link app.loyalty.shared.domain.discount.RewardPool}) has spent of its budget:
 * {@code PK=POOL#<programId>#<poolId>, SK=BUDGET} with {@code spent} (points or minor units, as the pool's
 * budgetUnit), created by the first spend. The budget itself lives in the program rules; a draw spends inside the
 * purchase's one transaction under the condition {@code spent + amount <= budget}, so concurrent checkouts never
 * overspend a pool: the one that would is cancelled and re-reads what is left.
 */
public final class RewardPoolBudgets {
    private RewardPoolBudgets() {
    }

    public static Map<String, AttributeValue> key(String programId, String poolId) {
        return Attr.key("POOL#" + programId + "#" + poolId, "BUDGET");
    }

    /** What the pool spent, from its item as a BatchGetItem returned it (null or empty: nothing yet). */
    public static long spent(Map<String, AttributeValue> itemOrNull) {
        return itemOrNull == null || itemOrNull.isEmpty() ? 0 : Attr.optionalNumber(itemOrNull, "spent").orElse(0L);
    }

    /**
     * Spends {@code amount} of the pool's {@code budget}, for the purchase's transaction: the condition
     * {@code spent <= budget - amount} (the same as spent + amount <= budget, without an addition that could
     * overflow) fails the transaction when the pool cannot afford it.
     *
     * @throws IllegalArgumentException when amount is not 1..budget: such a draw could never be afforded
     */
    public static TransactWriteItem spend(String table, String programId, String poolId, long amount, long budget) {
        if (amount < 1 || amount > budget) {
            throw new IllegalArgumentException("A pool spend must be 1.." + budget + ", not " + amount);
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(programId, poolId))
                .updateExpression("ADD #spent :amount SET programId = :programId, poolId = :poolId")
                .conditionExpression("attribute_not_exists(#spent) OR #spent <= :ceiling")
                .expressionAttributeNames(Map.of("#spent", "spent"))
                .expressionAttributeValues(Map.of(":amount", Attr.n(amount), ":ceiling", Attr.n(budget - amount),
                        ":programId", Attr.s(programId), ":poolId", Attr.s(poolId)))
                .build()).build();
    }
}
