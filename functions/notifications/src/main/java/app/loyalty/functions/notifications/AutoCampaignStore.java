package app.loyalty.functions.notifications;

import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A program's recurring campaigns: item PK {@code PROGRAM#<programId>}, SK {@code AUTO_CAMPAIGNS}, the settings as
 * JSON. A program with at least one of them on is in the index GSI1 {@code AUTO_CAMPAIGNS} / {@code <programId>}, which
 * the daily job pages to find its programs without reading any other.
 */
final class AutoCampaignStore {
    static final String SK = "AUTO_CAMPAIGNS";
    static final String INDEX = "AUTO_CAMPAIGNS";

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final ObjectMapper json;

    AutoCampaignStore(DynamoDbClient dynamo, String tableName, ObjectMapper json) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.json = json;
    }

    static Map<String, AttributeValue> key(String programId) {
        return Attr.key("PROGRAM#" + programId, SK);
    }

    AutoCampaigns read(String programId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(tableName).key(key(programId))
                .consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? AutoCampaigns.NONE : parse(item);
    }

    private AutoCampaigns parse(Map<String, AttributeValue> item) {
        try {
            return json.readValue(Attr.string(item, "settings"), AutoCampaigns.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Stored auto campaigns of " + Attr.string(item, TableSchema.PK) + " do not parse", e);
        }
    }

    /** Replaces them whole, guarded by the program's existence; false when the program does not exist. */
    boolean replace(String programId, AutoCampaigns settings, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(programId));
        try {
            item.put("settings", Attr.s(json.writeValueAsString(settings)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        item.put("programId", Attr.s(programId));
        item.put("updatedAt", Attr.s(now.toString()));
        if (settings.any()) {
            item.put(TableSchema.GSI1_PK, Attr.s(INDEX));
            item.put(TableSchema.GSI1_SK, Attr.s(programId));
        }
        try {
            dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                    TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName)
                            .key(ProgramRepository.programKey(programId)).conditionExpression("attribute_exists(PK)").build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item).build()).build()).build());
            return true;
        } catch (TransactionCanceledException e) {
            if (e.hasCancellationReasons() && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
                return false;
            }
            throw e;
        }
    }

    record Program(String programId, AutoCampaigns settings) {
    }

    /** Every program with a recurring campaign on (pages of 100 of the index). */
    List<Program> programsWithAny() {
        List<Program> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(tableName).indexName(TableSchema.GSI1)
                    .keyConditionExpression("GSI1PK = :index")
                    .expressionAttributeValues(Map.of(":index", Attr.s(INDEX)))
                    .exclusiveStartKey(start).limit(100).build());
            page.items().forEach(item -> out.add(new Program(Attr.string(item, "programId"), parse(item))));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }
}
