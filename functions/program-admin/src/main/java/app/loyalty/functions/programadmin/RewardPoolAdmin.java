package app.loyalty.functions.programadmin;

import app.loyalty.shared.domain.discount.RewardPool;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.RewardPoolBudgets;
import app.loyalty.shared.store.TableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reward pools' budgets as the operator reads them: each pool of the program's rules (defined by PUT rules)
 * with its budget, what blind rewards have spent of it, and what is left. One program read and one BatchGetItem
 * (a program has at most {@value ProgramRules#MAX_REWARD_POOLS} pools).
 */
final class RewardPoolAdmin {
    /** BatchGetItem may leave keys unprocessed under throttling; they are asked again, a bounded number of times. */
    private static final int MAX_BATCH_ROUNDS = 5;

    private final AppContext context;
    private final ProgramRepository programs;

    RewardPoolAdmin(AppContext context, ProgramRepository programs) {
        this.context = context;
        this.programs = programs;
    }

    record RewardPoolView(String poolId, RewardPool.BudgetUnit budgetUnit, long budget, long spent, long remaining) {
    }

    record RewardPoolList(String programId, List<RewardPoolView> items) {
    }

    ApiResponse list(ApiRequest request) {
        String programId = request.pathParameter("programId");
        Program program = programs.find(programId).orElseThrow(() -> ApiException.notFound("Program " + programId));
        List<RewardPool> pools = program.rules().rewardPools();
        Map<String, Long> spentByPool = pools.isEmpty() ? Map.of() : spent(programId, pools);
        List<RewardPoolView> views = pools.stream().map(pool -> {
            long spent = spentByPool.getOrDefault(pool.id(), 0L);
            // The budget may have been lowered by PUT rules below what was already spent: nothing is left then.
            return new RewardPoolView(pool.id(), pool.budgetUnit(), pool.budget(), spent, Math.max(0, pool.budget() - spent));
        }).toList();
        return ApiResponse.json(200, new RewardPoolList(programId, views));
    }

    private Map<String, Long> spent(String programId, List<RewardPool> pools) {
        Map<String, String> poolByPartition = new HashMap<>();
        List<Map<String, AttributeValue>> keys = pools.stream().map(pool -> {
            Map<String, AttributeValue> key = RewardPoolBudgets.key(programId, pool.id());
            poolByPartition.put(key.get(TableSchema.PK).s(), pool.id());
            return key;
        }).toList();
        Map<String, Long> spent = new HashMap<>();
        Map<String, KeysAndAttributes> pending = Map.of(context.tableName(),
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        for (int round = 1; !pending.isEmpty(); round++) {
            if (round > MAX_BATCH_ROUNDS) {
                throw new IllegalStateException("DynamoDB left reward pool budgets unread after " + MAX_BATCH_ROUNDS + " rounds");
            }
            Map<String, KeysAndAttributes> ask = pending;
            BatchGetItemResponse response = context.dynamo().batchGetItem(b -> b.requestItems(ask));
            response.responses().getOrDefault(context.tableName(), List.of()).forEach(item ->
                    spent.put(poolByPartition.get(item.get(TableSchema.PK).s()), RewardPoolBudgets.spent(item)));
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return spent;
    }
}
