package app.loyalty.shared.store;

import app.loyalty.shared.domain.discount.PromoCode;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.TestTables;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many checkouts racing for one code's or one pool's last uses, through the real SDK over loopback HTTP to DynamoDB
 * Local (which applies each item's update atomically and raises TransactionConflict like DynamoDB; see
 * ConcurrentPurchasesIT for why not moto). Bounded: a fixed pool of 8 threads, a fixed number of attempts, each
 * retried only on contention (a TransactionConflict, which DynamoDB also answers to racing transactions) and at most
 * {@value #MAX_TRIES} times; a failed limit condition is final, as in the purchase.
 */
class PromoCodeLimitsConcurrencyIT {
    private static final String PROGRAM = "prg_race";
    private static final int MAX_TRIES = 200;

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private String table;
    private PromoCodeRepository codes;

    private enum Outcome { COMMITTED, REFUSED }

    @BeforeEach
    void setUp() {
        table = TestTables.create(dynamo);
        codes = new PromoCodeRepository(dynamo, table);
    }

    private static PromoCode code(String code, Long maxUses, Long maxUsesPerMember) {
        return new PromoCode(code, 500, null, null, null, maxUses, maxUsesPerMember, null, null, null, null);
    }

    @Test
    void aCodeWithMaxUses100_triedByManyMembersAtOnce_isUsedExactly100Times() throws Exception {
        PromoCode promo = code("HUNDRED", 100L, 1L);
        write(codes.create(PROGRAM, promo, true, Instant.parse("2026-11-23T09:30:00Z")));
        List<Callable<Outcome>> attempts = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            String member = "mbr_" + i;
            attempts.add(() -> commit(() -> PromoCodeRepository.use(table, PROGRAM, promo, member)));
        }

        List<Outcome> outcomes = runAll(attempts);

        assertThat(outcomes.stream().filter(o -> o == Outcome.COMMITTED)).hasSize(100);
        assertThat(codes.find(PROGRAM, "HUNDRED").orElseThrow().uses()).isEqualTo(100);
    }

    @Test
    void oneMemberUsingACodeFromManyCheckoutsAtOnce_staysWithinThePerMemberLimit() throws Exception {
        PromoCode promo = code("THRICE", null, 3L);
        write(codes.create(PROGRAM, promo, true, Instant.parse("2026-11-23T09:30:00Z")));
        List<Callable<Outcome>> attempts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            attempts.add(() -> commit(() -> PromoCodeRepository.use(table, PROGRAM, promo, "mbr_eager")));
        }

        List<Outcome> outcomes = runAll(attempts);

        assertThat(outcomes.stream().filter(o -> o == Outcome.COMMITTED)).hasSize(3);
        assertThat(codes.find(PROGRAM, "THRICE").orElseThrow().uses()).isEqualTo(3);
        assertThat(PromoCodeRepository.memberUses(dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(PromoCodeRepository.memberUseKey(PROGRAM, "THRICE", "mbr_eager")).consistentRead(true).build()).item()))
                .isEqualTo(3);
    }

    @Test
    void aPoolBudget_drawnFromByManyCheckoutsAtOnce_isNeverOverspent() throws Exception {
        long budget = 1000;
        long reward = 37; // 27 rewards fit (999), the 28th would pass the budget
        List<Callable<Outcome>> attempts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            attempts.add(() -> commit(() -> List.of(RewardPoolBudgets.spend(table, PROGRAM, "pool-1", reward, budget))));
        }

        List<Outcome> outcomes = runAll(attempts);

        assertThat(outcomes.stream().filter(o -> o == Outcome.COMMITTED)).hasSize(27);
        assertThat(RewardPoolBudgets.spent(dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(RewardPoolBudgets.key(PROGRAM, "pool-1")).consistentRead(true).build()).item())).isEqualTo(999);
    }

    /** Commits the items, retrying only on contention; a failed condition is the limit speaking. */
    private Outcome commit(Supplier<List<TransactWriteItem>> items) {
        for (int attempt = 1; attempt <= MAX_TRIES; attempt++) {
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items.get()).build());
                return Outcome.COMMITTED;
            } catch (TransactionCanceledException e) {
                boolean conditionFailed = e.cancellationReasons().stream().map(CancellationReason::code)
                        .anyMatch("ConditionalCheckFailed"::equals);
                if (conditionFailed) {
                    return Outcome.REFUSED;
                }
            }
        }
        throw new AssertionError("Still contended after " + MAX_TRIES + " tries");
    }

    private void write(TransactWriteItem item) {
        dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(item).build());
    }

    private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(tasks)) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
    }
}
