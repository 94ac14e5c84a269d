package app.loyalty.shared.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The only wire forms of time the API reads: an instant is an RFC 3339 date-time string with seconds and an
 * offset ({@code 2026-11-23T09:30:00Z}, {@code 2026-11-23T10:30:00.5+01:00}), a date is {@code YYYY-MM-DD}.
 * JavaTimeModule alone also reads a JSON number or a numeric string as epoch seconds, an empty string as null,
 * and a date as the array {@code [1990,1,1]}: a checkout sending milliseconds would then post a purchase in
 * the year 50000, silently. Every Instant and LocalDate the one ObjectMapper reads goes through these.
 */
final class StrictTime {
    /** RFC 3339 section 5.6 with upper-case T and Z (which section 5.6 lets an application require). */
    static final Pattern DATE_TIME = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})");
    static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    static final String INSTANT_EXPECTED = "an RFC 3339 date-time with an offset, such as 2026-11-23T09:30:00Z";
    static final String DATE_EXPECTED = "a date as YYYY-MM-DD, such as 1990-12-10";

    private StrictTime() {
    }

    static SimpleModule module() {
        return new SimpleModule("StrictTime")
                .addDeserializer(Instant.class, new InstantDeserializer())
                .addDeserializer(LocalDate.class, new DateDeserializer());
    }

    /** What a client should send instead, for the types read here; null for any other type. */
    static String expected(Class<?> type) {
        if (type == Instant.class) {
            return INSTANT_EXPECTED;
        }
        return type == LocalDate.class ? DATE_EXPECTED : null;
    }

    private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            String text = parser.getText();
            if (DATE_TIME.matcher(text).matches()) {
                try {
                    return OffsetDateTime.parse(text).toInstant();
                } catch (DateTimeParseException outOfRange) {
                    // 2026-02-30T25:00:00Z has the shape but no instant: refused below like any other text.
                }
            }
            return (Instant) context.handleWeirdStringValue(Instant.class, text, INSTANT_EXPECTED);
        }
    }

    private static final class DateDeserializer extends StdScalarDeserializer<LocalDate> {
        DateDeserializer() {
            super(LocalDate.class);
        }

        @Override
        public LocalDate deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (LocalDate) context.handleUnexpectedToken(LocalDate.class, parser);
            }
            String text = parser.getText();
            if (DATE.matcher(text).matches()) {
                try {
                    return LocalDate.parse(text); // ISO_LOCAL_DATE resolves strictly: 1990-02-30 is refused
                } catch (DateTimeParseException noSuchDate) {
                    // refused below
                }
            }
            return (LocalDate) context.handleWeirdStringValue(LocalDate.class, text, DATE_EXPECTED);
        }
    }
}
