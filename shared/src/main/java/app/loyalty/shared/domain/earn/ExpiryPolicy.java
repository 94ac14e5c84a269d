package app.loyalty.shared.domain.earn;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * When earned points burn. The instant computed is the lot's {@code expiresAt}: the <em>first instant the points
 * are gone</em> (a lot with expiresAt == now is expired). All calendar arithmetic is in the program's time zone
 * {@code zone} (ProgramRules.timeZone, default UTC); "midnight" below is the start of that day there (a DST gap
 * moves it to the first valid instant):
 * <ul>
 *   <li>{@code DAYS_AFTER_EARNING(n)}: midnight of the day after the local day of earnedAt + n x 24 h (so the points
 *       last through that whole local day), and never before the day after the points become available;</li>
 *   <li>{@code END_OF_MONTH}: midnight of the 1st of the month after the one in which the points become
 *       available (spendable through the last nanosecond of that month, local time);</li>
 *   <li>{@code END_OF_YEAR}: midnight of 1 January of the year after the one in which they become available;</li>
 *   <li>{@code NEVER}: no expiry.</li>
 * </ul>
 * The calendar policies count from availability rather than earning, so pending points that activate after a
 * month end do not burn before they could ever be spent; without pending days both are the same instant.
 * Every policy yields a local midnight after availableAt: points are never pending and expired at once, and a member's
 * points expire on at most one instant per day, which keeps the member figures ({@code PointsFigures}) small.
 *
 * @param days the n of DAYS_AFTER_EARNING (1..3650); 0 for the other kinds
 * @param zone the time zone whose days and months the policy counts
 */
public record ExpiryPolicy(Kind kind, int days, ZoneId zone) {

    public enum Kind { DAYS_AFTER_EARNING, END_OF_MONTH, END_OF_YEAR, NEVER }

    public static final ExpiryPolicy END_OF_MONTH = new ExpiryPolicy(Kind.END_OF_MONTH, 0);
    public static final ExpiryPolicy END_OF_YEAR = new ExpiryPolicy(Kind.END_OF_YEAR, 0);
    public static final ExpiryPolicy NEVER = new ExpiryPolicy(Kind.NEVER, 0);

    /** A policy counting UTC days. */
    public ExpiryPolicy(Kind kind, int days) {
        this(kind, days, ZoneOffset.UTC);
    }

    public ExpiryPolicy {
        Objects.requireNonNull(kind, "kind");
        // "UTC" and "Z" count the same days: one value for both, so equal policies are equal records.
        zone = Objects.requireNonNull(zone, "zone").normalized();
        if (kind == Kind.DAYS_AFTER_EARNING ? days < 1 || days > 3650 : days != 0) {
            throw new IllegalArgumentException("days must be 1..3650 for DAYS_AFTER_EARNING and 0 otherwise");
        }
    }

    public static ExpiryPolicy daysAfterEarning(int days) {
        return new ExpiryPolicy(Kind.DAYS_AFTER_EARNING, days);
    }

    /** The same policy counting the days of {@code zone}. */
    public ExpiryPolicy inZone(ZoneId otherZone) {
        return new ExpiryPolicy(kind, days, otherZone);
    }

    /** expiresAt for points earned and available at the same instant. */
    public Optional<Instant> expiresAt(Instant earnedAt) {
        return expiresAt(earnedAt, earnedAt);
    }

    /** expiresAt for points earned at {@code earnedAt} that become available at {@code availableAt}. */
    public Optional<Instant> expiresAt(Instant earnedAt, Instant availableAt) {
        Objects.requireNonNull(earnedAt, "earnedAt");
        Objects.requireNonNull(availableAt, "availableAt");
        LocalDate availableOn = LocalDate.ofInstant(availableAt, zone);
        return switch (kind) {
            case DAYS_AFTER_EARNING -> {
                Instant lastDay = later(earnedAt.plus(Duration.ofDays(days)), availableAt);
                yield Optional.of(startOfDay(LocalDate.ofInstant(lastDay, zone).plusDays(1)));
            }
            case END_OF_MONTH -> Optional.of(startOfDay(availableOn.withDayOfMonth(1).plusMonths(1)));
            case END_OF_YEAR -> Optional.of(startOfDay(availableOn.withDayOfYear(1).plusYears(1)));
            case NEVER -> Optional.empty();
        };
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private Instant startOfDay(LocalDate date) {
        return date.atStartOfDay(zone).toInstant();
    }
}
