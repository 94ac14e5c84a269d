package app.loyalty.shared.domain.earn;

import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.store.InactivityIndex;
import app.loyalty.shared.store.LotItems;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Expiry dates follow the program's time zone (rules.timeZone): in Europe/Chisinau (UTC+2, UTC+3 in summer) the
 * month ends at 21:00Z or 22:00Z, so a purchase at 23:30 local time on the last day of the month belongs to that
 * month, one at 00:30 local time on the 1st to the next. The expiry index day is the UTC day of the instant.
 */
class ExpiryPolicyTimeZoneTest {
    private static final ZoneId CHISINAU = ZoneId.of("Europe/Chisinau");

    @Test
    void endOfMonth_inChisinau_endsAtLocalMidnight_notUtcMidnight() {
        ExpiryPolicy policy = ExpiryPolicy.END_OF_MONTH.inZone(CHISINAU);
        // 31 March 23:30 in Chisinau (EEST, UTC+3) is 20:30Z: still March there, so it burns at 1 April 00:00 local
        assertThat(policy.expiresAt(Instant.parse("2026-03-31T20:30:00Z")))
                .contains(Instant.parse("2026-03-31T21:00:00Z"));
        // 1 April 00:30 local is 21:30Z on 31 March: already April there, so it lasts through April
        assertThat(policy.expiresAt(Instant.parse("2026-03-31T21:30:00Z")))
                .contains(Instant.parse("2026-04-30T21:00:00Z"));
        // in UTC the same instants are both March
        assertThat(ExpiryPolicy.END_OF_MONTH.expiresAt(Instant.parse("2026-03-31T21:30:00Z")))
                .contains(Instant.parse("2026-04-01T00:00:00Z"));
    }

    @Test
    void endOfYear_andDaysAfterEarning_countLocalDays_acrossTheWinterOffset() {
        // 31 December 23:00 in Chisinau (EET, UTC+2) is 21:00Z; the year ends at 22:00Z
        assertThat(ExpiryPolicy.END_OF_YEAR.inZone(CHISINAU).expiresAt(Instant.parse("2026-12-31T21:00:00Z")))
                .contains(Instant.parse("2026-12-31T22:00:00Z"));
        // earned 10 Jan 01:00 local (9 Jan 23:00Z): 30 days later is 9 Feb 01:00 local, lasting through 9 Feb local
        assertThat(ExpiryPolicy.daysAfterEarning(30).inZone(CHISINAU).expiresAt(Instant.parse("2027-01-09T23:00:00Z")))
                .contains(Instant.parse("2027-02-09T22:00:00Z"));
    }

    @Test
    void programRules_timeZone_reachesTheEarnRulesExpiry_andDefaultsToUtc() {
        ProgramRules monthly = new ProgramRules(null, null, 0,
                new ProgramRules.Expiry(ProgramRules.Expiry.Policy.END_OF_MONTH, null), null, null);
        assertThat(monthly.timeZone()).isEqualTo("UTC");
        Program program = new Program("prg_0123456789abcdefghjk", "Club", "MDL", monthly.withTimeZone("Europe/Chisinau"),
                Instant.EPOCH, Instant.EPOCH, 0);
        assertThat(EarnRules.of(program).expiry().expiresAt(Instant.parse("2026-03-31T20:30:00Z")))
                .contains(Instant.parse("2026-03-31T21:00:00Z"));
        assertThatThrownBy(() -> monthly.withTimeZone("Mars/Olympus"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rules.timeZone");
    }

    @Test
    void inactivityDate_isALocalMidnight_andIsIndexedOnTheUtcDayItFallsOn() {
        Instant inactiveAt = InactivityIndex.inactiveAt(90, Instant.parse("2026-05-01T09:00:00Z"), CHISINAU);
        assertThat(inactiveAt).isEqualTo(Instant.parse("2026-07-30T21:00:00Z")); // 31 July 00:00 EEST
        // the job reads the UTC day of the instant: 30 July, the day it is due
        assertThat(LocalDate.ofInstant(inactiveAt, ZoneOffset.UTC)).isEqualTo(LocalDate.parse("2026-07-30"));
        assertThat(LotItems.expiryPartition(LocalDate.ofInstant(inactiveAt, ZoneOffset.UTC), 3))
                .isEqualTo("EXPIRES#2026-07-30#3");
    }
}
