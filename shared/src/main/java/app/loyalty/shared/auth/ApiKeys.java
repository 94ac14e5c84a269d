package app.loyalty.shared.auth;

import app.loyalty.shared.http.Caller;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys: random bearer secrets that the platform stores only as SHA-256 hashes, so a table dump or a
 * backup never yields a usable key. A merchant key is shown once, when its merchant is registered.
 * <p>
 * Item: {@code PK = APIKEY#<sha256hex>}, {@code SK = APIKEY}, {@code role = MERCHANT}, {@code merchantId},
 * {@code programId}, {@code createdAt} (ISO instant); after a rotation {@code expiresAt} (the end of the old key's
 * grace period), after a revocation {@code revokedAt}. A key is valid while it has no {@code revokedAt} and
 * {@code expiresAt} (if any) is still ahead: the instant itself is already expired.
 * <p>
 * Revocation reaches callers within {@value #AUTHORIZER_CACHE_SECONDS} s: API Gateway caches the authorizer's answer
 * per Authorization header for that long (template.yaml {@code ReauthorizeEvery}, held equal to this constant by
 * a template test), so a revoked key keeps working until its cached "allowed" ages out, and no longer.
 * <p>
 * The operator key is not in the table: its SHA-256 hex is configuration ({@value #OPERATOR_KEY_SHA256}),
 * so the operator exists before any item does and can be rotated by redeploying.
 * <p>
 * Merchant keys start {@value #MERCHANT_PREFIX} and generated operator keys {@value #OPERATOR_PREFIX}, so a key
 * pasted into a log, a ticket or a terminal says which role it carries, and an operator key is never read as a
 * merchant key (it cannot match the merchant format, so it costs no lookup).
 * <p>
 * A plain (unsalted, fast) SHA-256 is enough here, unlike for passwords: the keys carry 256 random bits, so
 * there is nothing to guess and the hash has to be a direct lookup key.
 */
public final class ApiKeys {
    /** Configuration name of the operator key's SHA-256 hex (environment variable or system property). */
    public static final String OPERATOR_KEY_SHA256 = "OPERATOR_KEY_SHA256";
    public static final String MERCHANT_PREFIX = "lk_";
    public static final String OPERATOR_PREFIX = "lko_";
    public static final String SORT_KEY = "APIKEY";
    public static final String ATTR_ROLE = "role";
    public static final String ATTR_MERCHANT_ID = "merchantId";
    public static final String ATTR_PROGRAM_ID = "programId";
    public static final String ATTR_CREATED_AT = "createdAt";
    public static final String ATTR_EXPIRES_AT = "expiresAt";
    public static final String ATTR_REVOKED_AT = "revokedAt";

    /**
     * How long API Gateway caches an authorizer decision (template.yaml {@code ReauthorizeEvery}): the longest a
     * revoked key, or an old key past its grace period, can still be served.
     */
    public static final int AUTHORIZER_CACHE_SECONDS = 300;
    /** How long the old key keeps working after a rotation unless the operator asks for another period. */
    public static final java.time.Duration DEFAULT_ROTATION_GRACE = java.time.Duration.ofHours(24);
    /** The longest grace period a rotation may give the old key: a leaked key must not live on for months. */
    public static final java.time.Duration MAX_ROTATION_GRACE = java.time.Duration.ofDays(7);

    private static final int KEY_BYTES = 32;
    /** lk_ + 32 bytes in unpadded base64url (43 characters): anything else cannot be a merchant key. */
    private static final Pattern MERCHANT_KEY_FORMAT = Pattern.compile("lk_[A-Za-z0-9_-]{43}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private ApiKeys() {
    }

    /** A new merchant key to hand out once; store only {@link #hash(String)} of it. */
    public static String generate() {
        return MERCHANT_PREFIX + randomSecret();
    }

    /** A new operator key; configure only {@link #hash(String)} of it ({@value #OPERATOR_KEY_SHA256}). */
    public static String generateOperatorKey() {
        return OPERATOR_PREFIX + randomSecret();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lowercase SHA-256 hex of the key's UTF-8 bytes: the form keys are stored and configured in. */
    public static String hash(String key) {
        return HEX.formatHex(sha256(key));
    }

    /** The item's partition key for a key hash. */
    public static String partitionKey(String keyHash) {
        return "APIKEY#" + keyHash;
    }

    /**
     * Stores a merchant key, to go in the same transaction as the merchant it belongs to. The condition makes
     * a (vanishingly unlikely) hash collision fail the transaction instead of re-pointing someone's key.
     */
    public static TransactWriteItem put(String tableName, String keyHash, String merchantId, String programId,
                                        Instant createdAt) {
        requireHash(keyHash);
        return TransactWriteItem.builder().put(Put.builder()
                .tableName(tableName)
                .item(Map.of(
                        TableSchema.PK, Attr.s(partitionKey(keyHash)),
                        TableSchema.SK, Attr.s(SORT_KEY),
                        ATTR_ROLE, Attr.s(Caller.Role.MERCHANT.name()),
                        ATTR_MERCHANT_ID, Attr.s(merchantId),
                        ATTR_PROGRAM_ID, Attr.s(programId),
                        ATTR_CREATED_AT, Attr.s(createdAt.toString())))
                .conditionExpression("attribute_not_exists(PK)")
                .build()).build();
    }

    /**
     * Ends a key's validity at {@code expiresAt} (a rotated-out key at the end of its grace period). Conditioned on
     * the key existing and not being revoked, so a rotation never revives a revoked key nor creates a key item.
     */
    public static TransactWriteItem expireAt(String tableName, String keyHash, Instant expiresAt) {
        requireHash(keyHash);
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(Attr.key(partitionKey(keyHash), SORT_KEY))
                .updateExpression("SET #expiresAt = :expiresAt")
                .conditionExpression("attribute_exists(PK) AND attribute_not_exists(#revokedAt)")
                .expressionAttributeNames(Map.of("#expiresAt", ATTR_EXPIRES_AT, "#revokedAt", ATTR_REVOKED_AT))
                .expressionAttributeValues(Map.of(":expiresAt", Attr.s(expiresAt.toString())))
                .build()).build();
    }

    /**
     * Revokes a key at once (the authorizer refuses it from {@code revokedAt} on; callers holding a cached
     * decision within {@value #AUTHORIZER_CACHE_SECONDS} s). Conditioned on the key existing, so it never creates one.
     */
    public static TransactWriteItem revoke(String tableName, String keyHash, Instant revokedAt) {
        requireHash(keyHash);
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(Attr.key(partitionKey(keyHash), SORT_KEY))
                .updateExpression("SET #revokedAt = if_not_exists(#revokedAt, :revokedAt)")
                .conditionExpression("attribute_exists(PK)")
                .expressionAttributeNames(Map.of("#revokedAt", ATTR_REVOKED_AT))
                .expressionAttributeValues(Map.of(":revokedAt", Attr.s(revokedAt.toString())))
                .build()).build();
    }

    /**
     * The merchant a presented key belongs to, by one GetItem on its hash; empty for anything that is not a
     * stored merchant key valid at {@code now} (revoked, or past the end of a rotation's grace period). Strings
     * that cannot be a merchant key are refused without a read, so garbage tokens cost no DynamoDB capacity.
     */
    public static Optional<Caller> lookup(DynamoDbClient dynamo, String tableName, String presentedKey, Instant now) {
        if (presentedKey == null || !MERCHANT_KEY_FORMAT.matcher(presentedKey).matches()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder()
                .tableName(tableName)
                .key(Attr.key(partitionKey(hash(presentedKey)), SORT_KEY))
                // A merchant gets its key in the registration response and may call straight away.
                .consistentRead(true)
                .build()).item();
        if (item == null || item.isEmpty()
                || !Caller.Role.MERCHANT.name().equals(Attr.optionalString(item, ATTR_ROLE).orElse(null))
                || !validAt(item, now)) {
            return Optional.empty();
        }
        return Optional.of(Caller.merchant(Attr.string(item, ATTR_MERCHANT_ID), Attr.string(item, ATTR_PROGRAM_ID)));
    }

    /** Not revoked, and not past the end of a rotation's grace period (the boundary instant is expired). */
    static boolean validAt(Map<String, AttributeValue> item, Instant now) {
        if (item.containsKey(ATTR_REVOKED_AT)) {
            return false;
        }
        return Attr.optionalString(item, ATTR_EXPIRES_AT).map(Instant::parse).map(now::isBefore).orElse(true);
    }

    /**
     * The configured operator key hash, validated and lowercased. Functions call this at init so that a
     * misconfigured value (say, the key itself instead of its hash) stops the deployment, not each request.
     */
    public static String operatorKeyHash(String configured) {
        String normalized = configured == null ? null : configured.strip().toLowerCase(Locale.ROOT);
        if (normalized == null || !SHA256_HEX.matcher(normalized).matches()) {
            throw new IllegalArgumentException(OPERATOR_KEY_SHA256
                    + " must be the SHA-256 hex (64 characters) of the operator key, never the key itself");
        }
        return normalized;
    }

    /**
     * Whether the presented key is the operator key, given the configured SHA-256 hex of it. Compares
     * digests in constant time, so response timing reveals nothing about how much of a guess was right.
     */
    public static boolean isOperatorKey(String presentedKey, String operatorKeySha256) {
        byte[] expected = HEX.parseHex(operatorKeyHash(operatorKeySha256));
        if (presentedKey == null || presentedKey.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presentedKey), expected);
    }

    private static String requireHash(String keyHash) {
        if (keyHash == null || !SHA256_HEX.matcher(keyHash).matches()) {
            throw new IllegalArgumentException("Expected a lowercase SHA-256 hex digest (64 characters), never a key");
        }
        return keyHash;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
