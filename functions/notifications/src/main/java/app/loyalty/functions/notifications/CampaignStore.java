package app.loyalty.functions.notifications;

import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
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
 * Campaign items: PK {@code PROGRAM#<programId>}, SK {@code CAMPAIGN#<campaignId>}, the definition as JSON, the
 * status ({@code scheduled}, {@code sending}, {@code sent}, {@code cancelled}), the results so far and, while a send
 * runs, its lease ({@code runId}, {@code leaseUntil}) and checkpoint ({@code progressShard}, {@code progressKey}: the
 * member index shard and page the run has reached). While scheduled or sending, the campaign is in the open-campaign
 * index GSI1 {@code CAMPAIGNS#OPEN} / {@code <sendAt>#<programId>#<campaignId>}, which the 15-minute sweep reads to
 * start or resume a send whose schedule did not run it (docs/notifications.md, Campaigns).
 */
final class CampaignStore {
    static final String PREFIX = "CAMPAIGN#";
    static final String OPEN_INDEX = "CAMPAIGNS#OPEN";
    /** A run's lease: longer than the function's timeout, so a live run never loses it to a second one. */
    static final Duration LEASE = Duration.ofMinutes(16);
    static final int MAX_PAGE = 100;
    static final int DEFAULT_PAGE = 25;

    enum Status {
        SCHEDULED, SENDING, SENT, CANCELLED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The results: members in the segment, messages sent, members with no consenting channel, messages failed. */
    record Results(long targeted, long sent, long skippedNoConsent, long failed) {
        static final Results NONE = new Results(0, 0, 0, 0);

        Results plus(Results other) {
            return new Results(targeted + other.targeted, sent + other.sent, skippedNoConsent + other.skippedNoConsent,
                    failed + other.failed);
        }

        static Results of(Map<String, AttributeValue> item) {
            return new Results(Attr.optionalNumber(item, "targeted").orElse(0L), Attr.optionalNumber(item, "sent").orElse(0L),
                    Attr.optionalNumber(item, "skippedNoConsent").orElse(0L), Attr.optionalNumber(item, "failed").orElse(0L));
        }
    }

    private final DynamoDbClient dynamo;
    private final String tableName;

    CampaignStore(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    static Map<String, AttributeValue> key(String programId, String campaignId) {
        return Attr.key("PROGRAM#" + programId, PREFIX + campaignId);
    }

    TransactWriteItem create(String programId, String campaignId, String definitionJson, Instant sendAt, String scheduleName,
                             Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(programId, campaignId));
        item.put("campaignId", Attr.s(campaignId));
        item.put("programId", Attr.s(programId));
        item.put("definition", Attr.s(definitionJson));
        item.put("status", Attr.s(Status.SCHEDULED.wire()));
        item.put("sendAt", Attr.s(sendAt.toString()));
        item.put("scheduleName", Attr.s(scheduleName));
        item.put("createdAt", Attr.s(now.toString()));
        item.put("targeted", Attr.n(0));
        item.put("sent", Attr.n(0));
        item.put("skippedNoConsent", Attr.n(0));
        item.put("failed", Attr.n(0));
        item.put(TableSchema.GSI1_PK, Attr.s(OPEN_INDEX));
        item.put(TableSchema.GSI1_SK, Attr.s(sendAt + "#" + programId + "#" + campaignId));
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    Optional<Map<String, AttributeValue>> read(String programId, String campaignId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(tableName)
                .key(key(programId, campaignId)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** Cancels a campaign still scheduled (the condition: a send that started is never cut short by a cancel). */
    TransactWriteItem cancel(String programId, String campaignId, Instant now) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key(programId, campaignId))
                .updateExpression("SET #status = :cancelled, cancelledAt = :now REMOVE GSI1PK, GSI1SK")
                .conditionExpression("#status = :scheduled")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":cancelled", Attr.s(Status.CANCELLED.wire()),
                        ":scheduled", Attr.s(Status.SCHEDULED.wire()), ":now", Attr.s(now.toString())))
                .build()).build();
    }

    /**
     * Takes the send: a scheduled campaign whose time has come, or a sending one whose run's lease ran out (that run
     * crashed). Answers the item as it is now ours, or empty when another run holds it, or it is done or cancelled.
     */
    Optional<Map<String, AttributeValue>> acquire(String programId, String campaignId, String runId, Instant now) {
        try {
            return Optional.of(dynamo.updateItem(UpdateItemRequest.builder().tableName(tableName).key(key(programId, campaignId))
                    .updateExpression("SET #status = :sending, runId = :run, leaseUntil = :lease, startedAt = if_not_exists(startedAt, :now)")
                    .conditionExpression("attribute_exists(PK) AND sendAt <= :now AND (#status = :scheduled OR (#status = :sending AND leaseUntil < :now))")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":sending", Attr.s(Status.SENDING.wire()), ":scheduled", Attr.s(Status.SCHEDULED.wire()),
                            ":run", Attr.s(runId), ":lease", Attr.s(now.plus(LEASE).toString()), ":now", Attr.s(now.toString())))
                    .returnValues(ReturnValue.ALL_NEW).build()).attributes());
        } catch (ConditionalCheckFailedException notOurs) {
            return Optional.empty();
        }
    }

    /**
     * Records how far the run got (the next shard and page, the results up to there) and extends its lease. False when
     * the lease was lost (the run took longer than its lease and another one took over): this run must stop.
     */
    boolean checkpoint(String programId, String campaignId, String runId, int shard, Map<String, AttributeValue> nextKey,
                       Results results, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>(resultValues(results));
        values.put(":run", Attr.s(runId));
        values.put(":shard", Attr.n(shard));
        values.put(":lease", Attr.s(now.plus(LEASE).toString()));
        String update = "SET progressShard = :shard, leaseUntil = :lease, " + RESULTS_SET;
        if (nextKey == null) {
            update += " REMOVE progressKey";
        } else {
            update = update.replace("SET ", "SET progressKey = :key, ");
            values.put(":key", AttributeValue.fromM(nextKey));
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(tableName).key(key(programId, campaignId))
                    .updateExpression(update).conditionExpression("runId = :run")
                    .expressionAttributeValues(values).build());
            return true;
        } catch (ConditionalCheckFailedException leaseLost) {
            return false;
        }
    }

    /**
     * Closes the send: status {@code sent}, the final results, out of the open index, and the CampaignSent event in the
     * item's outbox (the relay publishes it from the stream's MODIFY record).
     */
    boolean finish(String programId, String campaignId, String runId, Results results, DomainEvent sentEvent, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>(resultValues(results));
        values.put(":run", Attr.s(runId));
        values.put(":sent", Attr.s(Status.SENT.wire()));
        values.put(":now", Attr.s(now.toString()));
        values.put(":outbox", Attr.strings(Outbox.encode(List.of(sentEvent))));
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(tableName).key(key(programId, campaignId))
                    .updateExpression("SET #status = :sent, completedAt = :now, " + TableSchema.OUTBOX + " = :outbox, " + RESULTS_SET
                            + " REMOVE runId, leaseUntil, progressShard, progressKey, GSI1PK, GSI1SK")
                    .conditionExpression("runId = :run")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values).build());
            return true;
        } catch (ConditionalCheckFailedException leaseLost) {
            return false;
        }
    }

    private static final String RESULTS_SET = "targeted = :targeted, sent = :sentCount, skippedNoConsent = :skipped, failed = :failed";

    private static Map<String, AttributeValue> resultValues(Results results) {
        return Map.of(":targeted", Attr.n(results.targeted()), ":sentCount", Attr.n(results.sent()),
                ":skipped", Attr.n(results.skippedNoConsent()), ":failed", Attr.n(results.failed()));
    }

    /** Open campaigns whose send time has come (the sweep's safety net), oldest first, at most {@code limit}. */
    List<Map<String, AttributeValue>> due(Instant now, int limit) {
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(tableName).indexName(TableSchema.GSI1)
                .keyConditionExpression("GSI1PK = :open AND GSI1SK <= :now")
                .expressionAttributeValues(Map.of(":open", Attr.s(OPEN_INDEX), ":now", Attr.s(now + "~")))
                .limit(limit).build());
        return response.items();
    }

    record Page(List<Map<String, AttributeValue>> items, String nextCursor) {
    }

    /** A program's campaigns, by id, a page at a time. */
    Page list(String programId, String cursor, int limit) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :prefix)")
                .expressionAttributeValues(Map.of(":pk", Attr.s("PROGRAM#" + programId), ":prefix", Attr.s(PREFIX)))
                .limit(limit);
        if (cursor != null) {
            query.exclusiveStartKey(key(programId, decodeCursor(cursor)));
        }
        QueryResponse response = dynamo.query(query.build());
        String next = null;
        if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
            next = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    Attr.string(response.lastEvaluatedKey(), TableSchema.SK).substring(PREFIX.length()).getBytes(StandardCharsets.UTF_8));
        }
        return new Page(response.items(), next);
    }

    private static String decodeCursor(String cursor) {
        try {
            String campaignId = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (campaignId.matches("cmp_[0-9a-z]{20}")) {
                return campaignId;
            }
        } catch (IllegalArgumentException notBase64) {
            // falls through to the refusal below: not a cursor this class handed out
        }
        throw new IllegalArgumentException("cursor is not one a previous page returned");
    }
}
