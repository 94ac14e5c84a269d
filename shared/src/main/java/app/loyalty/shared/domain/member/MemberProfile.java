package app.loyalty.shared.domain.member;

import app.loyalty.shared.domain.Text;

import java.time.LocalDate;
import java.util.HashMap;
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
        // The name reaches SMS, email and receipts: plain visible text only (see Text).
        name = Text.required("profile.name", name, 100);
        if (phone == null && email == null) {
            throw new IllegalArgumentException("profile needs a phone or an email");
        }
        if (phone != null && !PHONE.matcher(phone).matches()) {
            throw new IllegalArgumentException("profile.phone must be in E.164 form, e.g. +4915112345678");
        }
        if (email != null && (email.length() > 254 || !EMAIL.matcher(email).matches())) {
            throw new IllegalArgumentException("profile.email is not a valid address");
        }
        preferences = preferences == null ? Map.of() : preferences;
        if (preferences.size() > MAX_PREFERENCES) {
            throw new IllegalArgumentException("profile.preferences holds at most " + MAX_PREFERENCES + " entries");
        }
        Map<String, String> normalized = new HashMap<>();
        preferences.forEach((key, value) -> {
            if (key == null || !PREFERENCE_KEY.matcher(key).matches() || value == null) {
                throw new IllegalArgumentException(
                        "profile.preferences keys are camelCase identifiers (max 32), values strings up to 100 characters");
            }
            normalized.put(key, Text.optional("profile.preferences." + key, value, 100));
        });
        preferences = Map.copyOf(normalized);
    }

    /** Birth dates are checked against the clock, which the record cannot know. */
    public void requirePlausibleBirthDate(LocalDate today) {
        if (birthDate != null && (birthDate.isAfter(today) || birthDate.isBefore(today.minusYears(130)))) {
            throw new IllegalArgumentException("profile.birthDate must be in the past and within 130 years");
        }
    }
}
