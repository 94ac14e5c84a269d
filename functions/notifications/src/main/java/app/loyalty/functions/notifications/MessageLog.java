package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.notify.Channel;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The message log: one item per (event, channel), PK {@code MESSAGES#<memberId>}, SK
 * {@code MSG#<occurredAt>#<eventId>#<channel>} (a partition of its own, so member reads never meet it). The key
 * comes from the event alone, so the conditional put that claims a message is the de-duplication: a redelivered
 * or replayed event finds its item and sends nothing. Items hold ids, the template, the outcome and times, never
 * the text or the phone or address it went to (docs/notifications.md).
 * <p>
 * A message deferred by quiet hours carries the event detail (ids and amounts only) and sits in the due index
 * GSI1 {@code NOTIFY#DUE#<shard>} / {@code <sendAfter>#<eventId>#<channel>} until the sweep sends it; sending
 * removes it from the index, so the sweep's cost follows the messages due, not the log's size.
 */
final class MessageLog {
    static final String PREFIX = "MSG#";
    static final int DUE_SHARDS = 4;
    /** The log keeps a message this long (TTL), long enough for any support question about it. */
    static final Duration RETENTION = Duration.ofDays(400);
    static final int MAX_PAGE = 100;
    static final int DEFAULT_PAGE = 25;

    enum Outcome {
        /** Claimed; the publish is under way (or a crash cut it short: see docs/notifications.md). */
        SENDING,
        SENT,
        /** In quiet hours: waits in the due index until {@code sendAfter}. */
        DEFERRED,
        /** The publish failed; a retry of the event or the sweep takes it over. */
        FAILED,
        /** Not sent: the event was overtaken (an expiry warning after the expiry, an older tier change). */
        SKIPPED_STALE,
        /** Not sent: consent was withdrawn, or the contact removed, while it waited out quiet hours. */
        SKIPPED_NO_CONSENT;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        static Outcome fromWire(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /** What a claim found: the message is ours to send, or was already claimed (with its current item). */
    record Claim(boolean claimed, Map<String, AttributeValue> existing) {
    }

    private final DynamoDbClient dynamo;
    private final String tableName;

    MessageLog(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    static String partition(String memberId) {
        return "MESSAGES#" + memberId;
    }

    static String sortKey(String occurredAt, String eventId, Channel channel) {
        return PREFIX + occurredAt + "#" + eventId + "#" + channel.wireName();
    }

    static Map<String, AttributeValue> key(String memberId, String sortKey) {
        return Attr.key(partition(memberId), sortKey);
    }

    /** A new message record, before {@link #claim}: outcome, times and (deferred only) the detail are added by the caller. */
    static Map<String, AttributeValue> newRecord(NotificationEvent event, Channel channel, String language,
                                                 String templateSource, Outcome outcome, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(event.memberId(), sortKey(event.occurredAt(), event.eventId(), channel)));
        item.put("memberId", Attr.s(event.memberId()));
        item.put("programId", Attr.s(event.programId()));
        item.put("eventId", Attr.s(event.eventId()));
        item.put("eventType", Attr.s(event.type()));
        item.put("occurredAt", Attr.s(event.occurredAt()));
        item.put("channel", Attr.s(channel.wireName()));
        item.put("language", Attr.s(language));
        item.put("templateSource", Attr.s(templateSource));
        item.put("outcome", Attr.s(outcome.wire()));
        item.put("createdAt", Attr.s(now.toString()));
        item.put("attempts", Attr.n(outcome == Outcome.SENDING ? 1 : 0));
        item.put(TableSchema.TTL, Attr.n(now.plus(RETENTION).getEpochSecond()));
        return item;
    }

    /** Puts the record in the due index until {@code sendAfter}, keeping the detail it will be rendered from. */
    static void deferUntil(Map<String, AttributeValue> item, Instant sendAfter, String detailJson) {
        String eventId = Attr.string(item, "eventId");
        item.put("sendAfter", Attr.s(sendAfter.toString()));
        item.put("detail", Attr.s(detailJson));
        item.put(TableSchema.GSI1_PK, Attr.s(dueShard(eventId)));
        item.put(TableSchema.GSI1_SK, Attr.s(sendAfter + "#" + eventId + "#" + Attr.string(item, "channel")));
    }

    static String dueShard(String eventId) {
        return "NOTIFY#DUE#" + Math.floorMod(eventId.hashCode(), DUE_SHARDS);
    }

    /**
     * Claims the message with a put conditioned on its key being new. On a duplicate, answers the item that is there
     * (DynamoDB returns it with the refusal; an emulator that does not is asked with one read).
     */
    Claim claim(Map<String, AttributeValue> item) {
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(tableName).item(item)
                    .conditionExpression("attribute_not_exists(PK)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build());
            return new Claim(true, item);
        } catch (ConditionalCheckFailedException duplicate) {
            Map<String, AttributeValue> existing = duplicate.hasItem() && !duplicate.item().isEmpty() ? duplicate.item()
                    : dynamo.getItem(GetItemRequest.builder().tableName(tableName)
                    .key(Map.of(TableSchema.PK, item.get(TableSchema.PK), TableSchema.SK, item.get(TableSchema.SK)))
                    .consistentRead(true).build()).item();
            return new Claim(false, existing);
        }
    }

    /**
     * Takes over a message in {@code from} (a failed send, or a deferred one now due): sets it SENDING, counts the
     * attempt and leaves the due index. False when another invocation got there first.
     */
    boolean takeOver(String memberId, String sortKey, Outcome from) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(tableName).key(key(memberId, sortKey))
                    .updateExpression("SET outcome = :sending, attempts = attempts + :one REMOVE GSI1PK, GSI1SK")
                    .conditionExpression("outcome = :from")
                    .expressionAttributeValues(Map.of(":sending", Attr.s(Outcome.SENDING.wire()), ":one", Attr.n(1),
                            ":from", Attr.s(from.wire())))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    void sent(String memberId, String sortKey, String snsMessageId, Instant now) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(tableName).key(key(memberId, sortKey))
                .updateExpression("SET outcome = :sent, sentAt = :now, snsMessageId = :id REMOVE #detail, #error")
                .expressionAttributeNames(Map.of("#detail", "detail", "#error", "error"))
                .expressionAttributeValues(Map.of(":sent", Attr.s(Outcome.SENT.wire()), ":now", Attr.s(now.toString()),
                        ":id", Attr.s(snsMessageId)))
                .build());
    }

    /** Records a failed publish with SNS's error code (never its message, which may quote the number). */
    void failed(String memberId, String sortKey, String errorCode) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(tableName).key(key(memberId, sortKey))
                .updateExpression("SET outcome = :failed, #error = :code")
                .expressionAttributeNames(Map.of("#error", "error"))
                .expressionAttributeValues(Map.of(":failed", Attr.s(Outcome.FAILED.wire()), ":code", Attr.s(errorCode)))
                .build());
    }

    /** A deferred message that failed goes back into the due index for the sweep to try again later. */
    void redefer(String memberId, String sortKey, String eventId, String channel, Instant sendAfter, String errorCode) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(tableName).key(key(memberId, sortKey))
                .updateExpression("SET outcome = :deferred, sendAfter = :after, #error = :code, GSI1PK = :shard, GSI1SK = :due")
                .expressionAttributeNames(Map.of("#error", "error"))
                .expressionAttributeValues(Map.of(":deferred", Attr.s(Outcome.DEFERRED.wire()),
                        ":after", Attr.s(sendAfter.toString()), ":code", Attr.s(errorCode),
                        ":shard", Attr.s(dueShard(eventId)), ":due", Attr.s(sendAfter + "#" + eventId + "#" + channel)))
                .build());
    }

    void skipped(String memberId, String sortKey, Outcome outcome) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(tableName).key(key(memberId, sortKey))
                .updateExpression("SET outcome = :outcome REMOVE #detail")
                .expressionAttributeNames(Map.of("#detail", "detail"))
                .expressionAttributeValues(Map.of(":outcome", Attr.s(outcome.wire())))
                .build());
    }

    /** Deferred messages of one shard whose time has come, oldest first, at most {@code limit}. */
    List<Map<String, AttributeValue>> due(int shard, Instant now, int limit) {
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(tableName).indexName(TableSchema.GSI1)
                .keyConditionExpression("GSI1PK = :shard AND GSI1SK <= :now")
                // '~' sorts after the '#' that follows the instant, so a message due exactly now is included.
                .expressionAttributeValues(Map.of(":shard", Attr.s("NOTIFY#DUE#" + shard), ":now", Attr.s(now + "~")))
                .limit(limit).build());
        return response.items();
    }

    /** A page of a member's messages, newest first. */
    record Page(List<Map<String, AttributeValue>> items, String nextCursor) {
    }

    Page page(String memberId, String cursor, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE);
        }
        QueryRequest.Builder query = QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :prefix)")
                .expressionAttributeValues(Map.of(":pk", Attr.s(partition(memberId)), ":prefix", Attr.s(PREFIX)))
                .scanIndexForward(false).limit(limit);
        if (cursor != null) {
            query.exclusiveStartKey(key(memberId, decodeCursor(cursor)));
        }
        QueryResponse response = dynamo.query(query.build());
        String next = null;
        if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
            next = encodeCursor(Attr.string(response.lastEvaluatedKey(), TableSchema.SK));
        }
        return new Page(response.items(), next);
    }

    static String encodeCursor(String sortKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor) {
        try {
            String sortKey = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (sortKey.startsWith(PREFIX) && sortKey.length() < 400) {
                return sortKey;
            }
        } catch (IllegalArgumentException notBase64) {
            // falls through to the refusal below: not a cursor this class handed out
        }
        throw new IllegalArgumentException("cursor is not one a previous page returned");
    }

    static Optional<String> text(Map<String, AttributeValue> item, String name) {
        return Attr.optionalString(item, name);
    }
}
