package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.notify.Channel;
import app.loyalty.shared.domain.notify.Language;
import app.loyalty.shared.domain.segment.Segment;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the operator asks for: who ({@link Segment}), what (a text per language), when ({@code sendAt}), on which
 * channels, and optionally a personal offer naming the member's preferred products. Also the body of the dry run,
 * where only {@code segment} and {@code channels} matter.
 */
record CampaignDefinition(String name, Segment segment, Map<String, Text> messages, String defaultLanguage,
                          Instant sendAt, List<String> channels, PersonalOffer personalOffer) {
    static final Set<String> PLACEHOLDERS = Set.of("points", "products");
    /** The Scheduler needs the time in the future; a minute leaves room for the request itself. */
    static final Duration MIN_LEAD = Duration.ofMinutes(1);
    static final Duration MAX_LEAD = Duration.ofDays(366);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    /** One language's text: {@code subject} (email subject, push title) and {@code body} (SMS text, email and push body). */
    record Text(String subject, String body) {
    }

    /**
     * A personal offer: {@code {products}} in the text becomes the member's preference {@code preference} (default
     * {@code preferredProducts}, e.g. "latte, croissant"), or {@code fallback} for members who named none.
     */
    record PersonalOffer(String preference, String fallback) {
        String preferenceKey() {
            return preference == null ? "preferredProducts" : preference;
        }
    }

    /** The channels asked for, in order, without repeats; none named means all three. */
    List<Channel> channelList() {
        if (channels == null || channels.isEmpty()) {
            return List.of(Channel.SMS, Channel.EMAIL, Channel.PUSH);
        }
        Set<Channel> out = new LinkedHashSet<>();
        for (String channel : channels) {
            if (!out.add(Channel.fromWire(channel))) {
                throw new IllegalArgumentException("channels lists " + channel + " twice");
            }
        }
        return List.copyOf(out);
    }

    Segment segmentOrEveryone() {
        return segment == null ? Segment.EVERYONE : segment;
    }

    /**
     * Checks a campaign's texts, channels and offer; answers it with the defaults filled in. IllegalArgumentException:
     * 400. The send time is checked apart ({@link #requireSendAtAhead}), inside the idempotent write, so that a retry
     * after the send time replays the first answer instead of refusing.
     */
    CampaignDefinition validated(String programDefaultLanguage) {
        String checkedName = app.loyalty.shared.domain.Text.required("name", name, 100);
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("messages needs a text for at least one language (en, ru, ro)");
        }
        Map<String, Text> checked = new TreeMap<>();
        messages.forEach((language, text) -> {
            Language.require("messages key", language);
            if (text == null) {
                throw new IllegalArgumentException("messages." + language + " needs subject and body");
            }
            String subject = app.loyalty.shared.domain.Text.required("messages." + language + ".subject", text.subject(), 120);
            String body = app.loyalty.shared.domain.Text.required("messages." + language + ".body", text.body(), 480);
            requirePlaceholders("messages." + language, subject + " " + body);
            checked.put(language, new Text(subject, body));
        });
        String fallbackLanguage = defaultLanguage != null ? defaultLanguage
                : checked.containsKey(programDefaultLanguage) ? programDefaultLanguage : checked.keySet().iterator().next();
        if (!checked.containsKey(fallbackLanguage)) {
            throw new IllegalArgumentException("defaultLanguage " + fallbackLanguage + " has no text in messages");
        }
        List<String> channelNames = channelList().stream().map(Channel::wireName).toList();
        PersonalOffer offer = personalOffer;
        if (offer != null) {
            String key = offer.preferenceKey();
            if (!key.matches("[a-z][A-Za-z0-9]{0,31}")) {
                throw new IllegalArgumentException("personalOffer.preference is a preference key (camelCase, up to 32)");
            }
            offer = new PersonalOffer(key, app.loyalty.shared.domain.Text.required("personalOffer.fallback", offer.fallback(), 100));
        } else if (checked.values().stream().anyMatch(text -> (text.subject() + text.body()).contains("{products}"))) {
            throw new IllegalArgumentException("{products} needs a personalOffer (which preference, and the text for members without one)");
        }
        return new CampaignDefinition(checkedName, segmentOrEveryone(), checked, fallbackLanguage,
                sendAt == null ? null : sendAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), channelNames, offer);
    }

    /** The scheduler needs a time ahead; a year bounds how long a forgotten campaign waits. */
    void requireSendAtAhead(Instant now) {
        if (sendAt == null || sendAt.isBefore(now.plus(MIN_LEAD)) || sendAt.isAfter(now.plus(MAX_LEAD))) {
            throw new IllegalArgumentException("sendAt must be between 1 minute and 366 days from now");
        }
    }

    private static void requirePlaceholders(String field, String text) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            if (!PLACEHOLDERS.contains(matcher.group(1))) {
                throw new IllegalArgumentException(field + " uses the unknown placeholder {" + matcher.group(1)
                        + "}; known: {points}, {products}");
            }
        }
    }

    /** The member's language if the campaign speaks it, else the campaign's default. */
    String languageFor(String preference) {
        return Language.supported(preference).filter(messages::containsKey).orElse(defaultLanguage);
    }

    /** The text for one member: {@code {points}} their available points, {@code {products}} their preferred products. */
    Text render(String language, long availablePoints, Map<String, String> preferences) {
        Text text = messages.get(language);
        Map<String, String> values = new java.util.HashMap<>();
        values.put("points", Long.toString(availablePoints));
        if (personalOffer != null) {
            String products = preferences.get(personalOffer.preferenceKey());
            values.put("products", products == null || products.isBlank() ? personalOffer.fallback() : products);
        }
        return new Text(fill(text.subject(), values), fill(text.body(), values));
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
}
