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
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
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
import java.util.function.Function;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Runs a state-changing request as exactly one TransactWriteItems that also writes the idempotency record, which
 * carries the outbox events and either the stored response or, where another item of the transaction already keeps
 * the answer (an order or return marker), a reference to it: each answer is stored once. Write first, read only on
 * conflict: the record is a conditional put inside the transaction, and it is read only when that condition fails
 * (or when the preparation refuses, in case the refusal is only the first request's own effect). The Idempotency-Key
 * rules of DESIGN section 6:
 * <ul>
 *   <li>same key, same request within {@link #RETENTION}: the stored response (Idempotent-Replayed), nothing written;</li>
 *   <li>same key, other request: 422;</li>
 *   <li>same key while the first is committing (a TransactionConflict on the record): 409.</li>
 * </ul>
 * A request may also name a {@link Marker}: an item whose own uniqueness condition (an order id per merchant, a
 * return id per order) says the request was already done under another key; when that condition fails, the marker
 * decides the answer (the original one, or a conflict). A conflict on other items (another request touching the
 * same member) re-runs the preparation (bounded by {@value #MAX_ATTEMPTS} attempts): preparations guard on the values
 * they read, and a re-run either writes against the new state or refuses properly; only a condition that keeps
 * failing is answered 409.
 */
public final class IdempotentWriter {
    public static final Duration RETENTION = Duration.ofHours(24);
    public static final String HEADER = "Idempotency-Key";
    private static final Pattern KEY_FORMAT = Pattern.compile("[A-Za-z0-9._:-]{8,128}");
    /**
     * Enough for a burst of a few dozen writes on one member (a checkout's hold, capture and purchase racing a
     * return) to drain on a loaded host: the backed-off sleeps add up to about two seconds, well inside the
     * functions' timeout; past that the answer is a 409 the client retries.
     */
    static final int MAX_ATTEMPTS = 12;
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    private static final String CONFLICT = "TransactionConflict";
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
     * {@code responseHolder}, when set, is the key of one of {@code items} whose {@code response} attribute holds
     * the serialized answer: the record then refers to it instead of holding a second copy.
     */
    public record Write(int status, Object body, Object replayBody, List<TransactWriteItem> items, List<DomainEvent> events,
                        Map<String, AttributeValue> responseHolder) {
        public Write {
            items = List.copyOf(items);
            events = List.copyOf(events);
            responseHolder = responseHolder == null ? null : Map.copyOf(responseHolder);
        }

        public Write(int status, Object body, Object replayBody, List<TransactWriteItem> items, List<DomainEvent> events) {
            this(status, body, replayBody, items, events, null);
        }

        public Write(int status, Object body, List<TransactWriteItem> items, List<DomainEvent> events) {
            this(status, body, body, items, events, null);
        }
    }

    /**
     * An item whose uniqueness means "this was done already" (e.g. an order marker): when its put's condition fails,
     * or the preparation refuses while it exists, {@code answer} turns the stored item into the response (the
     * original answer) or throws the conflict.
     */
    public record Marker(Map<String, AttributeValue> key, Function<Map<String, AttributeValue>, ApiResponse> answer) {
        public Marker {
            key = Map.copyOf(key);
        }
    }

    @FunctionalInterface
    public interface Preparation {
        /** Reads what it needs and says what to write; throws {@link ApiException} to refuse with nothing written. */
        Write prepare();
    }

    public ApiResponse execute(ApiRequest request, Preparation preparation) {
        return execute(request, null, preparation);
    }

    public ApiResponse execute(ApiRequest request, Marker marker, Preparation preparation) {
        String key = request.header(HEADER).orElseThrow(() -> new ApiException(ProblemType.IDEMPOTENCY_KEY_MISSING,
                "Send an Idempotency-Key header (8-128 characters: letters, digits, . _ : -) with every POST"));
        if (!KEY_FORMAT.matcher(key).matches()) {
            throw ApiException.validation("Idempotency-Key must be 8-128 characters of letters, digits, . _ : -");
        }
        Map<String, AttributeValue> recordKey = Attr.key(
                "IDEMPOTENCY#" + request.caller().idempotencyScope() + "#" + key, "IDEMPOTENCY");
        String fingerprint = fingerprint(request);

        for (int attempt = 1; ; attempt++) {
            Write write;
            try {
                write = preparation.prepare();
            } catch (ApiException refusal) {
                // The refusal may only be the first request's own effect (the order now fully returned, the points
                // used): a request done already answers as it did. A read, but only on the refusal path.
                Optional<ApiResponse> done = replay(read(recordKey), fingerprint);
                if (done.isPresent()) {
                    return done.get();
                }
                if (marker != null) {
                    Map<String, AttributeValue> item = read(marker.key());
                    if (item != null) {
                        return marker.answer().apply(item);
                    }
                }
                throw refusal;
            }
            ApiResponse response = ApiResponse.json(write.status(), write.body());
            ApiResponse stored = write.replayBody() == write.body() ? response : ApiResponse.json(write.status(), write.replayBody());
            List<TransactWriteItem> items = new ArrayList<>(write.items());
            items.add(recordPut(recordKey, fingerprint, stored, write.events(), write.responseHolder()));
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
                return response;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                CancellationReason recordReason = reasons.size() == items.size() ? reasons.get(items.size() - 1) : null;
                if (recordReason != null && CONDITION_FAILED.equals(recordReason.code())) {
                    Optional<ApiResponse> done = replay(itemOf(recordReason, recordKey), fingerprint);
                    if (done.isPresent()) {
                        return done.get();
                    }
                    continue; // the record expired or vanished since: this request may now take the key
                }
                if (recordReason != null && CONFLICT.equals(recordReason.code())) {
                    throw new ApiException(ProblemType.REQUEST_IN_FLIGHT,
                            "A request with this Idempotency-Key is being processed; retry shortly");
                }
                int markerIndex = marker == null ? -1 : indexOfPut(write.items(), marker.key());
                if (markerIndex >= 0 && markerIndex < reasons.size()
                        && CONDITION_FAILED.equals(reasons.get(markerIndex).code())) {
                    Map<String, AttributeValue> item = itemOf(reasons.get(markerIndex), marker.key());
                    if (item != null) {
                        return marker.answer().apply(item);
                    }
                }
                boolean contended = reasons.stream().anyMatch(r -> CONFLICT.equals(r.code()));
                boolean guardFailed = reasons.stream().anyMatch(r -> CONDITION_FAILED.equals(r.code()));
                if ((contended || guardFailed) && attempt < MAX_ATTEMPTS) {
                    // Contention, or an optimistic guard on a state item that lost a race (a value read changed
                    // meanwhile): prepare again from the committed state, which either writes correctly or refuses
                    // with the right ApiException. The jittered pause spreads racers apart so the same ones do not
                    // collide again.
                    backOff(attempt);
                    continue;
                }
                throw refusalFor(reasons, e);
            }
        }
    }

    /** The item a failed condition saw: returned with the cancellation reason where supported, else read. */
    private Map<String, AttributeValue> itemOf(CancellationReason reason, Map<String, AttributeValue> key) {
        if (reason.hasItem() && !reason.item().isEmpty()) {
            return reason.item();
        }
        return read(key);
    }

    private Map<String, AttributeValue> read(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder()
                .tableName(tableName).key(key).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** The stored answer of the record, if it is live: 422 when it was written for another request. */
    private Optional<ApiResponse> replay(Map<String, AttributeValue> record, String fingerprint) {
        if (record == null || Attr.number(record, TableSchema.TTL) <= clock.instant().getEpochSecond()) {
            return Optional.empty();
        }
        if (!Attr.string(record, "fingerprint").equals(fingerprint)) {
            throw new ApiException(ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was already used with a different request; use a new key for a new request");
        }
        int status = (int) Attr.number(record, "responseStatus");
        String body;
        AttributeValue reference = record.get("responseRef");
        if (reference != null && reference.hasM()) {
            Map<String, AttributeValue> holder = read(reference.m());
            if (holder == null) {
                throw new IllegalStateException("Idempotency record refers to a missing answer: " + reference.m());
            }
            body = Attr.string(holder, "response");
        } else {
            body = Attr.string(record, "responseBody");
        }
        return Optional.of(new ApiResponse(status, body,
                Map.of("Content-Type", "application/json", "Idempotent-Replayed", "true")));
    }

    private static int indexOfPut(List<TransactWriteItem> items, Map<String, AttributeValue> key) {
        for (int i = 0; i < items.size(); i++) {
            Put put = items.get(i).put();
            if (put != null && key.get(TableSchema.PK).equals(put.item().get(TableSchema.PK))
                    && key.get(TableSchema.SK).equals(put.item().get(TableSchema.SK))) {
                return i;
            }
        }
        return -1;
    }

    private TransactWriteItem recordPut(Map<String, AttributeValue> recordKey, String fingerprint, ApiResponse response,
                                        List<DomainEvent> events, Map<String, AttributeValue> responseHolder) {
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>(recordKey);
        item.put("fingerprint", Attr.s(fingerprint));
        item.put("responseStatus", Attr.n(response.status()));
        if (responseHolder == null) {
            item.put("responseBody", Attr.s(response.body()));
        } else {
            item.put("responseRef", AttributeValue.fromM(responseHolder));
        }
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
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }
    /**
     * A condition on a state item kept failing over every attempt: the preparation keeps asking for something the
     * state forbids without noticing it (an id taken that it does not read first), so the answer is a conflict.
     */
    private static ApiException refusalFor(List<CancellationReason> reasons, TransactionCanceledException cause) {
        boolean conditionFailed = reasons.stream().anyMatch(r -> CONDITION_FAILED.equals(r.code()));
        if (conditionFailed) {
            return new ApiException(ProblemType.CONFLICT, "The state changed while the request ran; retry it");
        }
        // Contention that outlasted every backed-off attempt: nothing was written, so the client may simply retry.
        boolean contended = reasons.stream().anyMatch(r -> CONFLICT.equals(r.code()));
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
