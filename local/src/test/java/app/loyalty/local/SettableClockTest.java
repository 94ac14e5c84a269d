package app.loyalty.local;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettableClockTest {
    private static final Instant SYSTEM_NOW = Instant.parse("2026-11-23T10:00:00Z");
    private final SettableClock clock = new SettableClock(Clock.fixed(SYSTEM_NOW, ZoneOffset.UTC));

    @Test
    void followsTheSystemClock_untilSet() {
        assertThat(clock.instant()).isEqualTo(SYSTEM_NOW);
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void set_andAdvance_moveEveryViewOfIt() {
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

        clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(clock.advance(Duration.ofDays(30))).isEqualTo(Instant.parse("2026-12-31T00:00:00Z"));
        assertThat(paris.instant()).isEqualTo(Instant.parse("2026-12-31T00:00:00Z"));
        assertThat(clock.set(Instant.parse("2026-01-01T00:00:00Z"))).as("set may go back").isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void advance_refusesNegativeAmounts() {
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
