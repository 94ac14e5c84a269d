package app.loyalty.local.schedule;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EventBridge / Scheduler schedule expressions: {@code rate(5 minutes)}, {@code cron(0 3 * * ? *)} and
 * Scheduler's one-time {@code at(2026-12-01T00:00:00)}. Minute precision, as on AWS.
 * <p>
 * Cron fields are minutes, hours, day-of-month, month, day-of-week (1-7 = SUN-SAT), year, with * ? , - / and
 * names (JAN, MON); day-of-month L (last day) and day-of-week n#k (k-th weekday n of the month). The W and
 * day-of-week L forms are refused at start rather than misread.
 */
public sealed interface ScheduleExpression {

    /** The first occurrence strictly after {@code instant}, if there is one. */
    Optional<Instant> nextAfter(Instant instant);

    /**
     * @param anchor where rate() counts from (the runtime's start: EventBridge counts from the rule's creation)
     */
    static ScheduleExpression parse(String expression, ZoneId zone, Instant anchor) {
        String text = expression.strip();
        if (text.startsWith("rate(") && text.endsWith(")")) {
            return Rate.parse(text.substring(5, text.length() - 1), anchor);
        }
        if (text.startsWith("cron(") && text.endsWith(")")) {
            return Cron.parse(text.substring(5, text.length() - 1), zone);
        }
        if (text.startsWith("at(") && text.endsWith(")")) {
            return new At(LocalDateTime.parse(text.substring(3, text.length() - 1)).atZone(zone).toInstant());
        }
        throw new IllegalArgumentException("Unsupported schedule expression: " + expression);
    }

    record Rate(Duration period, Instant anchor) implements ScheduleExpression {
        private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s+(minute|minutes|hour|hours|day|days)");

        static Rate parse(String body, Instant anchor) {
            Matcher matcher = FORMAT.matcher(body.strip().toLowerCase(Locale.ROOT));
            if (!matcher.matches() || Long.parseLong(matcher.group(1)) <= 0) {
                throw new IllegalArgumentException("Unsupported rate expression: rate(" + body + ")");
            }
            long value = Long.parseLong(matcher.group(1));
            Duration period = switch (matcher.group(2).replaceAll("s$", "")) {
                case "minute" -> Duration.ofMinutes(value);
                case "hour" -> Duration.ofHours(value);
                default -> Duration.ofDays(value);
            };
            return new Rate(period, anchor);
        }

        @Override
        public Optional<Instant> nextAfter(Instant instant) {
            if (instant.isBefore(anchor)) {
                return Optional.of(anchor.plus(period));
            }
            long periods = Duration.between(anchor, instant).dividedBy(period) + 1;
            return Optional.of(anchor.plus(period.multipliedBy(periods)));
        }
    }

    record At(Instant at) implements ScheduleExpression {
        @Override
        public Optional<Instant> nextAfter(Instant instant) {
            return at.isAfter(instant) ? Optional.of(at) : Optional.empty();
        }
    }

    final class Cron implements ScheduleExpression {
        private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("JAN", 1), Map.entry("FEB", 2),
                Map.entry("MAR", 3), Map.entry("APR", 4), Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7),
                Map.entry("AUG", 8), Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11), Map.entry("DEC", 12));
        private static final Map<String, Integer> DAYS = Map.of("SUN", 1, "MON", 2, "TUE", 3, "WED", 4, "THU", 5,
                "FRI", 6, "SAT", 7);
        /** Far enough for any schedule that fires at all; a cron that never matches ends the search here. */
        private static final int MAX_DAYS_SEARCHED = 366 * 230;

        private final ZoneId zone;
        private final BitSet minutes;
        private final BitSet hours;
        private final BitSet daysOfMonth;
        private final boolean lastDayOfMonth;
        private final boolean anyDayOfMonth;
        private final BitSet months;
        private final BitSet daysOfWeek;
        private final List<int[]> nthDaysOfWeek; // {dayOfWeek 1-7, k}
        private final boolean anyDayOfWeek;
        private final BitSet years;

        private Cron(ZoneId zone, String[] fields) {
            this.zone = zone;
            this.minutes = field(fields[0], 0, 59, Map.of());
            this.hours = field(fields[1], 0, 23, Map.of());
            this.anyDayOfMonth = fields[2].equals("?");
            this.lastDayOfMonth = fields[2].equals("L");
            this.daysOfMonth = anyDayOfMonth || lastDayOfMonth ? new BitSet() : field(fields[2], 1, 31, Map.of());
            this.months = field(fields[3], 1, 12, MONTHS);
            this.anyDayOfWeek = fields[4].equals("?");
            this.nthDaysOfWeek = new ArrayList<>();
            if (fields[4].contains("#")) {
                String[] parts = fields[4].split("#");
                nthDaysOfWeek.add(new int[] {value(parts[0], DAYS), Integer.parseInt(parts[1])});
                this.daysOfWeek = new BitSet();
            } else {
                this.daysOfWeek = anyDayOfWeek ? new BitSet() : field(fields[4], 1, 7, DAYS);
            }
            this.years = field(fields[5], 1970, 2199, Map.of());
        }

        static Cron parse(String body, ZoneId zone) {
            String[] fields = body.strip().toUpperCase(Locale.ROOT).split("\\s+");
            if (fields.length != 6) {
                throw new IllegalArgumentException("cron(" + body + ") needs 6 fields: minutes hours day-of-month month day-of-week year");
            }
            if (fields[2].contains("W") || (fields[4].contains("L") && !fields[4].equals("L"))) {
                throw new IllegalArgumentException("cron(" + body + "): the W and day-of-week L forms are not supported locally");
            }
            try {
                return new Cron(zone, fields);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Invalid cron(" + body + "): " + e.getMessage(), e);
            }
        }

        @Override
        public Optional<Instant> nextAfter(Instant instant) {
            LocalDateTime start = LocalDateTime.ofInstant(instant, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            LocalDate date = start.toLocalDate();
            for (int day = 0; day < MAX_DAYS_SEARCHED; day++, date = date.plusDays(1)) {
                if (!matches(date)) {
                    continue;
                }
                LocalTime from = day == 0 ? start.toLocalTime() : LocalTime.MIDNIGHT;
                for (int hour = hours.nextSetBit(from.getHour()); hour >= 0; hour = hours.nextSetBit(hour + 1)) {
                    int firstMinute = hour == from.getHour() ? from.getMinute() : 0;
                    int minute = minutes.nextSetBit(firstMinute);
                    if (minute >= 0) {
                        // A time in a DST gap moves forward, as the scheduler does.
                        return Optional.of(ZonedDateTime.of(date, LocalTime.of(hour, minute), zone).toInstant());
                    }
                }
            }
            return Optional.empty();
        }

        private boolean matches(LocalDate date) {
            if (!years.get(date.getYear()) || !months.get(date.getMonthValue())) {
                return false;
            }
            boolean dayOfMonth = anyDayOfMonth
                    || (lastDayOfMonth ? date.equals(date.with(TemporalAdjusters.lastDayOfMonth())) : daysOfMonth.get(date.getDayOfMonth()));
            int awsDayOfWeek = date.getDayOfWeek().getValue() % 7 + 1; // SUN=1 .. SAT=7
            boolean dayOfWeek = anyDayOfWeek || daysOfWeek.get(awsDayOfWeek) || nthDaysOfWeek.stream().anyMatch(nth ->
                    date.equals(date.with(TemporalAdjusters.dayOfWeekInMonth(nth[1], javaDay(nth[0])))));
            return dayOfMonth && dayOfWeek;
        }

        private static DayOfWeek javaDay(int awsDay) {
            return DayOfWeek.of(awsDay == 1 ? 7 : awsDay - 1);
        }

        private static BitSet field(String text, int min, int max, Map<String, Integer> names) {
            BitSet set = new BitSet();
            for (String part : text.split(",")) {
                int step = 1;
                String range = part;
                int slash = part.indexOf('/');
                if (slash >= 0) {
                    step = Integer.parseInt(part.substring(slash + 1));
                    range = part.substring(0, slash);
                }
                int from;
                int to;
                if (range.equals("*") || range.equals("?")) {
                    from = min;
                    to = max;
                } else if (range.contains("-")) {
                    String[] bounds = range.split("-");
                    from = value(bounds[0], names);
                    to = value(bounds[1], names);
                } else {
                    from = value(range, names);
                    to = slash >= 0 ? max : from;
                }
                if (from < min || to > max || from > to || step <= 0) {
                    throw new IllegalArgumentException("'" + part + "' is outside " + min + "-" + max);
                }
                for (int v = from; v <= to; v += step) {
                    set.set(v);
                }
            }
            return set;
        }

        private static int value(String text, Map<String, Integer> names) {
            Integer named = names.get(text);
            return named != null ? named : Integer.parseInt(text);
        }
    }
}
