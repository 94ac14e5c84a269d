package app.loyalty.shared.domain.notify;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The languages messages are written in (ISO 639-1). A member's language is the {@code language} entry of the
 * profile's preferences; one we have no templates for falls back to the program's default language.
 */
public final class Language {
    public static final String ENGLISH = "en";
    public static final String RUSSIAN = "ru";
    public static final String ROMANIAN = "ro";
    public static final Set<String> SUPPORTED = Set.of(ENGLISH, RUSSIAN, ROMANIAN);
    /** The profile preference that names the member's language. */
    public static final String PREFERENCE = "language";

    private Language() {
    }

    /** The supported language a preference such as "RO" or "ru-MD" names, if any. */
    public static Optional<String> supported(String preference) {
        if (preference == null || preference.isBlank()) {
            return Optional.empty();
        }
        String primary = preference.strip().toLowerCase(Locale.ROOT).split("[-_]", 2)[0];
        return SUPPORTED.contains(primary) ? Optional.of(primary) : Optional.empty();
    }

    public static String require(String field, String value) {
        if (value == null || !SUPPORTED.contains(value)) {
            throw new IllegalArgumentException(field + " must be one of " + String.join(", ", SUPPORTED.stream().sorted().toList()));
        }
        return value;
    }
}
