package app.loyalty.bench;

import app.loyalty.shared.store.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A DynamoDbClient that answers from memory at once: GetItem by partition key from a fixed map (anything else is
 * "no item", which is what the idempotency-record and order-marker reads of a new request see), Query with one
 * fixed member partition, TransactWriteItems with success. Nothing is stored, so every call sees the same state
 * and a benchmark can repeat one request forever.
 * <p>
 * What this leaves in a handler's cost: event parsing, validation, domain work, building the SDK request and
 * item objects, Jackson, hashing and the log line. What it removes: the SDK's marshalling, signing, HTTP and
 * unmarshalling, and the network. Any operation a path should not use fails (the interface's defaults throw
 * UnsupportedOperationException), so a benchmark cannot silently take another path.
 */
public final class CannedDynamoDb implements DynamoDbClient {
    private static final GetItemResponse NO_ITEM = GetItemResponse.builder().build();
    private static final TransactWriteItemsResponse WRITTEN = TransactWriteItemsResponse.builder().build();

    private final Map<String, GetItemResponse> itemsByPartitionKey = new HashMap<>();
    private String memberPartitionKey;
    private QueryResponse memberPartition;
    private long transactions;
    private long transactedItems;

    /** GetItem of this item's PK answers it. */
    public CannedDynamoDb withItem(Map<String, AttributeValue> item) {
        itemsByPartitionKey.put(item.get(TableSchema.PK).s(), GetItemResponse.builder().item(item).build());
        return this;
    }

    /** Query of this partition answers these items in one page (the member load reads lots and PROFILE at once). */
    public CannedDynamoDb withPartition(String partitionKey, List<Map<String, AttributeValue>> items) {
        memberPartitionKey = partitionKey;
        memberPartition = QueryResponse.builder().items(items).count(items.size()).scannedCount(items.size()).build();
        return this;
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return itemsByPartitionKey.getOrDefault(request.key().get(TableSchema.PK).s(), NO_ITEM);
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        String partition = request.expressionAttributeValues().get(":pk").s();
        if (!partition.equals(memberPartitionKey)) {
            return QueryResponse.builder().items(List.of()).count(0).build();
        }
        return memberPartition;
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        transactions++;
        transactedItems += request.transactItems().size();
        return WRITTEN;
    }

    /** Transactions "written" so far: a sanity check that the write path ran. */
    public long transactions() {
        return transactions;
    }

    public long transactedItems() {
        return transactedItems;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
