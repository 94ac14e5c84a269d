package app.loyalty.shared.domain.earn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.loyalty.shared.domain.ledger.PointsLot;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpiryPolicyTest {

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void endOfMonth_isTheFirstInstantOfTheNextMonthInUtc() {
        assertThat(ExpiryPolicy.END_OF_MONTH.expiresAt(at("2026-01-15T10:00:00Z"))).contains(at("2026-02-01T00:00:00Z"));
        assertThat(ExpiryPolicy.END_OF_MONTH.expiresAt(at("2026-01-31T23:59:59.999999999Z")))
                .contains(at("2026-02-01T00:00:00Z"));
        assertThat(ExpiryPolicy.END_OF_MONTH.expiresAt(at("2026-02-01T00:00:00Z"))).contains(at("2026-03-01T00:00:00Z"));
        assertThat(ExpiryPolicy.END_OF_MONTH.expiresAt(at("2026-12-31T12:00:00Z"))).contains(at("2027-01-01T00:00:00Z"));
    }

    @Test
    void endOfYear_isTheFirstInstantOfTheNextYearInUtc() {
        assertThat(ExpiryPolicy.END_OF_YEAR.expiresAt(at("2026-01-01T00:00:00Z"))).contains(at("2027-01-01T00:00:00Z"));
        assertThat(ExpiryPolicy.END_OF_YEAR.expiresAt(at("2026-12-31T23:59:59Z"))).contains(at("2027-01-01T00:00:00Z"));
    }

    @Test
    void calendarPolicies_countFromAvailability_soPendingPointsDoNotBurnBeforeTheyCanBeSpent() {
        Instant earned = at("2026-01-25T12:00:00Z");
        Instant available = at("2026-02-08T12:00:00Z");

        assertThat(ExpiryPolicy.END_OF_MONTH.expiresAt(earned, available)).contains(at("2026-03-01T00:00:00Z"));
        assertThat(ExpiryPolicy.END_OF_YEAR.expiresAt(at("2026-12-25T00:00:00Z"), at("2027-01-08T00:00:00Z")))
                .contains(at("2028-01-01T00:00:00Z"));
    }

    @Test
    void daysAfterEarning_lastsThroughTheDayThatManyDaysAfterEarning_evenWhenPending() {
        assertThat(ExpiryPolicy.daysAfterEarning(365).expiresAt(at("2026-03-01T10:15:30Z"), at("2026-03-15T10:15:30Z")))
                .contains(at("2027-03-02T00:00:00Z"));
        assertThat(ExpiryPolicy.daysAfterEarning(1).expiresAt(at("2026-03-01T23:59:59.999Z")))
                .contains(at("2026-03-03T00:00:00Z"));
    }

    @Test
    void daysAfterEarning_neverExpiresBeforeTheDayAfterThePointsBecomeAvailable() {
        assertThat(ExpiryPolicy.daysAfterEarning(1).expiresAt(at("2026-03-01T10:15:30Z"), at("2026-03-15T10:15:30Z")))
                .contains(at("2026-03-16T00:00:00Z"));
    }

    @Test
    void never_hasNoExpiry() {
        assertThat(ExpiryPolicy.NEVER.expiresAt(at("2026-03-01T10:15:30Z"))).isEmpty();
    }

    @Test
    void aLotExpiringAtTheComputedInstant_isExpiredExactlyThen() {
        Instant earned = at("2026-01-15T10:00:00Z");
        Instant expiresAt = ExpiryPolicy.END_OF_MONTH.expiresAt(earned).orElseThrow();
        PointsLot lot = new PointsLot("lot", "mbr", 10, 10, earned, earned, expiresAt, "mch", "ord");

        assertThat(lot.isAvailableAt(at("2026-01-31T23:59:59.999999999Z"))).isTrue();
        assertThat(lot.isExpiredAt(at("2026-02-01T00:00:00Z"))).isTrue();
    }

    @Test
    void daysAfterEarning_refusesDaysOutOfRange_andOtherKindsRefuseDays() {
        assertThatThrownBy(() -> ExpiryPolicy.daysAfterEarning(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExpiryPolicy.daysAfterEarning(3651)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExpiryPolicy(ExpiryPolicy.Kind.NEVER, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
