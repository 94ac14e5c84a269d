package app.loyalty.shared.domain.notify;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Hours of the program's local day in which no message goes out, from {@code start} (inclusive) to {@code end}
 * (exclusive); start after end spans midnight (22:00-08:00). Equal start and end mean no quiet hours.
 * A message due in quiet hours is deferred to their end, local time (a DST gap moves it to the first valid instant).
 */
public record QuietHours(LocalTime start, LocalTime end) {
    public static final QuietHours NONE = new QuietHours(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);

    public QuietHours {
        if (start == null || end == null) {
            throw new IllegalArgumentException("quietHours needs start and end, e.g. {\"start\": \"21:00\", \"end\": \"09:00\"}");
        }
        if (start.getSecond() != 0 || start.getNano() != 0 || end.getSecond() != 0 || end.getNano() != 0) {
            throw new IllegalArgumentException("quietHours.start and end are whole minutes (HH:mm)");
        }
    }

    /** When a message due {@code now} may go out: empty when now is outside quiet hours (send now). */
    public Optional<Instant> deferUntil(Instant now, ZoneId zone) {
        if (start.equals(end)) {
            return Optional.empty();
        }
        ZonedDateTime local = now.atZone(zone);
        LocalTime time = local.toLocalTime();
        boolean quiet = start.isBefore(end)
                ? !time.isBefore(start) && time.isBefore(end)
                : !time.isBefore(start) || time.isBefore(end);
        if (!quiet) {
            return Optional.empty();
        }
        // The end on the same local day, or the next day when the quiet hours span midnight and we are before it.
        LocalDateTime endToday = local.toLocalDate().atTime(end);
        LocalDateTime until = time.isBefore(end) ? endToday : endToday.plusDays(1);
        return Optional.of(until.atZone(zone).toInstant());
    }
}
