package app.loyalty.shared.domain;

import java.text.Normalizer;

/**
 * The one rule for human-readable text a client sends (program, merchant and member names, preferences, any
 * free text): what reaches a receipt, an SMS, an email or a support screen must be plain, visible text.
 * <ul>
 *   <li>Well-formed Unicode: a lone surrogate cannot be stored (DynamoDB's UTF-8 would turn it into "?").</li>
 *   <li>No control characters (Cc: NUL, escape, newlines, ...), no line or paragraph separators (Zl, Zp) and no
 *       format characters (Cf: bidi overrides and isolates that reorder what a reader sees, zero-width spaces,
 *       the BOM, tag characters). The only format characters let through are the zero-width joiner and
 *       non-joiner (U+200D, U+200C), which emoji sequences and Persian or Indic spelling need.</li>
 *   <li>No noncharacters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF) and no U+FFFD: a replacement character in a name
 *       is the mark of a lossy decoding upstream, and storing it would make that loss permanent.</li>
 *   <li>Normalized, not refused, to NFC: the same name typed on two keyboards (precomposed "é" or "e" plus a
 *       combining accent) is then one string, so it compares, sorts and counts the same. Leading and trailing
 *       white space is stripped.</li>
 *   <li>Length caps count code points, what a person counts as characters far more closely than UTF-16 units
 *       do (an emoji is one, not two). They hold for the text as sent (openapi.yaml's maxLength, which JSON
 *       Schema counts in code points) and for the normalized text (NFC can lengthen a few scripts).</li>
 * </ul>
 * Refusals are IllegalArgumentExceptions naming the field, which the HTTP layer answers as 400s.
 */
public final class Text {
    private static final int ZERO_WIDTH_NON_JOINER = 0x200C;
    private static final int ZERO_WIDTH_JOINER = 0x200D;
    private static final int REPLACEMENT_CHARACTER = 0xFFFD;

    private Text() {
    }

    /** The normalized value of a required field: 1..{@code maxCodePoints} code points after stripping. */
    public static String required(String field, String value, int maxCodePoints) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        String text = clean(field, capped(field, value, maxCodePoints));
        if (text.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return capped(field, text, maxCodePoints);
    }

    /** As {@link #required} when present; null stays null. An empty string is kept (the field was sent). */
    public static String optional(String field, String value, int maxCodePoints) {
        return value == null ? null : capped(field, clean(field, capped(field, value, maxCodePoints)), maxCodePoints);
    }

    private static String clean(String field, String value) {
        String refused = firstRefused(value);
        if (refused != null) {
            throw new IllegalArgumentException(field + " must not contain " + refused);
        }
        return Normalizer.normalize(value, Normalizer.Form.NFC).strip();
    }

    private static String capped(String field, String text, int maxCodePoints) {
        if (text.codePointCount(0, text.length()) > maxCodePoints) {
            throw new IllegalArgumentException(field + " must be at most " + maxCodePoints + " characters");
        }
        return text;
    }

    /** What is wrong with the first refused character, or null when every character is allowed. */
    private static String firstRefused(String value) {
        // codePoints() pairs surrogates that belong together and yields a lone one as itself.
        return value.codePoints().mapToObj(Text::refusal).filter(r -> r != null).findFirst().orElse(null);
    }

    private static String refusal(int cp) {
        return switch (Character.getType(cp)) {
            case Character.SURROGATE -> "a lone surrogate (U+" + hex(cp) + "): it is not well-formed Unicode";
            case Character.CONTROL -> "control characters (U+" + hex(cp) + ")";
            case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> "line or paragraph separators (U+" + hex(cp) + ")";
            case Character.FORMAT -> cp == ZERO_WIDTH_JOINER || cp == ZERO_WIDTH_NON_JOINER ? null
                    : "invisible formatting characters such as bidi overrides (U+" + hex(cp) + ")";
            default -> cp == REPLACEMENT_CHARACTER || isNoncharacter(cp)
                    ? "the replacement character or noncharacters (U+" + hex(cp) + ")" : null;
        };
    }

    private static boolean isNoncharacter(int cp) {
        return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    private static String hex(int cp) {
        return String.format("%04X", cp);
    }
}
