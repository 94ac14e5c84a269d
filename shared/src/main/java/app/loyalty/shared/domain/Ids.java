package app.loyalty.shared.domain;

import java.security.SecureRandom;

/**
 * Opaque, unguessable ids with a type prefix (prg_, mch_, mbr_ ...), so an id read in a log or a support
 * ticket says what it names. 20 characters of Crockford base32 carry 100 random bits.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId(String prefix) {
        char[] id = new char[20];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return prefix + "_" + new String(id);
    }

    public static boolean looksLike(String prefix, String candidate) {
        return candidate != null && candidate.matches(prefix + "_[0-9a-hjkmnp-tv-z]{20}");
    }
}
