package app.loyalty.shared.store;

import app.loyalty.shared.domain.member.ContactHasher;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Uniqueness items of members' contacts and merchants' customer ids: {@code PK = UNIQUE#<scope>#<kind>#<hmac>},
 * {@code SK = UNIQUE}, where scope is the program (phone, email) or the merchant (externalId) and hmac the
 * {@link ContactHasher} digest of the normalised value, never the value itself. The item holds only ids (and the id of
 * the key that made the digest, {@code keyId}), so it carries no personal data: without the key the digest names
 * nobody. Claimed with {@code attribute_not_exists(PK)} in the transaction that enrols or changes the member, released
 * (deleted, guarded by the owner's id) in the one that changes or erases it: two enrolments of one phone can never
 * both commit.
 * <p>
 * During a key rotation ({@link ContactHasher#previous()}) a value has two digests: a claim writes the current key's
 * item and conditions on the absence of the previous key's one too, a release deletes both, a lookup reads the current
 * one, then the previous one; {@link #rekey} moves an item from the previous key to the current one.
 */
public final class MemberContacts {
    public static final String SK = "UNIQUE";

    /**
     * One value to be unique: its kind, the program or merchant it is unique within, its digest under the current key
     * ({@code keyId}), and under the previous key while a rotation is under way (else null).
     */
    public record Claim(ContactHasher.Kind kind, String scope, String digest, String keyId, String previousDigest) {
        public Map<String, AttributeValue> key() {
            return keyOf(digest);
        }

        /** The item the previous key made for the value, while a rotation is under way. */
        public Optional<Map<String, AttributeValue>> previousKey() {
            return Optional.ofNullable(previousDigest).map(this::keyOf);
        }

        private Map<String, AttributeValue> keyOf(String hmac) {
            return Attr.key("UNIQUE#" + scope + "#" + kind.field() + "#" + hmac, SK);
        }
    }

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final ContactHasher hasher;

    public MemberContacts(DynamoDbClient dynamo, String tableName, ContactHasher hasher) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.hasher = hasher;
    }

    /** Phone and email are unique per program; {@code scope} is the program id. */
    public Claim contact(ContactHasher.Kind kind, String programId, String value) {
        return claimOf(kind, programId, value);
    }

    /** A merchant's customer id is unique per merchant; {@code scope} is the merchant id. */
    public Claim externalId(String merchantId, String externalId) {
        return claimOf(ContactHasher.Kind.EXTERNAL_ID, merchantId, externalId);
    }

    private Claim claimOf(ContactHasher.Kind kind, String scope, String value) {
        return new Claim(kind, scope, hasher.hash(kind, value), hasher.keyId(),
                hasher.previous().map(previous -> previous.hash(kind, value)).orElse(null));
    }

    /**
     * Takes the value for the member; fails the transaction if anyone (even the member itself) holds it, under the
     * current key or, during a rotation, the previous one (a condition check on that item: it is not written).
     */
    public List<TransactWriteItem> claim(Claim claim, String memberId, String programId, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>(2);
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item(claim, memberId, programId, now))
                .conditionExpression("attribute_not_exists(PK)").build()).build());
        claim.previousKey().ifPresent(previous -> items.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(tableName).key(previous).conditionExpression("attribute_not_exists(PK)").build()).build()));
        return items;
    }

    private static Map<String, AttributeValue> item(Claim claim, String memberId, String programId, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(claim.key());
        item.put("memberId", Attr.s(memberId));
        item.put("programId", Attr.s(programId));
        item.put("kind", Attr.s(claim.kind().field()));
        item.put("keyId", Attr.s(claim.keyId()));
        item.put("createdAt", Attr.s(now.toString()));
        return item;
    }

    /**
     * Gives the value up: only the member's own items (a stale read can never free another member's contact), under
     * both keys during a rotation; a missing item (a member enrolled before contacts were unique, or already re-keyed)
     * is nothing to delete and does not fail the transaction.
     */
    public List<TransactWriteItem> release(Claim claim, String memberId) {
        List<TransactWriteItem> items = new ArrayList<>(2);
        items.add(ownDelete(claim.key(), memberId));
        claim.previousKey().ifPresent(previous -> items.add(ownDelete(previous, memberId)));
        return items;
    }

    private TransactWriteItem ownDelete(Map<String, AttributeValue> key, String memberId) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(tableName).key(key)
                .conditionExpression("attribute_not_exists(PK) OR memberId = :member")
                .expressionAttributeValues(Map.of(":member", Attr.s(memberId))).build()).build();
    }

    /** The member holding the value, if any: the current key's item, else the previous key's (consistent GetItems). */
    public Optional<String> owner(Claim claim) {
        Optional<String> current = ownerAt(claim.key());
        if (current.isPresent()) {
            return current;
        }
        return claim.previousKey().flatMap(this::ownerAt);
    }

    private Optional<String> ownerAt(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(tableName)
                .key(key).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Attr.string(item, "memberId"));
    }

    /** What re-keying one value of a member found. */
    public enum Rekey {
        /** The current key's item is the member's and no previous key's item is left: nothing to do. */
        CURRENT,
        /** The item is to be moved (or written, for a member enrolled before contacts were unique). */
        MOVE,
        /** Another member holds the value under one of the keys (two members enrolled before uniqueness): left as is. */
        HELD_BY_ANOTHER
    }

    /** Where one value of {@code memberId} stands in the rotation (up to two consistent GetItems). */
    public Rekey rekeyState(Claim claim, String memberId) {
        Optional<String> current = ownerAt(claim.key());
        Optional<String> previous = claim.previousKey().flatMap(this::ownerAt);
        if (current.filter(owner -> !owner.equals(memberId)).isPresent()
                || previous.filter(owner -> !owner.equals(memberId)).isPresent()) {
            return Rekey.HELD_BY_ANOTHER;
        }
        return current.isPresent() && previous.isEmpty() ? Rekey.CURRENT : Rekey.MOVE;
    }

    /**
     * Moves the member's value to the current key: puts the current key's item (unless another member took it since)
     * and deletes the previous key's one (only the member's own). Idempotent: a second run writes the same item.
     */
    public List<TransactWriteItem> rekey(Claim claim, String memberId, String programId, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>(2);
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item(claim, memberId, programId, now))
                .conditionExpression("attribute_not_exists(PK) OR memberId = :member")
                .expressionAttributeValues(Map.of(":member", Attr.s(memberId))).build()).build());
        claim.previousKey().ifPresent(previous -> items.add(ownDelete(previous, memberId)));
        return items;
    }
}
