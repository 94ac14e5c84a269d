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
 */
public final class ContactHasher {
    /** The configuration name of the key (template parameter ContactHashKey, local runtime and tests: a fixed key). */
    public static final String KEY_SETTING = "CONTACT_HASH_KEY";
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

    private final SecretKeySpec key;

    public ContactHasher(String secret) {
        Objects.requireNonNull(secret, KEY_SETTING);
        if (secret.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException(KEY_SETTING + " must be at least " + MIN_KEY_LENGTH + " characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
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
