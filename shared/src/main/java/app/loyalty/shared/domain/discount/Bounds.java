package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.Text;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Argument checks shared by the discount rules, so every refusal is an IllegalArgumentException naming the field
 * (the HTTP layer answers it as a 400 on PUT /v1/programs/{programId}/rules).
 */
final class Bounds {
    /** 100 % in basis points: no discount or cashback percentage may exceed it. */
    static final int ALL_BP = 10_000;
    /** The largest amount the API accepts for a purchase (10^10 minor units): a higher limit could never matter. */
    static final long MAX_AMOUNT = 10_000_000_000L;

    private Bounds() {
    }

    static int bp(String field, Integer value, int defaultValue) {
        int bp = value == null ? defaultValue : value;
        return range(field, bp, 0, ALL_BP);
    }

    static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    static long range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    /** An id the operator gives a rule: shown back in quotes, so short, plain and stable. */
    static String id(String field, String value) {
        if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException(field + " must be 1..64 letters, digits, '-' or '_' (starting with a letter or digit)");
        }
        return value;
    }

    /** SKUs and categories as purchase lines carry them (at most 64 characters there too). */
    static Set<String> texts(String field, Set<String> values) {
        if (values == null) {
            return Set.of();
        }
        if (values.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException(field + " must not contain null");
        }
        if (values.size() > 100) {
            throw new IllegalArgumentException(field + " must have at most 100 entries");
        }
        return values.stream().map(value -> Text.required(field + "[]", value, 64)).collect(Collectors.toUnmodifiableSet());
    }

    /** A map from category (as lines carry it) to basis points 0..10000. */
    static Map<String, Integer> categoryBp(String field, Map<String, Integer> values) {
        if (values == null) {
            return Map.of();
        }
        if (values.size() > 100) {
            throw new IllegalArgumentException(field + " must have at most 100 entries");
        }
        values.forEach((category, bp) -> {
            Text.required(field + " keys", category, 64);
            if (bp == null || bp < 0 || bp > ALL_BP) {
                throw new IllegalArgumentException(field + " values must be basis points 0..10000");
            }
        });
        return Map.copyOf(values);
    }
}
