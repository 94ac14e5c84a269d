package app.loyalty.shared.domain.member;

import java.time.LocalDate;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The member's personal data: the only place PII lives. It is stored only in the member profile item and
 * never copied into ledger entries, events, logs or idempotency records.
 */
public record MemberProfile(String name, String phone, String email, LocalDate birthDate, Map<String, String> preferences) {
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern PREFERENCE_KEY = Pattern.compile("[a-z][A-Za-z0-9]{0,31}");
    public static final int MAX_PREFERENCES = 20;

    public MemberProfile {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("profile.name is required, at most 100 characters");
        }
        name = name.strip();
        // Control and invisible formatting characters (NUL, right-to-left overrides) would reach SMS and email.
        if (name.codePoints().anyMatch(cp -> Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT)) {
            throw new IllegalArgumentException("profile.name must not contain control or formatting characters");
        }
        if (phone == null && email == null) {
            throw new IllegalArgumentException("profile needs a phone or an email");
        }
        if (phone != null && !PHONE.matcher(phone).matches()) {
            throw new IllegalArgumentException("profile.phone must be in E.164 form, e.g. +4915112345678");
        }
        if (email != null && (email.length() > 254 || !EMAIL.matcher(email).matches())) {
            throw new IllegalArgumentException("profile.email is not a valid address");
        }
        preferences = preferences == null ? Map.of() : Map.copyOf(preferences);
        if (preferences.size() > MAX_PREFERENCES) {
            throw new IllegalArgumentException("profile.preferences holds at most " + MAX_PREFERENCES + " entries");
        }
        preferences.forEach((key, value) -> {
            if (!PREFERENCE_KEY.matcher(key).matches() || value == null || value.length() > 100) {
                throw new IllegalArgumentException(
                        "profile.preferences keys are camelCase identifiers (max 32), values strings up to 100 characters");
            }
        });
    }

    /** Birth dates are checked against the clock, which the record cannot know. */
    public void requirePlausibleBirthDate(LocalDate today) {
        if (birthDate != null && (birthDate.isAfter(today) || birthDate.isBefore(today.minusYears(130)))) {
            throw new IllegalArgumentException("profile.birthDate must be in the past and within 130 years");
        }
    }
}
