package app.loyalty.functions.programadmin;

import app.loyalty.shared.store.Attr;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Partner webhook subscriptions (docs/webhooks.md), all of a program in one partition so that delivery finds an
 * event's subscribers with one Query: PK {@code WEBHOOK#<programId>}, SK {@code SUB#<subscriptionId>} (with the
 * signing secret), and per delivered event and subscription a marker SK {@code DELIVERED#<eventId>#<subscriptionId>}
 * (with a TTL) so a retried event is not sent again to the subscribers already served. A deleted subscription
 * keeps its item with {@code deletedAt} and without its secret: deletes of items are kept to member partitions
 * (LeastPrivilegeTemplateTest), and the item records who received what.
 */
final class WebhookSubscriptions {
    /** The events partners may subscribe to: the catalogue of docs/events.md that concerns them. */
    static final Set<String> EVENT_TYPES = Set.of("MemberEnrolled", "CardIssued", "CardReplaced", "PurchaseRecorded",
            "PointsAccrued", "PointsReversed", "PointsRedeemed", "PointsAdjusted", "PointsExpired", "TierChanged",
            "MerchantBudgetLow", "SettlementClosed");
    /** How long a delivered marker stays: longer than Lambda's asynchronous retries (6 h) and the replay advice. */
    static final long DELIVERED_MARKER_SECONDS = 7 * 24 * 3600;

    record Subscription(String subscriptionId, String programId, String merchantId, URI url, List<String> eventTypes,
                        String secret, Instant createdAt) {
    }

    private final DynamoDbClient dynamo;
    private final String tableName;

    WebhookSubscriptions(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    static String partition(String programId) {
        return "WEBHOOK#" + programId;
    }

    static Map<String, AttributeValue> key(String programId, String subscriptionId) {
        return Attr.key(partition(programId), "SUB#" + subscriptionId);
    }

    TransactWriteItem create(Subscription subscription) {
        Map<String, AttributeValue> item = new HashMap<>(key(subscription.programId(), subscription.subscriptionId()));
        item.put("subscriptionId", Attr.s(subscription.subscriptionId()));
        item.put("programId", Attr.s(subscription.programId()));
        item.put("merchantId", Attr.s(subscription.merchantId()));
        item.put("url", Attr.s(subscription.url().toString()));
        item.put("eventTypes", Attr.strings(subscription.eventTypes()));
        item.put("secret", Attr.s(subscription.secret()));
        item.put("createdAt", Attr.s(subscription.createdAt().toString()));
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    /** Guards a creation on the merchant being one of the program's. */
    TransactWriteItem requireMerchant(String programId, String merchantId) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName)
                .key(Attr.key("PROGRAM#" + programId, "MERCHANT#" + merchantId))
                .conditionExpression("attribute_exists(PK)").build()).build();
    }

    /** Marks a live subscription deleted and forgets its secret; fails its condition when there is none. */
    TransactWriteItem markDeleted(String programId, String subscriptionId, Instant now) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName)
                .key(key(programId, subscriptionId))
                .updateExpression("SET deletedAt = :now REMOVE secret")
                .conditionExpression("attribute_exists(PK) AND attribute_not_exists(deletedAt)")
                .expressionAttributeValues(Map.of(":now", Attr.s(now.toString()))).build()).build();
    }

    /** The program's live subscriptions, oldest first: one Query of its partition (a program has few). */
    List<Subscription> live(String programId) {
        List<Subscription> found = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = dynamo.query(QueryRequest.builder().tableName(tableName).consistentRead(true)
                    .keyConditionExpression("PK = :pk AND begins_with(SK, :sub)")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(partition(programId)), ":sub", Attr.s("SUB#")))
                    .exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (!item.containsKey("deletedAt")) {
                    found.add(fromItem(item));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        found.sort(java.util.Comparator.comparing(Subscription::createdAt).thenComparing(Subscription::subscriptionId));
        return found;
    }

    static Subscription fromItem(Map<String, AttributeValue> item) {
        return new Subscription(Attr.string(item, "subscriptionId"), Attr.string(item, "programId"),
                Attr.string(item, "merchantId"), URI.create(Attr.string(item, "url")), item.get("eventTypes").l().stream().map(AttributeValue::s).sorted().toList(),
                Attr.string(item, "secret"), Instant.parse(Attr.string(item, "createdAt")));
    }

    static Map<String, AttributeValue> deliveredKey(String programId, String eventId, String subscriptionId) {
        return Attr.key(partition(programId), "DELIVERED#" + eventId + "#" + subscriptionId);
    }
}
