package app.loyalty.shared.domain.notify;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A program's notification settings (PUT /v1/programs/{programId}/notification-settings): the time zone its quiet
 * hours and dates are in (always the program's own {@code rules.timeZone}, the one source of the program's calendar:
 * stored settings hold none, {@code timeZone} is filled in from the program when read; null = not known here,
 * UTC), the language for members who name none we support, quiet hours, which channels each event uses,
 * and template overrides per event and language (the rest come from {@link DefaultTemplates}).
 * Every field may be left out and takes its default.
 */
public record NotificationSettings(String timeZone, String defaultLanguage, QuietHoursSetting quietHours,
                                   Map<String, List<String>> channels,
                                   Map<String, Map<String, MessageTemplate>> templates) {
    public static final NotificationSettings DEFAULT = new NotificationSettings(null, null, null, null, null);
    private static final DateTimeFormatter HOUR_MINUTE = DateTimeFormatter.ofPattern("HH:mm");

    /** Quiet hours as the API takes them: local "HH:mm" times. */
    public record QuietHoursSetting(String start, String end) {
        public QuietHours toQuietHours() {
            return new QuietHours(time("quietHours.start", start), time("quietHours.end", end));
        }

        private static LocalTime time(String field, String value) {
            try {
                return LocalTime.parse(value == null ? "" : value, HOUR_MINUTE);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(field + " must be a local time HH:mm, e.g. 21:00");
            }
        }
    }

    public NotificationSettings {
        try {
            if (timeZone != null) {
                ZoneId.of(timeZone);
            }
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("timeZone must be an IANA time zone such as Europe/Chisinau");
        }
        defaultLanguage = Language.require("defaultLanguage", defaultLanguage == null ? Language.ENGLISH : defaultLanguage);
        if (quietHours != null) {
            quietHours.toQuietHours();
        }
        channels = channels == null ? Map.of() : channels;
        channels.forEach((eventType, list) -> {
            requireEventType("channels", eventType);
            if (list == null || list.stream().anyMatch(java.util.Objects::isNull) || Set.copyOf(list).size() != list.size()) {
                throw new IllegalArgumentException("channels." + eventType + " lists distinct channels (sms, email, push), possibly none");
            }
            list.forEach(Channel::fromWire);
        });
        channels = Map.copyOf(channels);
        templates = templates == null ? Map.of() : templates;
        Map<String, Map<String, MessageTemplate>> copy = new HashMap<>();
        templates.forEach((eventType, byLanguage) -> {
            requireEventType("templates", eventType);
            if (byLanguage == null) {
                throw new IllegalArgumentException("templates." + eventType + " maps languages to templates");
            }
            byLanguage.forEach((language, template) -> {
                Language.require("templates." + eventType + " language", language);
                if (template == null) {
                    throw new IllegalArgumentException("templates." + eventType + "." + language + " needs subject and body");
                }
            });
            copy.put(eventType, Map.copyOf(byLanguage));
        });
        templates = Map.copyOf(copy);
    }

    private static void requireEventType(String field, String eventType) {
        if (!DefaultTemplates.EVENT_TYPES.contains(eventType)) {
            throw new IllegalArgumentException(field + " keys are event types: "
                    + String.join(", ", DefaultTemplates.EVENT_TYPES.stream().sorted().toList()));
        }
    }

    public ZoneId zone() {
        return ZoneId.of(timeZone == null ? "UTC" : timeZone);
    }

    /** These settings in the program's time zone ({@code rules.timeZone}; null: none). */
    public NotificationSettings withTimeZone(String zone) {
        return new NotificationSettings(zone, defaultLanguage, quietHours, channels, templates);
    }

    public QuietHours effectiveQuietHours() {
        return quietHours == null ? QuietHours.NONE : quietHours.toQuietHours();
    }

    /** The channels an event goes out on (before consents): all three unless the program chose otherwise. */
    public Set<Channel> channelsFor(String eventType) {
        List<String> chosen = channels.get(eventType);
        EnumSet<Channel> out = chosen == null ? EnumSet.allOf(Channel.class) : EnumSet.noneOf(Channel.class);
        if (chosen != null) {
            chosen.forEach(name -> out.add(Channel.fromWire(name)));
        }
        return out;
    }

    /** The language a member's preference resolves to: theirs when supported, else the program's default. */
    public String languageFor(String preference) {
        return Language.supported(preference).orElse(defaultLanguage);
    }

    /** The program's override, else the shipped template. */
    public Optional<MessageTemplate> template(String eventType, String language) {
        MessageTemplate override = templates.getOrDefault(eventType, Map.of()).get(language);
        return override != null ? Optional.of(override) : DefaultTemplates.of(eventType, language);
    }
}
