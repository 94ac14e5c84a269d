package app.loyalty.shared.auth;

import app.loyalty.shared.http.Caller;
import app.loyalty.shared.store.Attr;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {
    private static final String TABLE = "loyalty-test";
    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");

    @Test
    void generate_returnsPrefixedBase64UrlOf32RandomBytes() {
        String key = ApiKeys.generate();

        assertThat(key).matches("lk_[A-Za-z0-9_-]{43}");
        assertThat(java.util.Base64.getUrlDecoder().decode(key.substring(3))).hasSize(32);
    }

    @Test
    void generateOperatorKey_hasAPrefixOfItsOwn_andIsNeverTakenForAMerchantKey() {
        String key = ApiKeys.generateOperatorKey();
        StubDynamo dynamo = new StubDynamo();

        assertThat(key).matches("lko_[A-Za-z0-9_-]{43}");
        assertThat(java.util.Base64.getUrlDecoder().decode(key.substring(4))).hasSize(32);
        assertThat(ApiKeys.lookup(dynamo, TABLE, key, NOW)).isEmpty();
        assertThat(dynamo.requests).isEmpty();
    }

    @Test
    void generate_neverRepeatsAKey() {
        Set<String> keys = new HashSet<>();
        IntStream.range(0, 1_000).forEach(i -> keys.add(ApiKeys.generate()));

        assertThat(keys).hasSize(1_000);
    }

    @Test
    void hash_isTheLowercaseSha256HexOfTheKey() {
        // Known vector: SHA-256("abc").
        assertThat(ApiKeys.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void put_storesOnlyTheHashWithMerchantProgramAndCreation_guardedAgainstOverwrite() {
        String key = ApiKeys.generate();
        String keyHash = ApiKeys.hash(key);

        Put put = ApiKeys.put(TABLE, keyHash, "m-1", "p-1", Instant.parse("2026-01-02T03:04:05Z")).put();

        assertThat(put.tableName()).isEqualTo(TABLE);
        assertThat(put.item()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "PK", Attr.s("APIKEY#" + keyHash),
                "SK", Attr.s("APIKEY"),
                "role", Attr.s("MERCHANT"),
                "merchantId", Attr.s("m-1"),
                "programId", Attr.s("p-1"),
                "createdAt", Attr.s("2026-01-02T03:04:05Z")));
        assertThat(put.item().values()).noneMatch(value -> key.equals(value.s()));
        assertThat(put.conditionExpression()).isEqualTo("attribute_not_exists(PK)");
    }

    @Test
    void put_refusesAPlainKeyInPlaceOfItsHash() {
        assertThatThrownBy(() -> ApiKeys.put(TABLE, ApiKeys.generate(), "m-1", "p-1", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lookup_returnsTheMerchantCaller_whenTheKeysHashIsStored() {
        String key = ApiKeys.generate();
        StubDynamo dynamo = new StubDynamo();
        dynamo.store(ApiKeys.put(TABLE, ApiKeys.hash(key), "m-1", "p-1", Instant.EPOCH).put().item());

        assertThat(ApiKeys.lookup(dynamo, TABLE, key, NOW)).contains(Caller.merchant("m-1", "p-1"));
        assertThat(dynamo.requests).singleElement().satisfies(request -> {
            assertThat(request.tableName()).isEqualTo(TABLE);
            assertThat(request.key()).isEqualTo(Attr.key("APIKEY#" + ApiKeys.hash(key), "APIKEY"));
            assertThat(request.consistentRead()).isTrue();
        });
    }

    @Test
    void lookup_returnsEmpty_whenNoItemHasTheKeysHash() {
        StubDynamo dynamo = new StubDynamo();
        dynamo.store(ApiKeys.put(TABLE, ApiKeys.hash(ApiKeys.generate()), "m-1", "p-1", Instant.EPOCH).put().item());

        assertThat(ApiKeys.lookup(dynamo, TABLE, ApiKeys.generate(), NOW)).isEmpty();
    }

    @Test
    void lookup_returnsEmpty_whenTheStoredItemIsNotAMerchantKey() {
        String key = ApiKeys.generate();
        Map<String, AttributeValue> item = new HashMap<>(
                ApiKeys.put(TABLE, ApiKeys.hash(key), "m-1", "p-1", Instant.EPOCH).put().item());
        item.put("role", Attr.s("OPERATOR"));
        StubDynamo dynamo = new StubDynamo();
        dynamo.store(item);

        assertThat(ApiKeys.lookup(dynamo, TABLE, key, NOW)).isEmpty();
    }

    @Test
    void lookup_refusesARevokedKey_fromTheMomentOfRevocation() {
        String key = ApiKeys.generate();
        Map<String, AttributeValue> item = new HashMap<>(
                ApiKeys.put(TABLE, ApiKeys.hash(key), "m-1", "p-1", Instant.EPOCH).put().item());
        item.put(ApiKeys.ATTR_REVOKED_AT, Attr.s(NOW.toString()));
        StubDynamo dynamo = new StubDynamo();
        dynamo.store(item);

        assertThat(ApiKeys.lookup(dynamo, TABLE, key, NOW)).isEmpty();
    }

    @Test
    void lookup_acceptsARotatedOutKeyUntilItsGraceEnds_andRefusesItAtTheEndInstant() {
        String key = ApiKeys.generate();
        Instant graceEnds = NOW.plus(ApiKeys.DEFAULT_ROTATION_GRACE);
        Map<String, AttributeValue> item = new HashMap<>(
                ApiKeys.put(TABLE, ApiKeys.hash(key), "m-1", "p-1", Instant.EPOCH).put().item());
        item.put(ApiKeys.ATTR_EXPIRES_AT, Attr.s(graceEnds.toString()));
        StubDynamo dynamo = new StubDynamo();
        dynamo.store(item);

        assertThat(ApiKeys.lookup(dynamo, TABLE, key, graceEnds.minusMillis(1))).contains(Caller.merchant("m-1", "p-1"));
        assertThat(ApiKeys.lookup(dynamo, TABLE, key, graceEnds)).isEmpty();
    }

    @Test
    void lookup_refusesMalformedKeysWithoutReadingTheTable() {
        StubDynamo dynamo = new StubDynamo();

        assertThat(ApiKeys.lookup(dynamo, TABLE, null, NOW)).isEmpty();
        assertThat(ApiKeys.lookup(dynamo, TABLE, "", NOW)).isEmpty();
        assertThat(ApiKeys.lookup(dynamo, TABLE, "lk_short", NOW)).isEmpty();
        assertThat(ApiKeys.lookup(dynamo, TABLE, ApiKeys.generate() + "x", NOW)).isEmpty();
        assertThat(ApiKeys.lookup(dynamo, TABLE, ApiKeys.hash("anything"), NOW)).isEmpty();
        assertThat(dynamo.requests).isEmpty();
    }

    @Test
    void isOperatorKey_acceptsTheKeyWhoseHashIsConfigured() {
        String operatorKey = "local-operator-key";

        assertThat(ApiKeys.isOperatorKey(operatorKey, ApiKeys.hash(operatorKey))).isTrue();
        assertThat(ApiKeys.isOperatorKey(operatorKey, ApiKeys.hash(operatorKey).toUpperCase())).isTrue();
    }

    @Test
    void isOperatorKey_refusesOtherKeysAndTheHashItself() {
        String configured = ApiKeys.hash("local-operator-key");

        assertThat(ApiKeys.isOperatorKey("local-operator-kez", configured)).isFalse();
        assertThat(ApiKeys.isOperatorKey(configured, configured)).isFalse();
        assertThat(ApiKeys.isOperatorKey("", configured)).isFalse();
        assertThat(ApiKeys.isOperatorKey(null, configured)).isFalse();
    }

    @Test
    void isOperatorKey_failsLoudly_whenTheConfiguredValueIsNotASha256Hex() {
        assertThatThrownBy(() -> ApiKeys.isOperatorKey("local-operator-key", "local-operator-key"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeys.isOperatorKey(null, "local-operator-key"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void operatorKeyHash_lowercasesAndTrimsAValidHash_andRefusesAnythingElse() {
        String hash = ApiKeys.hash("local-operator-key");

        assertThat(ApiKeys.operatorKeyHash(" " + hash.toUpperCase() + "\n")).isEqualTo(hash);
        assertThatThrownBy(() -> ApiKeys.operatorKeyHash(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeys.operatorKeyHash(hash.substring(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(hash.substring(1));
    }

    /** Holds items by key and answers GetItem, recording each request. */
    private static final class StubDynamo implements DynamoDbClient {
        final Map<Map<String, AttributeValue>, Map<String, AttributeValue>> items = new HashMap<>();
        final List<GetItemRequest> requests = new ArrayList<>();

        void store(Map<String, AttributeValue> item) {
            items.put(Map.of("PK", item.get("PK"), "SK", item.get("SK")), item);
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            requests.add(request);
            Map<String, AttributeValue> item = items.get(request.key());
            return item == null ? GetItemResponse.builder().build() : GetItemResponse.builder().item(item).build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }
}
