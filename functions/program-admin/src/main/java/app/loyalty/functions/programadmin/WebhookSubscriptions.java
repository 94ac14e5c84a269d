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

    /** How long a replaced secret still signs deliveries by default, and at most (docs/webhooks.md). */
    static final long DEFAULT_SECRET_GRACE_SECONDS = 24 * 3600;
    static final long MAX_SECRET_GRACE_SECONDS = 7 * 24 * 3600;
    /** Delivery log entries are kept 30 days (TTL). */
    static final long LOG_SECONDS = 30L * 24 * 3600;
    static final int DEFAULT_LOG_PAGE = 25;
    static final int MAX_LOG_PAGE = 100;
    private static final String LOG_PREFIX = "LOG#";

    /**
     * A subscription; {@code previousSecret} (with {@code previousSecretValidUntil}) is the secret a rotation replaced,
     * which still signs deliveries until then.
     */
    record Subscription(String subscriptionId, String programId, String merchantId, URI url, List<String> eventTypes,
                        String secret, Instant createdAt, String previousSecret, Instant previousSecretValidUntil) {
        Subscription(String subscriptionId, String programId, String merchantId, URI url, List<String> eventTypes,
                     String secret, Instant createdAt) {
            this(subscriptionId, programId, merchantId, url, eventTypes, secret, createdAt, null, null);
        }

        /** The secrets that sign a delivery at {@code now}: the current one, and the replaced one during its grace. */
        List<String> signingSecrets(Instant now) {
            return previousSecret != null && previousSecretValidUntil != null && now.isBefore(previousSecretValidUntil)
                    ? List.of(secret, previousSecret) : List.of(secret);
        }
    }

    /**
     * One delivery attempt as logged (never the body nor the secret): {@code outcome} delivered, failed (retried) or
     * refused (the host resolved to a non-public address: not retried); {@code statusCode} when the partner answered.
     */
    record DeliveryAttempt(String subscriptionId, String eventId, String eventType, int attempt, Instant attemptedAt,
                           String outcome, Integer statusCode, String reason) {
    }

    record LogPage(List<DeliveryAttempt> items, String next) {
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

    /** Marks a live subscription deleted and forgets its secrets; fails its condition when there is none. */
    TransactWriteItem markDeleted(String programId, String subscriptionId, Instant now) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName)
                .key(key(programId, subscriptionId))
                .updateExpression("SET deletedAt = :now REMOVE secret, previousSecret")
                .conditionExpression("attribute_exists(PK) AND attribute_not_exists(deletedAt)")
                .expressionAttributeValues(Map.of(":now", Attr.s(now.toString()))).build()).build();
    }

    /**
     * Replaces the secret of a live subscription with {@code secret}, keeping the current one as {@code previousSecret}
     * until {@code validUntil}: one update with no read (SET's operands see the item as it was before the update).
     */
    TransactWriteItem rotateSecret(String programId, String subscriptionId, String secret, Instant validUntil,
                                   Instant now) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName)
                .key(key(programId, subscriptionId))
                .updateExpression("SET previousSecret = secret, previousSecretValidUntil = :until, secret = :secret,"
                        + " secretRotatedAt = :now")
                .conditionExpression("attribute_exists(PK) AND attribute_not_exists(deletedAt)")
                .expressionAttributeValues(Map.of(":until", Attr.s(validUntil.toString()), ":secret", Attr.s(secret),
                        ":now", Attr.s(now.toString()))).build()).build();
    }

    /** A live subscription (consistent read). */
    java.util.Optional<Subscription> find(String programId, String subscriptionId) {
        return findAny(programId, subscriptionId).filter(item -> !item.containsKey("deletedAt"))
                .map(WebhookSubscriptions::fromItem);
    }

    /** The subscription's item, live or deleted (deleted ones keep their delivery log readable). */
    java.util.Optional<Map<String, AttributeValue>> findAny(String programId, String subscriptionId) {
        Map<String, AttributeValue> item = dynamo.getItem(software.amazon.awssdk.services.dynamodb.model.GetItemRequest
                .builder().tableName(tableName).consistentRead(true).key(key(programId, subscriptionId)).build()).item();
        return item == null || item.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(item);
    }

    /** The attempt number of this delivery of an event to a subscription: 1, then 2 on Lambda's first retry, ... */
    int nextAttempt(String programId, String eventId, String subscriptionId, Instant now) {
        var answer = dynamo.updateItem(software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest.builder()
                .tableName(tableName).key(Attr.key(partition(programId), "ATTEMPTS#" + eventId + "#" + subscriptionId))
                .updateExpression("ADD attempts :one SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#ttl", "ttl"))
                .expressionAttributeValues(Map.of(":one", Attr.n(1), ":ttl", Attr.n(now.getEpochSecond() + LOG_SECONDS)))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.UPDATED_NEW).build());
        return Integer.parseInt(answer.attributes().get("attempts").n());
    }

    /** Logs one attempt under the subscription, newest first by key ({@code LOG#<subscriptionId>#<time>#...}), 30 days. */
    void log(String programId, DeliveryAttempt attempt) {
        Map<String, AttributeValue> item = new HashMap<>(Attr.key(partition(programId), LOG_PREFIX
                + attempt.subscriptionId() + "#" + attempt.attemptedAt() + "#" + attempt.eventId() + "#" + attempt.attempt()));
        item.put("subscriptionId", Attr.s(attempt.subscriptionId()));
        item.put("eventId", Attr.s(attempt.eventId()));
        item.put("eventType", Attr.s(attempt.eventType()));
        item.put("attempt", Attr.n(attempt.attempt()));
        item.put("attemptedAt", Attr.s(attempt.attemptedAt().toString()));
        item.put("outcome", Attr.s(attempt.outcome()));
        if (attempt.statusCode() != null) {
            item.put("statusCode", Attr.n(attempt.statusCode()));
        }
        if (attempt.reason() != null) {
            item.put("reason", Attr.s(attempt.reason()));
        }
        item.put("ttl", Attr.n(attempt.attemptedAt().getEpochSecond() + LOG_SECONDS));
        dynamo.putItem(software.amazon.awssdk.services.dynamodb.model.PutItemRequest.builder().tableName(tableName)
                .item(item).build());
    }

    /** A page of the subscription's log, newest first; {@code cursor} is an opaque continuation from a previous page. */
    LogPage deliveries(String programId, String subscriptionId, int limit, String cursor) {
        String prefix = LOG_PREFIX + subscriptionId + "#";
        QueryRequest.Builder query = QueryRequest.builder().tableName(tableName).scanIndexForward(false).limit(limit)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :log)")
                .expressionAttributeValues(Map.of(":pk", Attr.s(partition(programId)), ":log", Attr.s(prefix)));
        if (cursor != null) {
            String after;
            try {
                after = new String(java.util.Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw app.loyalty.shared.http.ApiException.validation("cursor is not one this API gave");
            }
            if (!after.startsWith(prefix)) {
                throw app.loyalty.shared.http.ApiException.validation("cursor is not one this API gave");
            }
            query.exclusiveStartKey(Attr.key(partition(programId), after));
        }
        var page = dynamo.query(query.build());
        List<DeliveryAttempt> items = page.items().stream().map(item -> new DeliveryAttempt(
                Attr.string(item, "subscriptionId"), Attr.string(item, "eventId"), Attr.string(item, "eventType"),
                (int) Attr.number(item, "attempt"), Instant.parse(Attr.string(item, "attemptedAt")),
                Attr.string(item, "outcome"), Attr.optionalNumber(item, "statusCode").map(Long::intValue).orElse(null),
                Attr.optionalString(item, "reason").orElse(null))).toList();
        String next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                        page.lastEvaluatedKey().get("SK").s().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                : null;
        return new LogPage(items, next);
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
                Attr.string(item, "secret"), Instant.parse(Attr.string(item, "createdAt")),
                Attr.optionalString(item, "previousSecret").orElse(null),
                Attr.optionalString(item, "previousSecretValidUntil").map(Instant::parse).orElse(null));
    }

    static Map<String, AttributeValue> deliveredKey(String programId, String eventId, String subscriptionId) {
        return Attr.key(partition(programId), "DELIVERED#" + eventId + "#" + subscriptionId);
    }
}
