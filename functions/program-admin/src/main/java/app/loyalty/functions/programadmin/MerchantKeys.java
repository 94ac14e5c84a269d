package app.loyalty.functions.programadmin;

import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.UpdateExpression;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static app.loyalty.shared.store.ProgramRepository.MERCHANT_API_KEY_HASH;
import static app.loyalty.shared.store.ProgramRepository.MERCHANT_PREVIOUS_API_KEY_HASH;

/**
 * The operator's key routes for a merchant (docs/security.md, "Keys"): rotate (a new key, answered once; the old one
 * keeps working for a grace period, 24 h unless asked otherwise, at most 7 days) and revoke (refused by the
 * authorizer at once, by API Gateway within its cache TTL of {@value ApiKeys#AUTHORIZER_CACHE_SECONDS} s).
 * <p>
 * The merchant item names its keys by hash ({@code apiKeyHash}, {@code previousApiKeyHash}): at most two keys are
 * valid at any time, so a second rotation inside a grace period revokes the oldest key at once. Each route is one
 * transaction guarded by the key hashes as read, so two concurrent rotations cannot both win (the loser re-reads).
 */
final class MerchantKeys {
    private final AppContext context;
    private final Clock clock;
    private final ProgramRepository programs;
    private final IdempotentWriter writer;

    MerchantKeys(AppContext context, ProgramRepository programs, IdempotentWriter writer) {
        this.context = context;
        this.clock = context.clock();
        this.programs = programs;
        this.writer = writer;
    }

    /** Grace period of the key being replaced, in seconds; absent means 24 h. */
    record RotateKeyRequest(Long graceSeconds) {
        RotateKeyRequest {
            if (graceSeconds != null && (graceSeconds < 0 || graceSeconds > ApiKeys.MAX_ROTATION_GRACE.toSeconds())) {
                throw new IllegalArgumentException("graceSeconds must be between 0 and "
                        + ApiKeys.MAX_ROTATION_GRACE.toSeconds() + " (7 days)");
            }
        }

        Duration grace() {
            return graceSeconds == null ? ApiKeys.DEFAULT_ROTATION_GRACE : Duration.ofSeconds(graceSeconds);
        }
    }

    /** The new key (only in the first answer, never in a replay) and until when the replaced key still works. */
    record KeyRotated(String merchantId, String programId, String apiKey, Instant createdAt,
                      Instant previousKeyValidUntil) {
    }

    /** Which keys to revoke: ALL (the current and the one in its grace period) or PREVIOUS (only the latter). */
    record RevokeKeysRequest(String keys) {
        RevokeKeysRequest {
            if (keys != null && !keys.equals("ALL") && !keys.equals("PREVIOUS")) {
                throw new IllegalArgumentException("keys must be ALL or PREVIOUS");
            }
        }

        boolean all() {
            return keys == null || keys.equals("ALL");
        }
    }

    record KeysRevoked(String merchantId, String programId, Instant revokedAt, int revokedKeys,
                       int effectiveWithinSeconds) {
    }

    ApiResponse rotate(ApiRequest request) {
        String programId = request.pathParameter("programId");
        String merchantId = request.pathParameter("merchantId");
        RotateKeyRequest body = request.body(RotateKeyRequest.class);
        return writer.execute(request, () -> {
            Map<String, AttributeValue> merchant = existingMerchant(programId, merchantId);
            Optional<String> current = Attr.optionalString(merchant, MERCHANT_API_KEY_HASH);
            Optional<String> previous = Attr.optionalString(merchant, MERCHANT_PREVIOUS_API_KEY_HASH);
            Instant now = clock.instant();
            String apiKey = ApiKeys.generate();
            String apiKeyHash = ApiKeys.hash(apiKey);
            Instant graceEnds = current.isPresent() ? now.plus(body.grace()) : null;

            UpdateExpression update = guardedOn(new UpdateExpression(), current, previous);
            update.set(update.name(MERCHANT_API_KEY_HASH) + " = " + update.value(Attr.s(apiKeyHash)));
            if (current.isPresent()) {
                update.set(update.name(MERCHANT_PREVIOUS_API_KEY_HASH) + " = " + update.value(Attr.s(current.get())));
            } else if (previous.isPresent()) {
                update.remove(update.name(MERCHANT_PREVIOUS_API_KEY_HASH));
            }
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(update.build(context.tableName(), ProgramRepository.merchantKey(programId, merchantId)));
            items.add(ApiKeys.put(context.tableName(), apiKeyHash, merchantId, programId, now));
            current.ifPresent(hash -> items.add(ApiKeys.expireAt(context.tableName(), hash, graceEnds)));
            // At most two valid keys: the one still in an earlier grace period ends now.
            previous.ifPresent(hash -> items.add(ApiKeys.revoke(context.tableName(), hash, now)));

            KeyRotated answer = new KeyRotated(merchantId, programId, apiKey, now, graceEnds);
            // A replay must not reveal the key again: the stored answer omits it.
            KeyRotated replay = new KeyRotated(merchantId, programId, null, now, graceEnds);
            return new IdempotentWriter.Write(201, answer, replay, items, List.of());
        });
    }

    ApiResponse revoke(ApiRequest request) {
        String programId = request.pathParameter("programId");
        String merchantId = request.pathParameter("merchantId");
        RevokeKeysRequest body = request.body(RevokeKeysRequest.class);
        return writer.execute(request, () -> {
            Map<String, AttributeValue> merchant = existingMerchant(programId, merchantId);
            Optional<String> current = Attr.optionalString(merchant, MERCHANT_API_KEY_HASH);
            Optional<String> previous = Attr.optionalString(merchant, MERCHANT_PREVIOUS_API_KEY_HASH);
            Instant now = clock.instant();

            List<String> revoked = new ArrayList<>();
            UpdateExpression update = guardedOn(new UpdateExpression(), current, previous);
            if (body.all() && current.isPresent()) {
                revoked.add(current.get());
                update.remove(update.name(MERCHANT_API_KEY_HASH));
            }
            if (previous.isPresent()) {
                revoked.add(previous.get());
                update.remove(update.name(MERCHANT_PREVIOUS_API_KEY_HASH));
            }
            List<TransactWriteItem> items = new ArrayList<>();
            if (!revoked.isEmpty()) {
                items.add(update.build(context.tableName(), ProgramRepository.merchantKey(programId, merchantId)));
                revoked.forEach(hash -> items.add(ApiKeys.revoke(context.tableName(), hash, now)));
            }
            return new IdempotentWriter.Write(200, new KeysRevoked(merchantId, programId, now, revoked.size(),
                    ApiKeys.AUTHORIZER_CACHE_SECONDS), items, List.of());
        });
    }

    private Map<String, AttributeValue> existingMerchant(String programId, String merchantId) {
        return programs.findMerchantItem(programId, merchantId)
                .orElseThrow(() -> ApiException.notFound("Merchant " + merchantId + " in program " + programId));
    }

    /** The merchant item still names exactly the keys read: a concurrent rotation or revocation fails the guard. */
    private static UpdateExpression guardedOn(UpdateExpression update, Optional<String> current, Optional<String> previous) {
        update.condition("attribute_exists(PK)");
        update.condition(current.map(hash -> update.name(MERCHANT_API_KEY_HASH) + " = " + update.value(Attr.s(hash)))
                .orElseGet(() -> "attribute_not_exists(" + update.name(MERCHANT_API_KEY_HASH) + ")"));
        update.condition(previous.map(hash -> update.name(MERCHANT_PREVIOUS_API_KEY_HASH) + " = " + update.value(Attr.s(hash)))
                .orElseGet(() -> "attribute_not_exists(" + update.name(MERCHANT_PREVIOUS_API_KEY_HASH) + ")"));
        return update;
    }
}
