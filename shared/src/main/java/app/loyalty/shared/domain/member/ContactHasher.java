package app.loyalty.shared.domain.member;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns a contact (phone, email) or a merchant's customer id into the key of its uniqueness item: HMAC-SHA256 with a
 * secret key of the normalised value. A plain hash would not do: phone numbers are few enough to hash them all, so
 * anyone reading the table could reverse an unkeyed hash; without the key the digest names nobody. The same function
 * serves enrolment, PATCH and lookup, so a lookup finds exactly what enrolment stored.
 *
 * <p>Normalisation: a phone is E.164 (what {@link MemberProfile} accepts) with surrounding blanks, spaces, dashes and
 * brackets removed (and the leading + restored when a query string turned it into a space); an email is trimmed and lower-cased (the local part is case-insensitive at every provider that
 * matters, and two members differing only in case are one person); an external id is trimmed only.
 *
 * <p>Key versions: every key has an id ({@link #keyId()}), stored on the uniqueness items it keys. During a rotation
 * the hasher of the new key carries the previous one ({@link #previous()}): enrolment refuses a contact held under
 * either key and writes the current one, lookup finds either, and the re-keying job moves items from the previous key
 * to the current one (docs/members.md, "Rotating the contact hash key").
 */
public final class ContactHasher {
    /** The configuration name of the key (template parameter ContactHashKey, local runtime and tests: a fixed key). */
    public static final String KEY_SETTING = "CONTACT_HASH_KEY";
    /** The id of that key (template parameter ContactHashKeyId); {@link #DEFAULT_KEY_ID} when not set. */
    public static final String KEY_ID_SETTING = "CONTACT_HASH_KEY_ID";
    /** During a rotation only: the key before the current one, and its id (parameters ContactHashPreviousKey[Id]). */
    public static final String PREVIOUS_KEY_SETTING = "CONTACT_HASH_PREVIOUS_KEY";
    public static final String PREVIOUS_KEY_ID_SETTING = "CONTACT_HASH_PREVIOUS_KEY_ID";
    /** The id of a key configured without one: the first key of every deployment. */
    public static final String DEFAULT_KEY_ID = "k1";
    private static final java.util.regex.Pattern KEY_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,16}");
    /** Shorter keys are refused: HMAC's strength is the key's. */
    public static final int MIN_KEY_LENGTH = 32;
    /** The key the local runtime and tests use; never deployed (the template parameter has no default). */
    public static final String TEST_KEY = "local-and-test-contact-hash-key-not-a-secret";

    public enum Kind {
        PHONE("phone"), EMAIL("email"), EXTERNAL_ID("externalId");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        /** The name the API and the uniqueness items use. */
        public String field() {
            return field;
        }
    }

    private final String keyId;
    private final SecretKeySpec key;
    private final ContactHasher previous;

    /** A key with the default id and no rotation under way. */
    public ContactHasher(String secret) {
        this(DEFAULT_KEY_ID, secret);
    }

    public ContactHasher(String keyId, String secret) {
        this(keyId, keyOf(secret), null);
    }

    private static SecretKeySpec keyOf(String secret) {
        Objects.requireNonNull(secret, KEY_SETTING);
        if (secret.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException(KEY_SETTING + " must be at least " + MIN_KEY_LENGTH + " characters");
        }
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    private ContactHasher(String keyId, SecretKeySpec key, ContactHasher previous) {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException(KEY_ID_SETTING + " must be 1-16 letters, digits, _ or -");
        }
        if (previous != null && previous.keyId.equals(keyId)) {
            throw new IllegalArgumentException("The previous contact hash key must have another id than the current one ("
                    + keyId + ")");
        }
        this.keyId = keyId;
        this.key = key;
        this.previous = previous;
    }

    /** This key during a rotation away from {@code previousKeyId}'s key. */
    public ContactHasher rotatingFrom(String previousKeyId, String previousSecret) {
        return new ContactHasher(keyId, key, new ContactHasher(previousKeyId, previousSecret));
    }

    /**
     * The hasher the settings describe: {@link #KEY_SETTING} (required) with {@link #KEY_ID_SETTING}, and, when
     * {@link #PREVIOUS_KEY_SETTING} is set (non-blank), the previous key with {@link #PREVIOUS_KEY_ID_SETTING}.
     */
    public static ContactHasher fromSettings(java.util.function.Function<String, java.util.Optional<String>> settings) {
        String secret = settings.apply(KEY_SETTING).orElseThrow(() -> new IllegalStateException(KEY_SETTING + " is not set"));
        ContactHasher current = new ContactHasher(settings.apply(KEY_ID_SETTING).filter(v -> !v.isBlank()).orElse(DEFAULT_KEY_ID), secret);
        java.util.Optional<String> previousSecret = settings.apply(PREVIOUS_KEY_SETTING).filter(v -> !v.isBlank());
        if (previousSecret.isEmpty()) {
            return current;
        }
        String previousId = settings.apply(PREVIOUS_KEY_ID_SETTING).filter(v -> !v.isBlank()).orElseThrow(
                () -> new IllegalStateException(PREVIOUS_KEY_ID_SETTING + " must name the previous key"));
        return current.rotatingFrom(previousId, previousSecret.get());
    }

    public String keyId() {
        return keyId;
    }

    /** The key being rotated away from, while a rotation is under way. */
    public java.util.Optional<ContactHasher> previous() {
        return java.util.Optional.ofNullable(previous);
    }

    /** Lower-case hex HMAC-SHA256 of the kind and the normalised value (the kind keeps a phone and an id apart). */
    public String hash(Kind kind, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((kind.field() + ":" + normalise(kind, value)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    public static String normalise(Kind kind, String value) {
        Objects.requireNonNull(value, kind.field());
        return switch (kind) {
            case PHONE -> {
                String digits = value.strip().replaceAll("[\\s()\\-]", "");
                // A "+" sent unencoded in a query string arrives as a space: E.164 always has it, so put it back.
                yield digits.startsWith("+") ? digits : "+" + digits;
            }
            case EMAIL -> value.strip().toLowerCase(Locale.ROOT);
            case EXTERNAL_ID -> value.strip();
        };
    }
}
