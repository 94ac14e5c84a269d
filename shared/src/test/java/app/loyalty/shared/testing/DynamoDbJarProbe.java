package app.loyalty.shared.testing;

import app.loyalty.shared.runtime.AwsClients;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Loaded by {@link SdkJarCheck} with a function jar's classes: the client built as the functions build it
 * ({@link AwsClients}, the jar's), each DynamoDB operation the functions call, and each answer read, the errors the
 * code reads (a cancelled transaction's reasons and items, a failed condition's item) included. Returns one line per
 * call; {@link #answer} is the fake endpoint it talks to.
 */
public final class DynamoDbJarProbe implements Function<String, String> {
    public static final String EXPECTED = String.join("\n",
            "GetItem PK=MEMBER#1 units=0.5",
            "PutItem ConditionalCheckFailed PK=IDEMPOTENCY#k",
            "UpdateItem balance=42",
            "Query 2 items, next LOT#2",
            "BatchGetItem 1 item, 0 unprocessed",
            "TransactWriteItems ok units=4.0",
            "TransactWriteItems cancelled [None, ConditionalCheckFailed PK=ORDER#o-1]");

    private static final Map<String, AttributeValue> KEY = Map.of("PK", s("MEMBER#1"), "SK", s("PROFILE"));

    @Override
    public String apply(String endpoint) {
        List<String> lines = new ArrayList<>();
        try (DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder().endpointOverride(URI.create(endpoint)))) {
            GetItemResponse got = dynamo.getItem(r -> r.tableName("t").key(KEY).consistentRead(true)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            lines.add("GetItem PK=" + got.item().get("PK").s() + " units=" + got.consumedCapacity().capacityUnits());
            try {
                dynamo.putItem(r -> r.tableName("t").item(Map.of("PK", s("IDEMPOTENCY#k"), "SK", s("IDEMPOTENCY")))
                        .conditionExpression("attribute_not_exists(PK)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                lines.add("PutItem written");
            } catch (ConditionalCheckFailedException e) {
                lines.add("PutItem ConditionalCheckFailed PK=" + e.item().get("PK").s());
            }
            UpdateItemResponse updated = dynamo.updateItem(r -> r.tableName("t").key(KEY)
                    .updateExpression("ADD balance :p").expressionAttributeValues(Map.of(":p", n("2")))
                    .returnValues(ReturnValue.ALL_NEW));
            lines.add("UpdateItem balance=" + updated.attributes().get("balance").n());
            QueryResponse page = dynamo.query(r -> r.tableName("t").keyConditionExpression("PK = :pk")
                    .expressionAttributeValues(Map.of(":pk", s("MEMBER#1"))).limit(2));
            lines.add("Query " + page.count() + " items, next " + page.lastEvaluatedKey().get("SK").s());
            BatchGetItemResponse batch = dynamo.batchGetItem(r -> r.requestItems(
                    Map.of("t", KeysAndAttributes.builder().keys(KEY).consistentRead(true).build())));
            lines.add("BatchGetItem " + batch.responses().get("t").size() + " item, "
                    + batch.unprocessedKeys().size() + " unprocessed");
            TransactWriteItem put = TransactWriteItem.builder().put(Put.builder().tableName("t")
                    .item(Map.of("PK", s("ORDER#o-1"), "SK", s("ORDER"))).conditionExpression("attribute_not_exists(PK)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build();
            TransactWriteItem update = TransactWriteItem.builder().update(Update.builder().tableName("t").key(KEY)
                    .updateExpression("ADD balance :p").expressionAttributeValues(Map.of(":p", n("2"))).build()).build();
            lines.add("TransactWriteItems ok units=" + dynamo.transactWriteItems(r -> r.transactItems(update, put)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity().getFirst().capacityUnits());
            try {
                dynamo.transactWriteItems(r -> r.transactItems(update, put));
                lines.add("TransactWriteItems written twice");
            } catch (TransactionCanceledException e) {
                lines.add("TransactWriteItems cancelled " + e.cancellationReasons().stream()
                        .map(reason -> reason.code() + (reason.hasItem() ? " PK=" + reason.item().get("PK").s() : ""))
                        .toList());
            }
        }
        return String.join("\n", lines);
    }

    /** The fake DynamoDB: canned answers in DynamoDB's JSON protocol; the second transaction is cancelled. */
    static SdkJarCheck.Answer answer(SdkJarCheck.Exchange exchange) {
        String operation = exchange.target() == null ? "" : exchange.target().substring(exchange.target().indexOf('.') + 1);
        String member = "{\"PK\":{\"S\":\"MEMBER#1\"},\"SK\":{\"S\":\"PROFILE\"},\"balance\":{\"N\":\"40\"}}";
        return switch (operation) {
            case "GetItem" -> SdkJarCheck.Answer.json(200,
                    "{\"Item\":" + member + ",\"ConsumedCapacity\":{\"TableName\":\"t\",\"CapacityUnits\":0.5}}");
            case "PutItem" -> SdkJarCheck.Answer.json(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                    + "ConditionalCheckFailedException\",\"message\":\"The conditional request failed\","
                    + "\"Item\":{\"PK\":{\"S\":\"IDEMPOTENCY#k\"},\"SK\":{\"S\":\"IDEMPOTENCY\"}}}");
            case "UpdateItem" -> SdkJarCheck.Answer.json(200, "{\"Attributes\":{\"balance\":{\"N\":\"42\"}}}");
            case "Query" -> SdkJarCheck.Answer.json(200, "{\"Items\":[" + member + "," + member + "],\"Count\":2,"
                    + "\"ScannedCount\":2,\"LastEvaluatedKey\":{\"PK\":{\"S\":\"MEMBER#1\"},\"SK\":{\"S\":\"LOT#2\"}}}");
            case "BatchGetItem" -> SdkJarCheck.Answer.json(200,
                    "{\"Responses\":{\"t\":[" + member + "]},\"UnprocessedKeys\":{}}");
            case "TransactWriteItems" -> exchange.body().contains("ReturnConsumedCapacity")
                    ? SdkJarCheck.Answer.json(200, "{\"ConsumedCapacity\":[{\"TableName\":\"t\",\"CapacityUnits\":4.0}]}")
                    : SdkJarCheck.Answer.json(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                    + "TransactionCanceledException\",\"Message\":\"Transaction cancelled, please refer cancellation "
                    + "reasons for specific reasons [None, ConditionalCheckFailed]\",\"CancellationReasons\":["
                    + "{\"Code\":\"None\"},{\"Code\":\"ConditionalCheckFailed\",\"Item\":{\"PK\":{\"S\":\"ORDER#o-1\"},"
                    + "\"SK\":{\"S\":\"ORDER\"}},\"Message\":\"The conditional request failed\"}]}");
            default -> SdkJarCheck.Answer.json(400, "{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"}");
        };
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(String value) {
        return AttributeValue.builder().n(value).build();
    }
}
