package app.loyalty.shared.store;

import app.loyalty.shared.domain.member.ContactHasher;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Uniqueness items of members' contacts and merchants' customer ids: {@code PK = UNIQUE#<scope>#<kind>#<hmac>},
 * {@code SK = UNIQUE}, where scope is the program (phone, email) or the merchant (externalId) and hmac the
 * {@link ContactHasher} digest of the normalised value, never the value itself. The item holds only ids, so it carries
 * no personal data: without the key the digest names nobody. Claimed with {@code attribute_not_exists(PK)} in the
 * transaction that enrols or changes the member, released (deleted, guarded by the owner's id) in the one that changes
 * or erases it: two enrolments of one phone can never both commit.
 */
public final class MemberContacts {
    public static final String SK = "UNIQUE";

    /** One value to be unique: its kind, the program or merchant it is unique within, and its digest. */
    public record Claim(ContactHasher.Kind kind, String scope, String digest) {
        public Map<String, AttributeValue> key() {
            return Attr.key("UNIQUE#" + scope + "#" + kind.field() + "#" + digest, SK);
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
        return new Claim(kind, programId, hasher.hash(kind, value));
    }

    /** A merchant's customer id is unique per merchant; {@code scope} is the merchant id. */
    public Claim externalId(String merchantId, String externalId) {
        return new Claim(ContactHasher.Kind.EXTERNAL_ID, merchantId, hasher.hash(ContactHasher.Kind.EXTERNAL_ID, externalId));
    }

    /** Takes the value for the member; fails the transaction if anyone (even the member itself) holds it. */
    public TransactWriteItem claim(Claim claim, String memberId, String programId, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(claim.key());
        item.put("memberId", Attr.s(memberId));
        item.put("programId", Attr.s(programId));
        item.put("kind", Attr.s(claim.kind().field()));
        item.put("createdAt", Attr.s(now.toString()));
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    /**
     * Gives the value up: only the member's own item (a stale read can never free another member's contact); a missing
     * item (a member enrolled before contacts were unique) is nothing to delete and does not fail the transaction.
     */
    public TransactWriteItem release(Claim claim, String memberId) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(tableName).key(claim.key())
                .conditionExpression("attribute_not_exists(PK) OR memberId = :member")
                .expressionAttributeValues(Map.of(":member", Attr.s(memberId))).build()).build();
    }

    /** The member holding the value, if any (one consistent GetItem). */
    public Optional<String> owner(Claim claim) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(tableName)
                .key(claim.key()).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Attr.string(item, "memberId"));
    }
}
