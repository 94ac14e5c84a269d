package app.loyalty.shared.store;

import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.ProblemType;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Runs a state-changing request as exactly one TransactWriteItems that also writes the idempotency record,
 * which carries the stored response and the outbox events. The Idempotency-Key rules of DESIGN section 6:
 * <ul>
 *   <li>same key, same request within {@link #RETENTION}: the stored response, nothing written;</li>
 *   <li>same key, other request: 422;</li>
 *   <li>same key while the first is committing (a TransactionConflict on the record): 409.</li>
 * </ul>
 * A conflict on other items (another request touching the same member) re-reads and retries, so concurrent
 * requests never lose an update. A failed condition on a state item re-runs the preparation too (bounded by
 * {@value #MAX_ATTEMPTS} attempts): preparations guard on the values they read, and a re-run either writes
 * against the new state or refuses properly; only a condition that keeps failing is answered 409.
 */
public final class IdempotentWriter {
    public static final Duration RETENTION = Duration.ofHours(24);
    public static final String HEADER = "Idempotency-Key";
    private static final Pattern KEY_FORMAT = Pattern.compile("[A-Za-z0-9._:-]{8,128}");
    private static final int MAX_ATTEMPTS = 8;
    /** Canonical form for fingerprints: key order and whitespace do not make two requests different. */
    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Clock clock;

    public IdempotentWriter(DynamoDbClient dynamo, String tableName, Clock clock) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.clock = clock;
    }

    /**
     * What a request will write and answer, prepared from the state it read. {@code replayBody} is what a replay
     * answers: the same body, except where the first answer holds a secret that must not be stored (an API key).
     */
    public record Write(int status, Object body, Object replayBody, List<TransactWriteItem> items, List<DomainEvent> events) {
        public Write {
            items = List.copyOf(items);
            events = List.copyOf(events);
        }

        public Write(int status, Object body, List<TransactWriteItem> items, List<DomainEvent> events) {
            this(status, body, body, items, events);
        }
    }

    @FunctionalInterface
    public interface Preparation {
        /** Reads what it needs and says what to write; throws {@link ApiException} to refuse with nothing written. */
        Write prepare();
    }

    public ApiResponse execute(ApiRequest request, Preparation preparation) {
        String key = request.header(HEADER).orElseThrow(() -> new ApiException(ProblemType.IDEMPOTENCY_KEY_MISSING,
                "Send an Idempotency-Key header (8-128 characters: letters, digits, . _ : -) with every POST"));
        if (!KEY_FORMAT.matcher(key).matches()) {
            throw ApiException.validation("Idempotency-Key must be 8-128 characters of letters, digits, . _ : -");
        }
        Map<String, AttributeValue> recordKey = Attr.key(
                "IDEMPOTENCY#" + request.caller().idempotencyScope() + "#" + key, "IDEMPOTENCY");
        String fingerprint = fingerprint(request);

        for (int attempt = 1; ; attempt++) {
            Optional<ApiResponse> replay = storedResponse(recordKey, fingerprint);
            if (replay.isPresent()) {
                return replay.get();
            }
            Write write = preparation.prepare();
            ApiResponse response = ApiResponse.json(write.status(), write.body());
            ApiResponse stored = write.replayBody() == write.body() ? response : ApiResponse.json(write.status(), write.replayBody());
            List<TransactWriteItem> items = new ArrayList<>(write.items());
            items.add(recordPut(recordKey, fingerprint, stored, write.events()));
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
                return response;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                String recordReason = reasons.size() == items.size() ? reasons.get(items.size() - 1).code() : null;
                if ("ConditionalCheckFailed".equals(recordReason)) {
                    continue; // another request with this key committed first: the next pass replays or refuses it
                }
                if ("TransactionConflict".equals(recordReason)) {
                    throw new ApiException(ProblemType.REQUEST_IN_FLIGHT,
                            "A request with this Idempotency-Key is being processed; retry shortly");
                }
                if (reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code())) && attempt < MAX_ATTEMPTS) {
                    backOff(attempt);
                    continue;
                }
                if (reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code())) && attempt < MAX_ATTEMPTS) {
                    // An optimistic guard on a state item lost a race (a value read changed meanwhile): prepare
                    // again from the committed state, which either writes correctly or refuses with the right
                    // ApiException. Only a guard that keeps failing becomes a 409. The jittered pause spreads
                    // racers apart so the same ones do not collide again.
                    backOff(attempt);
                    continue;
                }
                throw refusalFor(reasons, e);
            }
        }
    }

    private Optional<ApiResponse> storedResponse(Map<String, AttributeValue> recordKey, String fingerprint) {
        Map<String, AttributeValue> record = dynamo.getItem(GetItemRequest.builder()
                .tableName(tableName).key(recordKey).consistentRead(true).build()).item();
        if (record == null || record.isEmpty() || Attr.number(record, TableSchema.TTL) <= clock.instant().getEpochSecond()) {
            return Optional.empty();
        }
        if (!Attr.string(record, "fingerprint").equals(fingerprint)) {
            throw new ApiException(ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was already used with a different request; use a new key for a new request");
        }
        int status = (int) Attr.number(record, "responseStatus");
        return Optional.of(new ApiResponse(status, Attr.string(record, "responseBody"),
                Map.of("Content-Type", "application/json", "Idempotent-Replayed", "true")));
    }

    private TransactWriteItem recordPut(Map<String, AttributeValue> recordKey, String fingerprint, ApiResponse response,
                                        List<DomainEvent> events) {
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>(recordKey);
        item.put("fingerprint", Attr.s(fingerprint));
        item.put("responseStatus", Attr.n(response.status()));
        item.put("responseBody", Attr.s(response.body()));
        item.put("createdAt", Attr.s(now.toString()));
        item.put(TableSchema.TTL, Attr.n(now.plus(RETENTION).getEpochSecond()));
        if (!events.isEmpty()) {
            item.put(TableSchema.OUTBOX, Attr.strings(Outbox.encode(events)));
        }
        return TransactWriteItem.builder().put(Put.builder()
                .tableName(tableName)
                .item(item)
                // An expired record (TTL deletion lags) may be replaced by a new request with the same key.
                .conditionExpression("attribute_not_exists(PK) OR #ttl <= :now")
                .expressionAttributeNames(Map.of("#ttl", TableSchema.TTL))
                .expressionAttributeValues(Map.of(":now", Attr.n(now.getEpochSecond())))
                .build()).build();
    }

    /**
     * A condition on a state item kept failing over every attempt: the preparation keeps asking for something the
     * state forbids without noticing it (an id taken that it does not read first), so the answer is a conflict.
     */
    private static ApiException refusalFor(List<CancellationReason> reasons, TransactionCanceledException cause) {
        boolean conditionFailed = reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
        if (conditionFailed) {
            return new ApiException(ProblemType.CONFLICT, "The state changed while the request ran; retry it");
        }
        // Contention that outlasted every backed-off attempt: nothing was written, so the client may simply retry.
        boolean contended = reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()));
        if (contended) {
            return new ApiException(ProblemType.CONFLICT,
                    "Too many concurrent changes to the same member; nothing was written, retry shortly");
        }
        throw cause;
    }

    private static void backOff(int attempt) {
        long ceilingMs = Math.min(200, 10L << attempt);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, ceilingMs));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying a conflicting write", interrupted);
        }
    }

    static String fingerprint(ApiRequest request) {
        try {
            String canonical = request.routeKey() + "\n" + request.pathParameters() + "\n" + CANONICAL.writeValueAsString(
                    CANONICAL.treeToValue(request.bodyTree(), Object.class));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
