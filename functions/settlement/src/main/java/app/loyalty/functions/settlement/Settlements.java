package app.loyalty.functions.settlement;

import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.settlement.Settlement;
import app.loyalty.shared.domain.settlement.SettlementCalculator;
import app.loyalty.shared.domain.settlement.SettlementEntry;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.SettlementItems;
import app.loyalty.shared.store.TableSchema;
import com.fasterxml.jackson.core.JsonProcessingException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Reads a period's ledger entries from the sharded day index (GSI2 {@code LEDGER#<programId>#<day>#<shard>}, written
 * with every entry that moves points), computes the settlement ({@link SettlementCalculator}) and reads and writes
 * closed settlements. No Scan: a period costs one Query page per day and shard, plus pages for the entries.
 */
final class Settlements {
    /**
     * A period can be closed this long after it ended: the index is a GSI, updated a moment after the entry's
     * transaction, so an entry of the period's last second is in it by then.
     */
    static final Duration INDEX_GRACE = Duration.ofMinutes(5);

    private final DynamoDbClient dynamo;
    private final String table;

    Settlements(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static Instant start(YearMonth period) {
        return period.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static Instant end(YearMonth period) {
        return start(period.plusMonths(1));
    }

    static YearMonth parsePeriod(String period) {
        if (period == null || !period.matches("\\d{4}-\\d{2}")) {
            throw new IllegalArgumentException("period must be a month, YYYY-MM");
        }
        try {
            return YearMonth.parse(period);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("period must be a month, YYYY-MM");
        }
    }

    /** The settlement of [from, to) from the ledger entries of those days (entries outside are left out). */
    Settlement compute(Program program, YearMonth period, Instant from, Instant to) {
        List<SettlementEntry> entries = new ArrayList<>();
        forEachEntry(program.programId(), from, to, item -> entries.add(LedgerEntryItems.settlementEntry(item)));
        return SettlementCalculator.settle(program.programId(), period.toString(), from, to, program.currency(),
                program.agreement(), entries);
    }

    /** Every indexed entry item of the program's days touching [from, to): per UTC day, per shard, page by page (S2). */
    void forEachEntry(String programId, Instant from, Instant to, Consumer<Map<String, AttributeValue>> consumer) {
        LocalDate last = to.minusNanos(1).atZone(ZoneOffset.UTC).toLocalDate();
        for (LocalDate day = from.atZone(ZoneOffset.UTC).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
            for (int shard = 0; shard < LedgerEntryItems.SETTLEMENT_SHARDS; shard++) {
                Map<String, AttributeValue> start = null;
                do {
                    QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(TableSchema.GSI2)
                            .keyConditionExpression("#pk = :pk")
                            .expressionAttributeNames(Map.of("#pk", TableSchema.GSI2_PK))
                            .expressionAttributeValues(Map.of(":pk",
                                    Attr.s(LedgerEntryItems.settlementPartition(programId, day, shard))));
                    if (start != null) {
                        query.exclusiveStartKey(start);
                    }
                    QueryResponse page = dynamo.query(query.build());
                    page.items().forEach(consumer);
                    start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
                } while (start != null);
            }
        }
    }

    /**
     * The put that closes a settlement: only if the period was never closed ({@code attribute_not_exists(PK)}), so a
     * closed settlement is immutable. The item holds the answer ({@code response}) and SettlementClosed in its outbox.
     */
    TransactWriteItem close(SettlementView view, DomainEvent closed) {
        Map<String, AttributeValue> item = new HashMap<>(SettlementItems.settlementKey(view.programId(), view.period()));
        item.put("programId", Attr.s(view.programId()));
        item.put("period", Attr.s(view.period()));
        item.put("closedAt", Attr.s(view.closedAt().toString()));
        item.put("response", Attr.s(write(view)));
        item.put(TableSchema.OUTBOX, Attr.strings(Outbox.encode(List.of(closed))));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    static DomainEvent closedEvent(SettlementView view) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("programId", view.programId());
        data.put("period", view.period());
        data.put("from", view.from().toString());
        data.put("to", view.to().toString());
        data.put("currency", view.currency());
        data.put("merchantCount", view.merchants().size());
        data.put("entryCount", view.entryCount());
        data.put("pointsIssued", view.totals().issued());
        data.put("pointsRedeemed", view.totals().redeemed());
        data.put("feesOwed", view.totals().feesOwed());
        data.put("cleared", view.totals().cleared());
        data.put("closedAt", view.closedAt().toString());
        return new DomainEvent(UUID.randomUUID().toString(), "SettlementClosed", view.closedAt(), view.programId(), data);
    }

    Optional<SettlementView> find(String programId, String period) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table).consistentRead(true)
                .key(SettlementItems.settlementKey(programId, period)).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(Attr.string(item, "response")));
    }

    /** The program's closed settlements, oldest first (S3). */
    List<SettlementView> closed(String programId) {
        List<SettlementView> views = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("PK = :pk AND begins_with(SK, :period)")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(SettlementItems.settlementPk(programId)),
                            ":period", Attr.s("PERIOD#")));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamo.query(query.build());
            page.items().forEach(item -> views.add(read(Attr.string(item, "response"))));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return views;
    }

    /** Programs with a partner agreement (S4): the monthly run settles these. */
    List<String> registeredPrograms() {
        List<String> ids = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("PK = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(SettlementItems.REGISTRY_PK)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamo.query(query.build());
            page.items().forEach(item -> ids.add(Attr.string(item, "programId")));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return ids;
    }

    static String write(SettlementView view) {
        try {
            return Json.MAPPER.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static SettlementView read(String json) {
        try {
            return Json.MAPPER.readValue(json, SettlementView.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored settlement is unreadable", e);
        }
    }
}
