package app.loyalty.shared.store;

import app.loyalty.shared.domain.discount.PromoCode;
import app.loyalty.shared.store.PromoCodeRepository.StoredPromoCode;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.TestTables;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Promo code items and counters on DynamoDB Local, on a table made from {@link TableSchema}. */
class PromoCodeRepositoryTest {
    private static final String PROGRAM = "prg_promo";
    private static final Instant NOW = Instant.parse("2026-11-23T09:30:00Z");

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private String table;
    private PromoCodeRepository codes;

    @BeforeEach
    void setUp() {
        table = TestTables.create(dynamo);
        codes = new PromoCodeRepository(dynamo, table);
    }

    static PromoCode code(String code, Long maxUses, Long maxUsesPerMember) {
        return new PromoCode(code, 1000, null, null, Instant.parse("2026-12-31T00:00:00Z"), maxUses, maxUsesPerMember,
                2000L, Set.of("gold"), Set.of(), Set.of("coffee"));
    }

    @Test
    void create_thenFind_returnsTheDefinitionWithNoUses() {
        PromoCode promo = code("WINTER10", 100L, 2L);
        write(codes.create(PROGRAM, promo, true, NOW));

        StoredPromoCode stored = codes.find(PROGRAM, "WINTER10").orElseThrow();

        assertThat(stored).isEqualTo(new StoredPromoCode(promo, 0, true, NOW, NOW, 1));
        assertThat(stored.remaining()).isEqualTo(100);
        assertThat(codes.find(PROGRAM, "SUMMER10")).isEmpty();
        assertThat(codes.find("prg_other", "WINTER10")).as("codes are per program").isEmpty();
    }

    @Test
    void create_failsItsCondition_whenTheCodeExistsInTheProgram_andKeepsTheFirst() {
        write(codes.create(PROGRAM, code("WINTER10", 100L, null), true, NOW));

        assertThatThrownBy(() -> write(codes.create(PROGRAM, code("WINTER10", 5L, null), false, NOW)))
                .isInstanceOf(TransactionCanceledException.class);
        write(codes.create("prg_other", code("WINTER10", 5L, null), true, NOW));

        assertThat(codes.find(PROGRAM, "WINTER10").orElseThrow().code().maxUses()).isEqualTo(100);
    }

    @Test
    void use_countsOverallAndPerMember_untilEachLimit() {
        PromoCode promo = code("TWICE", 3L, 2L);
        write(codes.create(PROGRAM, promo, true, NOW));

        write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_a"));
        write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_a"));
        assertThatThrownBy(() -> write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_a")))
                .as("mbr_a's third use passes the per-member limit").isInstanceOf(TransactionCanceledException.class);
        write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_b"));
        assertThatThrownBy(() -> write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_c")))
                .as("the fourth use passes the overall limit").isInstanceOf(TransactionCanceledException.class);

        assertThat(codes.find(PROGRAM, "TWICE").orElseThrow().uses()).isEqualTo(3);
        assertThat(codes.find(PROGRAM, "TWICE").orElseThrow().remaining()).isZero();
        Map<String, Map<String, AttributeValue>> batch = batchGet(
                PromoCodeRepository.memberUseKey(PROGRAM, "TWICE", "mbr_a"),
                PromoCodeRepository.memberUseKey(PROGRAM, "TWICE", "mbr_b"));
        assertThat(PromoCodeRepository.memberUses(batch.get("MEMBER#mbr_a"))).isEqualTo(2);
        assertThat(PromoCodeRepository.memberUses(batch.get("MEMBER#mbr_b"))).isEqualTo(1);
        assertThat(PromoCodeRepository.memberUses(batch.get("MEMBER#mbr_c"))).isZero();
    }

    @Test
    void use_readsTheOverallLimitFromTheItem_notFromTheCallersStaleCopy() {
        PromoCode stored = code("ONCE", 1L, null);
        write(codes.create(PROGRAM, stored, true, NOW));
        write(PromoCodeRepository.use(table, PROGRAM, stored, "mbr_a"));

        PromoCode staleWithMore = code("ONCE", 50L, null);
        assertThatThrownBy(() -> write(PromoCodeRepository.use(table, PROGRAM, staleWithMore, "mbr_b")))
                .isInstanceOf(TransactionCanceledException.class);
    }

    @Test
    void use_isRefused_forAnInactiveOrMissingCode() {
        PromoCode promo = code("PAUSED", null, null);
        write(codes.create(PROGRAM, promo, false, NOW));

        assertThatThrownBy(() -> write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_a")))
                .isInstanceOf(TransactionCanceledException.class);
        assertThatThrownBy(() -> write(PromoCodeRepository.use(table, PROGRAM, code("NOSUCH", null, null), "mbr_a")))
                .isInstanceOf(TransactionCanceledException.class);
        assertThat(codes.find(PROGRAM, "NOSUCH")).as("a refused use creates nothing").isEmpty();
        assertThat(codes.find(PROGRAM, "PAUSED").orElseThrow().uses()).isZero();
    }

    @Test
    void use_writesNoMemberItem_forACodeWithoutPerMemberLimit() {
        PromoCode promo = code("OPEN", null, null);

        List<TransactWriteItem> items = PromoCodeRepository.use(table, PROGRAM, promo, null);

        assertThat(items).hasSize(1);
        assertThat(PromoCodeRepository.use(table, PROGRAM, code("LIMITED", null, 1L), "mbr_a")).hasSize(2);
        assertThatThrownBy(() -> PromoCodeRepository.use(table, PROGRAM, code("LIMITED", null, 1L), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void release_givesAUseBack_neverBelowZero() {
        PromoCode promo = code("BACK", 1L, 1L);
        write(codes.create(PROGRAM, promo, true, NOW));
        write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_a"));

        write(PromoCodeRepository.release(table, PROGRAM, promo, "mbr_a"));
        assertThatThrownBy(() -> write(PromoCodeRepository.release(table, PROGRAM, promo, "mbr_a")))
                .isInstanceOf(TransactionCanceledException.class);
        write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_a"));

        assertThat(codes.find(PROGRAM, "BACK").orElseThrow().uses()).isEqualTo(1);
    }

    @Test
    void update_changesDefinitionAndFlag_guardedByVersion_keepingUses() {
        PromoCode promo = code("EDIT", 2L, null);
        write(codes.create(PROGRAM, promo, true, NOW));
        write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_a"));
        PromoCode raised = code("EDIT", 10L, null);
        Instant later = NOW.plusSeconds(60);

        write(codes.update(PROGRAM, raised, false, 1, later));
        assertThatThrownBy(() -> write(codes.update(PROGRAM, promo, true, 1, later)))
                .as("an edit based on version 1 lost the race").isInstanceOf(TransactionCanceledException.class);

        assertThat(codes.find(PROGRAM, "EDIT").orElseThrow())
                .isEqualTo(new StoredPromoCode(raised, 1, false, NOW, later, 2));
    }

    @Test
    void update_removingTheOverallLimit_letsUsesGoOn() {
        PromoCode promo = code("UNCAP", 1L, null);
        write(codes.create(PROGRAM, promo, true, NOW));
        write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_a"));
        PromoCode unlimited = code("UNCAP", null, null);

        write(codes.update(PROGRAM, unlimited, true, 1, NOW));
        write(PromoCodeRepository.use(table, PROGRAM, unlimited, "mbr_b"));

        assertThat(codes.find(PROGRAM, "UNCAP").orElseThrow().uses()).isEqualTo(2);
        assertThat(codes.find(PROGRAM, "UNCAP").orElseThrow().remaining()).isNull();
    }

    @Test
    void list_pagesThroughTheProgramsCodesInOrder_withOpaqueCursors() {
        for (String name : List.of("C3", "A1", "E5", "B2", "D4")) {
            write(codes.create(PROGRAM, code(name, null, null), true, NOW));
        }
        write(codes.create("prg_other", code("ZZ", null, null), true, NOW));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            PromoCodeRepository.Page page = codes.list(PROGRAM, cursor, 2);
            page.codes().forEach(c -> seen.add(c.code().code()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(seen).containsExactly("A1", "B2", "C3", "D4", "E5");
        assertThat(codes.list("prg_none", null, 25).codes()).isEmpty();
        assertThatThrownBy(() -> codes.list(PROGRAM, "not a cursor!", 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codes.list(PROGRAM, null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codes.list(PROGRAM, null, 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void items_holdIdsAndCountersOnly() {
        PromoCode promo = code("PLAIN", 5L, 1L);
        write(codes.create(PROGRAM, promo, true, NOW));
        write(PromoCodeRepository.use(table, PROGRAM, promo, "mbr_a"));

        Map<String, Map<String, AttributeValue>> batch = batchGet(PromoCodeRepository.codeKey(PROGRAM, "PLAIN"),
                PromoCodeRepository.memberUseKey(PROGRAM, "PLAIN", "mbr_a"));

        assertThat(batch.get("MEMBER#mbr_a")).containsOnlyKeys("PK", "SK", "uses");
        assertThat(batch.get("PROMO")).containsOnlyKeys("PK", "SK", "GSI1PK", "GSI1SK", "programId", "code",
                "definition", "maxUses", "uses", "active", "createdAt", "updatedAt", "version");
        assertThat(PromoCodeRepository.fromItem(batch.get("PROMO")).uses()).isEqualTo(1);
    }

    private void write(TransactWriteItem item) {
        write(List.of(item));
    }

    private void write(List<TransactWriteItem> items) {
        dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
    }

    /** The items by SK, read as the quote reads them: one BatchGetItem. */
    @SafeVarargs
    private Map<String, Map<String, AttributeValue>> batchGet(Map<String, AttributeValue>... keys) {
        var response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(Map.of(table,
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build())).build());
        Map<String, Map<String, AttributeValue>> bySk = new java.util.HashMap<>();
        response.responses().get(table).forEach(item -> bySk.put(item.get("SK").s(), item));
        return bySk;
    }
}
