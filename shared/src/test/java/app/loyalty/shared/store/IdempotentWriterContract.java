package app.loyalty.shared.store;

import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestTables;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Idempotency-Key rules of {@link IdempotentWriter} against a real DynamoDB API: the same scenarios run
 * in-process on DynamoDB Local ({@link IdempotentWriterDynamoDbLocalTest}) and on the integration-test emulator
 * ({@link IdempotentWriterIT}), so an emulator that disagrees with DynamoDB Local shows up as a failing IT.
 */
abstract class IdempotentWriterContract {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final String ROUTE = "POST /v1/purchases";
    private static final String MEMBER_PK = "MEMBER#mem-1";
    private static final Caller MERCHANT = Caller.merchant("m-1", "p-1");
    private static final String BODY = """
            {"orderId": "order-42", "amount": {"minor": 12500, "currency": "EUR"}}""";

    private DynamoDbClient dynamo;
    private String table;
    private IdempotentWriter writer;
    private final AtomicInteger preparations = new AtomicInteger();

    /** The DynamoDB API under test; tables are created per test, so it may be shared. */
    protected abstract DynamoDbClient dynamo();

    @BeforeEach
    void freshTable() {
        dynamo = dynamo();
        table = TestTables.create(dynamo);
        writer = new IdempotentWriter(dynamo, table, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void execute_returnsStoredResponseAndWritesOnce_whenSameKeyAndBodyReplayed() {
        ApiResponse first = writer.execute(purchase(MERCHANT, "key-replay-0001", BODY), this::recordPurchase);
        ApiResponse second = writer.execute(purchase(MERCHANT, "key-replay-0001", BODY), this::recordPurchase);

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(first.status());
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(preparations).as("write first: the retry prepares, its put of the record fails, then it replays")
                .hasValue(2);
        assertThat(ledgerEntries()).isEqualTo(1);
    }

    @Test
    void execute_replays_whenBodyDiffersOnlyInKeyOrderAndWhitespace() {
        writer.execute(purchase(MERCHANT, "key-reorder-001", BODY), this::recordPurchase);
        String reordered = """
                { "amount" : { "currency" : "EUR", "minor" : 12500 },
                  "orderId" : "order-42" }""";

        ApiResponse replay = writer.execute(purchase(MERCHANT, "key-reorder-001", reordered), this::recordPurchase);

        assertThat(replay.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(ledgerEntries()).isEqualTo(1);
    }

    @Test
    void execute_refusesWith422AndWritesNothing_whenSameKeyComesWithDifferentBody() {
        writer.execute(purchase(MERCHANT, "key-reused-0001", BODY), this::recordPurchase);
        String otherBody = BODY.replace("12500", "99900");

        assertThatThrownBy(() -> writer.execute(purchase(MERCHANT, "key-reused-0001", otherBody), this::recordPurchase))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.type()).isEqualTo(ProblemType.IDEMPOTENCY_KEY_REUSED);
                    assertThat(e.type().status()).isEqualTo(422);
                });
        assertThat(preparations).hasValue(2);
        assertThat(ledgerEntries()).isEqualTo(1);
    }

    @Test
    void execute_storesOutboxEventsAndResponseOnIdempotencyRecord() {
        ApiResponse response = writer.execute(purchase(MERCHANT, "key-outbox-0001", BODY), this::recordPurchase);

        Map<String, AttributeValue> record = idempotencyRecord(MERCHANT, "key-outbox-0001");
        assertThat(record).isNotEmpty();
        List<DomainEvent> outbox = record.get(TableSchema.OUTBOX).l().stream().map(v -> Outbox.decode(v.s())).toList();
        assertThat(outbox).singleElement().satisfies(event -> {
            assertThat(event.detailType()).isEqualTo("PointsAccrued");
            assertThat(event.programId()).isEqualTo("p-1");
            assertThat(event.data()).containsEntry("orderId", "order-42");
        });
        assertThat(Attr.string(record, "responseBody")).isEqualTo(response.body());
        assertThat(Attr.number(record, TableSchema.TTL)).isEqualTo(NOW.plus(IdempotentWriter.RETENTION).getEpochSecond());
    }

    @Test
    void execute_treatsKeyAsNew_whenStoredRecordIsPastRetentionButNotYetDeleted() {
        writer.execute(purchase(MERCHANT, "key-expired-001", BODY), this::recordPurchase);
        // TTL deletion lags by up to days, and emulators never delete: the record is still there.
        MutableClock later = MutableClock.at(NOW.plus(IdempotentWriter.RETENTION));
        IdempotentWriter writerLater = new IdempotentWriter(dynamo, table, later);
        String otherBody = BODY.replace("12500", "99900");

        ApiResponse response = writerLater.execute(purchase(MERCHANT, "key-expired-001", otherBody), this::recordPurchase);

        assertThat(response.headers()).doesNotContainKey("Idempotent-Replayed");
        assertThat(ledgerEntries()).isEqualTo(2);
        assertThat(Attr.number(idempotencyRecord(MERCHANT, "key-expired-001"), TableSchema.TTL))
                .isEqualTo(later.instant().plus(IdempotentWriter.RETENTION).getEpochSecond());
    }

    @Test
    void execute_replaysTheWinner_whenSameKeyCommitsWhileSecondRequestPrepares() {
        ApiRequest request = purchase(MERCHANT, "key-race-000001", BODY);
        AtomicReference<ApiResponse> winner = new AtomicReference<>();

        // The loser reads "no record", then the winner commits, then the loser's transaction meets the
        // record's condition: DynamoDB cancels it with ConditionalCheckFailed at the record's index.
        ApiResponse loser = writer.execute(request, () -> {
            if (winner.get() == null) {
                winner.set(writer.execute(request, this::recordPurchase));
            }
            return recordPurchase();
        });

        assertThat(loser.body()).isEqualTo(winner.get().body());
        assertThat(loser.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(ledgerEntries()).isEqualTo(1);
    }

    @Test
    void execute_refusesWithConflictAndKeepsKeyUnused_whenStateConditionFails() {
        Map<String, AttributeValue> taken = Attr.key(MEMBER_PK, "ORDER#order-42");
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(taken).build());
        IdempotentWriter.Preparation claimOrder = () -> new IdempotentWriter.Write(201, Map.of("orderId", "order-42"),
                List.of(TransactWriteItem.builder().put(Put.builder().tableName(table).item(taken)
                        .conditionExpression("attribute_not_exists(PK)").build()).build()),
                List.of());

        assertThatThrownBy(() -> writer.execute(purchase(MERCHANT, "key-taken-00001", BODY), claimOrder))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.CONFLICT));
        assertThat(idempotencyRecord(MERCHANT, "key-taken-00001")).isEmpty();
    }

    @Test
    void execute_keepsKeysApart_whenTwoMerchantsUseTheSameKey() {
        Caller otherMerchant = Caller.merchant("m-2", "p-1");

        ApiResponse first = writer.execute(purchase(MERCHANT, "key-shared-0001", BODY), this::recordPurchase);
        ApiResponse second = writer.execute(purchase(otherMerchant, "key-shared-0001", BODY), this::recordPurchase);

        assertThat(first.headers()).doesNotContainKey("Idempotent-Replayed");
        assertThat(second.headers()).doesNotContainKey("Idempotent-Replayed");
        assertThat(ledgerEntries()).isEqualTo(2);
    }

    /** A stand-in for a handler's write: one new ledger entry and one event, counted per call. */
    private IdempotentWriter.Write recordPurchase() {
        preparations.incrementAndGet();
        String entryId = UUID.randomUUID().toString();
        Map<String, AttributeValue> entry = Map.of(
                TableSchema.PK, Attr.s(MEMBER_PK),
                TableSchema.SK, Attr.s("ENTRY#" + entryId),
                "points", Attr.n(125));
        DomainEvent accrued = new DomainEvent(UUID.randomUUID().toString(), "PointsAccrued", NOW, "p-1",
                Map.of("orderId", "order-42", "points", 125, "entryId", entryId));
        return new IdempotentWriter.Write(201, Map.of("entryId", entryId, "points", 125),
                List.of(TransactWriteItem.builder().put(Put.builder().tableName(table).item(entry)
                        .conditionExpression("attribute_not_exists(PK)").build()).build()),
                List.of(accrued));
    }

    private static ApiRequest purchase(Caller caller, String idempotencyKey, String body) {
        return TestRequests.parse(TestRequests.post(ROUTE, caller, idempotencyKey, body));
    }

    private int ledgerEntries() {
        return dynamo.query(QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :entry)")
                .expressionAttributeValues(Map.of(":pk", Attr.s(MEMBER_PK), ":entry", Attr.s("ENTRY#")))
                .build()).count();
    }

    /** The record's key layout is IdempotentWriter's: IDEMPOTENCY#scope#key / IDEMPOTENCY. */
    private Map<String, AttributeValue> idempotencyRecord(Caller caller, String idempotencyKey) {
        return dynamo.getItem(GetItemRequest.builder().tableName(table).consistentRead(true)
                .key(Attr.key("IDEMPOTENCY#" + caller.idempotencyScope() + "#" + idempotencyKey, "IDEMPOTENCY"))
                .build()).item();
    }
}
