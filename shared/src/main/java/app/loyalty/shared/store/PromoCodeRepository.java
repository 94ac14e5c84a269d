package app.loyalty.shared.store;

import app.loyalty.shared.domain.discount.PromoCode;
import app.loyalty.shared.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Promo codes and their use counters. The pure decision whether a code applies is {@link PromoCode#check}; this
 * class stores codes and keeps their limits under any concurrency: a use is a conditional update inside the
 * purchase's one transaction, so two checkouts racing for the last use cannot both commit.
 * <ul>
 *   <li>definition: {@code PK=PROMO#<programId>#<CODE>, SK=PROMO}: the code as JSON ({@code definition}),
 *   {@code uses} (all members), {@code maxUses} (absent = unlimited; a top-level copy so the use condition reads the
 *   limit from the item itself, never from a caller's possibly stale copy), {@code active}, createdAt, updatedAt,
 *   {@code version} (bumped by operator edits only, not by uses), and {@code GSI1PK=PROMOS#<programId>,
 *   GSI1SK=CODE#<CODE>} for listing a program's codes;</li>
 *   <li>per member: {@code PK=PROMO#<programId>#<CODE>, SK=MEMBER#<memberId>} with {@code uses}, written only for
 *   codes with a per-member limit (no limit, nothing to count: a lean transaction).</li>
 * </ul>
 * No PII: ids and counters only.
 * <p>
 * Returns do not give a use back: a code counts the checkouts it took part in, and a refund does not undo the
 * promotion the member got (the platform's documented rule). {@link #release} exists for a checkout that is
 * abandoned before it completes (a redemption hold cancelled), the only case where a use was never really had.
 */
public final class PromoCodeRepository {
    /** Codes per page of {@link #list} at most, and by default. */
    public static final int MAX_PAGE = 100;
    public static final int DEFAULT_PAGE = 25;
    private static final Pattern CODE = Pattern.compile("[A-Z0-9][A-Z0-9_-]{0,31}");
    private static final String DEFINITION_SK = "PROMO";

    private final DynamoDbClient dynamo;
    private final String tableName;

    public PromoCodeRepository(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    /**
     * A stored code with its counters.
     *
     * @param uses    checkouts that used it so far, all members
     * @param version bumped by every operator edit (not by uses): the guard of {@link #update}
     */
    public record StoredPromoCode(PromoCode code, long uses, boolean active, Instant createdAt, Instant updatedAt,
                                 long version) {
        /** Uses left before the overall limit, null when the code has none. */
        public Long remaining() {
            return code.maxUses() == null ? null : Math.max(0, code.maxUses() - uses);
        }
    }

    /** One page of a program's codes, in code order; {@code nextCursor} null on the last page. */
    public record Page(List<StoredPromoCode> codes, String nextCursor) {
        public Page {
            codes = List.copyOf(codes);
        }
    }

    /** Whether {@code code} is spelled as a promo code can be (upper-case letters, digits, '-', '_', 1..32). */
    public static boolean isCode(String code) {
        return code != null && CODE.matcher(code).matches();
    }

    public static Map<String, AttributeValue> codeKey(String programId, String code) {
        return Attr.key(partition(programId, code), DEFINITION_SK);
    }

    public static Map<String, AttributeValue> memberUseKey(String programId, String code, String memberId) {
        return Attr.key(partition(programId, code), "MEMBER#" + memberId);
    }

    private static String partition(String programId, String code) {
        return "PROMO#" + programId + "#" + code;
    }

    private static String listPartition(String programId) {
        return "PROMOS#" + programId;
    }

    public static StoredPromoCode fromItem(Map<String, AttributeValue> item) {
        return new StoredPromoCode(readDefinition(Attr.string(item, "definition")), Attr.number(item, "uses"),
                item.get("active").bool(), Instant.parse(Attr.string(item, "createdAt")),
                Instant.parse(Attr.string(item, "updatedAt")), Attr.number(item, "version"));
    }

    /** A member's uses of a code from its per-member item as a BatchGetItem returned it (null or empty: none yet). */
    public static long memberUses(Map<String, AttributeValue> itemOrNull) {
        return itemOrNull == null || itemOrNull.isEmpty() ? 0 : Attr.optionalNumber(itemOrNull, "uses").orElse(0L);
    }

    /**
     * Counts one use of {@code code} by {@code memberId}, for the purchase's transaction: the definition's
     * {@code uses} goes up only if the item exists, is active and {@code uses < maxUses} (the stored limit); the
     * member's {@code uses} (created on first use) only if below {@code maxUsesPerMember}. Either condition failing
     * cancels the whole transaction: the code is then gone, inactive or used up, and the caller re-reads to say which.
     * Items in this order: the definition, then (when the code has a per-member limit) the member's counter.
     */
    public static List<TransactWriteItem> use(String table, String programId, PromoCode code, String memberId) {
        List<TransactWriteItem> items = new ArrayList<>(2);
        items.add(update(table, codeKey(programId, code.code()), "ADD #uses :one",
                "attribute_exists(PK) AND #active = :true AND (attribute_not_exists(#max) OR #uses < #max)",
                Map.of("#uses", "uses", "#active", "active", "#max", "maxUses"),
                Map.of(":one", Attr.n(1), ":true", Attr.bool(true))));
        if (code.maxUsesPerMember() != null) {
            requireMember(memberId);
            items.add(update(table, memberUseKey(programId, code.code(), memberId), "ADD #uses :one",
                    "attribute_not_exists(#uses) OR #uses < :max", Map.of("#uses", "uses"),
                    Map.of(":one", Attr.n(1), ":max", Attr.n(code.maxUsesPerMember()))));
        }
        return items;
    }

    /**
     * Gives back one use counted by {@link #use} (same items, same order), never below zero: for a checkout that
     * was abandoned before completing. Not for returns, which keep the use (see the class comment).
     */
    public static List<TransactWriteItem> release(String table, String programId, PromoCode code, String memberId) {
        List<TransactWriteItem> items = new ArrayList<>(2);
        items.add(update(table, codeKey(programId, code.code()), "ADD #uses :minusOne", "#uses > :zero",
                Map.of("#uses", "uses"), Map.of(":minusOne", Attr.n(-1), ":zero", Attr.n(0))));
        if (code.maxUsesPerMember() != null) {
            requireMember(memberId);
            items.add(update(table, memberUseKey(programId, code.code(), memberId), "ADD #uses :minusOne",
                    "#uses > :zero", Map.of("#uses", "uses"), Map.of(":minusOne", Attr.n(-1), ":zero", Attr.n(0))));
        }
        return items;
    }

    private static TransactWriteItem update(String table, Map<String, AttributeValue> key, String expression,
                                            String condition, Map<String, String> names,
                                            Map<String, AttributeValue> values) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key)
                .updateExpression(expression).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    private static void requireMember(String memberId) {
        if (memberId == null || memberId.isBlank()) {
            throw new IllegalArgumentException("A code with a per-member limit is counted per member: memberId is required");
        }
    }

    public Optional<StoredPromoCode> find(String programId, String code) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder()
                .tableName(tableName).key(codeKey(programId, code)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /**
     * A page of the program's codes in code order, after the code {@code cursor} stands for (null: from the start).
     *
     * @throws IllegalArgumentException for a cursor this method did not hand out, or a limit outside 1..{@value #MAX_PAGE}
     */
    public Page list(String programId, String cursor, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE);
        }
        QueryRequest.Builder query = QueryRequest.builder().tableName(tableName).indexName(TableSchema.GSI1)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", TableSchema.GSI1_PK))
                .expressionAttributeValues(Map.of(":pk", Attr.s(listPartition(programId))))
                .limit(limit);
        if (cursor != null) {
            String after = decodeCursor(cursor);
            Map<String, AttributeValue> start = new HashMap<>(codeKey(programId, after));
            start.put(TableSchema.GSI1_PK, Attr.s(listPartition(programId)));
            start.put(TableSchema.GSI1_SK, Attr.s("CODE#" + after));
            query.exclusiveStartKey(start);
        }
        QueryResponse response = dynamo.query(query.build());
        List<StoredPromoCode> codes = response.items().stream().map(PromoCodeRepository::fromItem).toList();
        String next = null;
        if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() && !codes.isEmpty()) {
            next = encodeCursor(codes.get(codes.size() - 1).code().code());
        }
        return new Page(codes, next);
    }

    /**
     * Creates the code, unique per program: a put conditioned on the code not existing. Callers name
     * {@link #codeKey} as the idempotency marker so a taken code answers 409 from the cancellation alone.
     */
    public TransactWriteItem create(String programId, PromoCode code, boolean active, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(codeKey(programId, code.code()));
        item.put(TableSchema.GSI1_PK, Attr.s(listPartition(programId)));
        item.put(TableSchema.GSI1_SK, Attr.s("CODE#" + code.code()));
        item.put("programId", Attr.s(programId));
        item.put("code", Attr.s(code.code()));
        item.put("definition", Attr.s(writeDefinition(code)));
        if (code.maxUses() != null) {
            item.put("maxUses", Attr.n(code.maxUses()));
        }
        item.put("uses", Attr.n(0));
        item.put("active", Attr.bool(active));
        item.put("createdAt", Attr.s(now.toString()));
        item.put("updatedAt", Attr.s(now.toString()));
        item.put("version", Attr.n(1));
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(PK)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build();
    }

    /**
     * Replaces the definition and the active flag if nobody edited the code since {@code expectedVersion}. Uses are
     * left alone (they never bump the version), so checkouts using the code meanwhile do not make an edit fail.
     * What may change is the caller's rule (the operator route allows the window's end, the limits upwards and the
     * active flag, never the discount).
     */
    public TransactWriteItem update(String programId, PromoCode code, boolean active, long expectedVersion, Instant now) {
        Map<String, String> names = Map.of("#definition", "definition", "#active", "active",
                "#updatedAt", "updatedAt", "#version", "version", "#max", "maxUses");
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":definition", Attr.s(writeDefinition(code)),
                ":active", Attr.bool(active), ":now", Attr.s(now.toString()),
                ":next", Attr.n(expectedVersion + 1), ":expected", Attr.n(expectedVersion)));
        String expression = "SET #definition = :definition, #active = :active, #updatedAt = :now, #version = :next";
        if (code.maxUses() != null) {
            expression += ", #max = :max";
            values.put(":max", Attr.n(code.maxUses()));
        } else {
            expression += " REMOVE #max";
        }
        return update(tableName, codeKey(programId, code.code()), expression, "#version = :expected", names, values);
    }

    static String encodeCursor(String code) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(code.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor) {
        try {
            String code = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (isCode(code)) {
                return code;
            }
        } catch (IllegalArgumentException notBase64) {
            // falls through to the refusal below: the cursor was not one this class handed out
        }
        throw new IllegalArgumentException("cursor is not one a previous page returned");
    }

    private static String writeDefinition(PromoCode code) {
        try {
            return Json.MAPPER.writeValueAsString(code);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PromoCode readDefinition(String json) {
        try {
            return Json.MAPPER.readValue(json, PromoCode.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored promo code definition is unreadable", e);
        }
    }
}
