package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.program.ProgramRules;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * When points earned now burn, per the program's expiry policy (UTC). {@code expiresAt} is the first instant the
 * points are gone (PointsLot's convention):
 * <ul>
 *   <li>DAYS_AFTER_EARNING: earnedAt + days;</li>
 *   <li>END_OF_MONTH: the start of the month after the one in which the points become available;</li>
 *   <li>END_OF_YEAR: the start of the year after the one in which they become available;</li>
 *   <li>NEVER: null.</li>
 * </ul>
 * The calendar policies count from availability, so pending points never burn before they could be spent.
 */
final class Expiries {
    private Expiries() {
    }

    static Instant expiresAt(ProgramRules.Expiry expiry, Instant earnedAt, Instant availableAt) {
        LocalDate available = LocalDate.ofInstant(availableAt, ZoneOffset.UTC);
        return switch (expiry.policy()) {
            case DAYS_AFTER_EARNING -> earnedAt.plus(Duration.ofDays(expiry.days()));
            case END_OF_MONTH -> available.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case END_OF_YEAR -> available.withDayOfYear(1).plusYears(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case NEVER -> null;
        };
    }
}
