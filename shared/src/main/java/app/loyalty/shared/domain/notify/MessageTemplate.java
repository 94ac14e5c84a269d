package app.loyalty.shared.domain.notify;

import app.loyalty.shared.domain.Text;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One message text: {@code subject} (email subject, push title; SMS leaves it out) and {@code body}. Both may use
 * the placeholders {@link #PLACEHOLDERS} in braces, e.g. "You earned {points} points"; any other brace word is
 * refused when the template is saved, so a typo cannot reach a member as "{pionts}".
 */
public record MessageTemplate(String subject, String body) {
    public static final int MAX_SUBJECT = 120;
    /** Three SMS segments of GSM-7 text; a Cyrillic SMS is split sooner (70 per segment), which SNS does for us. */
    public static final int MAX_BODY = 480;
    public static final Set<String> PLACEHOLDERS = Set.of("points", "expiresOn", "tier", "discountPercent",
            "spendNeeded", "keepBy");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    public MessageTemplate {
        subject = Text.required("subject", subject, MAX_SUBJECT);
        body = Text.required("body", body, MAX_BODY);
        requireKnownPlaceholders("subject", subject);
        requireKnownPlaceholders("body", body);
    }

    private static void requireKnownPlaceholders(String field, String text) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            if (!PLACEHOLDERS.contains(matcher.group(1))) {
                throw new IllegalArgumentException(field + " uses the unknown placeholder {" + matcher.group(1)
                        + "}; known: {points}, {expiresOn}, {tier}, {discountPercent}, {spendNeeded}, {keepBy}");
            }
        }
    }

    /** The template with its placeholders filled; a placeholder the event has no value for is left empty. */
    public Rendered render(Map<String, String> values) {
        return new Rendered(fill(subject, values), fill(body, values));
    }

    private static String fill(String text, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(matcher.group(1), "")));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A filled-in template. */
    public record Rendered(String subject, String body) {
    }
}
