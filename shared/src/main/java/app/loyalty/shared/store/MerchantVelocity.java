package app.loyalty.shared.store;

import app.loyalty.shared.http.ApiException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-merchant velocity limits (ProgramRules.Velocity, docs/security.md): purchases per merchant and minute, points
 * redeemed at a merchant per day. Every purchase of a busy merchant would update one counter item, and DynamoDB
 * cancels transactions that touch the same item at the same time (TransactionConflict), so the count is split over
 * {@value #SHARDS} sharded counter items, {@code PK=VELOCITY#<programId>#<merchantId>#<shard>,
 * SK=<MEASURE>#<window>} with {@code count} and a TTL a day after the window. Shard {@code i} may hold its part of the
 * limit ({@link #capacity}); the parts add up to exactly the limit, so with every shard guarded by a condition
 * concurrent requests can never pass it together.
 *
 * <p>Write first, read only on conflict (DESIGN section 4): a request's first attempt adds to its own shard (chosen by
 * a hash of the request, so merchants' traffic spreads) without reading it, under the condition that the shard
 * keeps within its part; when the transaction fails, the re-prepared attempt reads the window's shards (one
 * BatchGetItem) and spreads the amount over those with room, or refuses with 429 and Retry-After (the end of the window)
 * when the shards together have no room left. So a request costs no extra call until the window is nearly full, and
 * the limit is exact: a request is refused only when the shards' free room together is smaller than it.
 *
 * <p>A {@link Counter} belongs to one request (it remembers whether its previous attempt failed); create it outside the
 * {@code IdempotentWriter} preparation and call {@link Counter#add} inside it.
 */
public final class MerchantVelocity {
    public static final int SHARDS = 8;
    public static final String PREFIX = "VELOCITY#";
    static final String COUNT = "count";

    /** What is counted, its window and the name the 429 gives it. */
    public enum Measure {
        PURCHASES_PER_MINUTE("PURCHASES", ChronoUnit.MINUTES, "purchasesPerMerchantPerMinute", "purchases per minute"),
        POINTS_REDEEMED_PER_DAY("POINTS_REDEEMED", ChronoUnit.DAYS, "pointsRedeemedPerMerchantPerDay",
                "points redeemed per day");

        private final String sortKeyPrefix;
        private final ChronoUnit window;
        private final String limitName;
        private final String described;

        Measure(String sortKeyPrefix, ChronoUnit window, String limitName, String described) {
            this.sortKeyPrefix = sortKeyPrefix;
            this.window = window;
            this.limitName = limitName;
            this.described = described;
        }

        Instant windowStart(Instant now) {
            return now.truncatedTo(window);
        }

        Instant windowEnd(Instant now) {
            return windowStart(now).plus(Duration.of(1, window));
        }

        String sortKey(Instant now) {
            return sortKeyPrefix + "#" + windowStart(now);
        }
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public MerchantVelocity(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public static Map<String, AttributeValue> key(String programId, String merchantId, int shard, Measure measure,
                                                  Instant now) {
        return Attr.key(PREFIX + programId + "#" + merchantId + "#" + shard, measure.sortKey(now));
    }

    /** Shards in use for a limit: never more than the limit, so each holds at least one. */
    static int shardsFor(long limit) {
        return (int) Math.min(SHARDS, limit);
    }

    /** Shard {@code shard}'s part of {@code limit}: an even split whose parts add up to the limit. */
    static long capacity(long limit, int shard) {
        int shards = shardsFor(limit);
        return limit / shards + (shard < limit % shards ? 1 : 0);
    }

    /** One request's counter; {@code spreadKey} (e.g. the order id) picks the shard its first attempt adds to. */
    public Counter counter(Measure measure, String programId, String merchantId, String spreadKey) {
        return new Counter(measure, programId, merchantId, spreadKey);
    }

    public final class Counter {
        private final Measure measure;
        private final String programId;
        private final String merchantId;
        private final String spreadKey;
        private boolean attempted;

        private Counter(Measure measure, String programId, String merchantId, String spreadKey) {
            this.measure = measure;
            this.programId = programId;
            this.merchantId = merchantId;
            this.spreadKey = spreadKey;
        }

        /**
         * The updates that count {@code amount} in this window: none without a limit (null: the program sets none)
         * or amount; on the first attempt
         * the request's own shard(s) as if they had room; on a later attempt (the previous transaction failed) the
         * shards with room as read.
         *
         * @throws ApiException too-many-requests (429) when the window has no room left for {@code amount}
         */
        public List<TransactWriteItem> add(Long limit, long amount, Instant now) {
            if (limit == null || amount <= 0) {
                return List.of();
            }
            boolean retry = attempted;
            attempted = true;
            int shards = shardsFor(limit);
            long[] room = new long[shards];
            for (int shard = 0; shard < shards; shard++) {
                room[shard] = capacity(limit, shard);
            }
            if (retry) {
                Map<Integer, Long> counts = read(shards, now);
                counts.forEach((shard, count) -> room[shard] = Math.max(0, room[shard] - count));
            }
            long free = 0;
            for (long r : room) {
                free += r;
            }
            if (amount > free) {
                throw RedemptionVelocity.tooMany("Merchant " + merchantId + " has reached the program's limit of "
                        + limit + " " + measure.described + " (" + (limit - free) + " so far in this window"
                        + (amount > 1 ? ", this request needs " + amount : "") + ")", measure.limitName, limit, now,
                        measure.windowEnd(now));
            }
            // Own shard first (spreads merchants' requests), then those with most room: fewest items per transaction.
            int own = Math.floorMod(spreadKey.hashCode(), shards);
            List<Integer> order = new ArrayList<>();
            order.add(own);
            for (int shard = 0; shard < shards; shard++) {
                if (shard != own) {
                    order.add(shard);
                }
            }
            order.subList(1, order.size()).sort(Comparator.comparingLong((Integer s) -> room[s]).reversed());
            List<TransactWriteItem> items = new ArrayList<>();
            long left = amount;
            for (int shard : order) {
                if (left == 0) {
                    break;
                }
                long part = Math.min(left, room[shard]);
                if (part > 0) {
                    items.add(update(shard, part, capacity(limit, shard), now));
                    left -= part;
                }
            }
            return items;
        }

        private TransactWriteItem update(int shard, long part, long shardCapacity, Instant now) {
            long expiresAt = measure.windowEnd(now).plus(Duration.ofDays(1)).getEpochSecond();
            return TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(key(programId, merchantId, shard, measure, now))
                    .updateExpression("ADD #count :part SET #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#count) OR #count <= :most")
                    .expressionAttributeNames(Map.of("#count", COUNT, "#ttl", TableSchema.TTL))
                    .expressionAttributeValues(Map.of(":part", Attr.n(part), ":ttl", Attr.n(expiresAt),
                            ":most", Attr.n(shardCapacity - part)))
                    .build()).build();
        }

        /** The window's counts per shard (consistent: the previous attempt just lost a condition on them). */
        private Map<Integer, Long> read(int shards, Instant now) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (int shard = 0; shard < shards; shard++) {
                keys.add(key(programId, merchantId, shard, measure, now));
            }
            Map<Integer, Long> counts = new HashMap<>();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys)
                    .consistentRead(true).build());
            while (!request.isEmpty()) {
                var answer = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
                for (Map<String, AttributeValue> item : answer.responses().getOrDefault(table, List.of())) {
                    String pk = Attr.string(item, TableSchema.PK);
                    int shard = Integer.parseInt(pk.substring(pk.lastIndexOf('#') + 1));
                    counts.put(shard, Attr.optionalNumber(item, COUNT).orElse(0L));
                }
                request = answer.hasUnprocessedKeys() ? answer.unprocessedKeys() : Map.of();
            }
            return counts;
        }
    }
}
