package app.loyalty.shared.store;

import app.loyalty.shared.domain.program.Merchant;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.settlement.PartnerAgreement;
import app.loyalty.shared.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Programs and their merchants. Program item: PK PROGRAM#id, SK PROGRAM; merchant: PK PROGRAM#id, SK MERCHANT#id. */
public final class ProgramRepository {
    private final DynamoDbClient dynamo;
    private final String tableName;

    public ProgramRepository(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    public static Map<String, AttributeValue> programKey(String programId) {
        return Attr.key("PROGRAM#" + programId, "PROGRAM");
    }

    public Optional<Program> find(String programId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder()
                .tableName(tableName).key(programKey(programId)).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    public TransactWriteItem create(Program program) {
        Map<String, AttributeValue> item = new HashMap<>(programKey(program.programId()));
        item.put("programId", Attr.s(program.programId()));
        item.put("name", Attr.s(program.name()));
        item.put("currency", Attr.s(program.currency()));
        item.put("rules", Attr.s(writeRules(program.rules())));
        item.put("createdAt", Attr.s(program.createdAt().toString()));
        item.put("updatedAt", Attr.s(program.updatedAt().toString()));
        item.put("version", Attr.n(program.version()));
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    /** Replaces the rules if nobody else changed them since {@code expectedVersion} was read. */
    public TransactWriteItem updateRules(String programId, ProgramRules rules, long expectedVersion, Instant now) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(programKey(programId))
                .updateExpression("SET #rules = :rules, updatedAt = :now, #version = :next")
                .conditionExpression("#version = :expected")
                .expressionAttributeNames(Map.of("#rules", "rules", "#version", "version"))
                .expressionAttributeValues(Map.of(
                        ":rules", Attr.s(writeRules(rules)),
                        ":now", Attr.s(now.toString()),
                        ":next", Attr.n(expectedVersion + 1),
                        ":expected", Attr.n(expectedVersion)))
                .build()).build();
    }

    /** The merchant item's key: in its program's partition. */
    public static Map<String, AttributeValue> merchantKey(String programId, String merchantId) {
        return Attr.key("PROGRAM#" + programId, "MERCHANT#" + merchantId);
    }

    /** The merchant item as stored (with its key hashes), empty when the program has no such merchant. */
    public Optional<Map<String, AttributeValue>> findMerchantItem(String programId, String merchantId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder()
                .tableName(tableName).key(merchantKey(programId, merchantId)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /**
     * The merchant with the hash of its current API key ({@code apiKeyHash}), so the key can later be rotated and
     * revoked: keys are stored by hash alone and are otherwise unreachable from their merchant.
     */
    public TransactWriteItem addMerchant(Merchant merchant, String apiKeyHash) {
        TransactWriteItem put = addMerchant(merchant);
        Map<String, AttributeValue> item = new HashMap<>(put.put().item());
        item.put(MERCHANT_API_KEY_HASH, Attr.s(apiKeyHash));
        return TransactWriteItem.builder().put(put.put().toBuilder().item(item).build()).build();
    }

    /** Merchant attribute: SHA-256 hex of the merchant's current key (absent after a revocation). */
    public static final String MERCHANT_API_KEY_HASH = "apiKeyHash";
    /** Merchant attribute: SHA-256 hex of the key rotated out last, valid until its grace period ends. */
    public static final String MERCHANT_PREVIOUS_API_KEY_HASH = "previousApiKeyHash";

    public TransactWriteItem addMerchant(Merchant merchant) {
        Map<String, AttributeValue> item = new HashMap<>(
                Attr.key("PROGRAM#" + merchant.programId(), "MERCHANT#" + merchant.merchantId()));
        item.put("merchantId", Attr.s(merchant.merchantId()));
        item.put("programId", Attr.s(merchant.programId()));
        item.put("name", Attr.s(merchant.name()));
        item.put("createdAt", Attr.s(merchant.createdAt().toString()));
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    /** Guards a write on the program still existing (merchants are never added to a program that is not there). */
    public TransactWriteItem requireExists(String programId) {
        return TransactWriteItem.builder().conditionCheck(b -> b.tableName(tableName).key(programKey(programId))
                .conditionExpression("attribute_exists(PK)")).build();
    }

    /**
     * Replaces the program's partner agreement (attribute {@code agreement}, JSON) if nobody changed it since
     * {@code expectedVersion} ({@code agreementVersion}, absent = 0) was read. The rules' own version is not touched,
     * so an agreement edit never makes a concurrent rules edit fail.
     */
    public TransactWriteItem updateAgreement(String programId, PartnerAgreement agreement, long expectedVersion, Instant now) {
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(agreement);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(programKey(programId))
                .updateExpression("SET agreement = :agreement, agreementVersion = :next, agreementUpdatedAt = :now")
                .conditionExpression(expectedVersion == 0
                        ? "attribute_exists(PK) AND attribute_not_exists(agreementVersion)"
                        : "agreementVersion = :expected")
                .expressionAttributeValues(expectedVersion == 0
                        ? Map.of(":agreement", Attr.s(json), ":next", Attr.n(1), ":now", Attr.s(now.toString()))
                        : Map.of(":agreement", Attr.s(json), ":next", Attr.n(expectedVersion + 1),
                                ":now", Attr.s(now.toString()), ":expected", Attr.n(expectedVersion)))
                .build()).build();
    }

    /** The version of the program's agreement in a program item (0: never set). */
    public static long agreementVersion(Map<String, AttributeValue> item) {
        return Attr.optionalNumber(item, "agreementVersion").orElse(0L);
    }

    public Optional<Map<String, AttributeValue>> findItem(String programId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().consistentRead(true)
                .tableName(tableName).key(programKey(programId)).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    public static Program fromItem(Map<String, AttributeValue> item) {
        return new Program(Attr.string(item, "programId"), Attr.string(item, "name"), Attr.string(item, "currency"),
                readRules(Attr.string(item, "rules")), Instant.parse(Attr.string(item, "createdAt")),
                Instant.parse(Attr.string(item, "updatedAt")), Attr.number(item, "version"),
                Attr.optionalString(item, "agreement").map(ProgramRepository::readAgreement).orElse(PartnerAgreement.NONE));
    }

    private static PartnerAgreement readAgreement(String json) {
        try {
            return Json.MAPPER.readValue(json, PartnerAgreement.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored partner agreement is unreadable", e);
        }
    }

    private static String writeRules(ProgramRules rules) {
        try {
            return Json.MAPPER.writeValueAsString(rules);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ProgramRules readRules(String json) {
        try {
            return Json.MAPPER.readValue(json, ProgramRules.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored program rules are unreadable", e);
        }
    }
}
