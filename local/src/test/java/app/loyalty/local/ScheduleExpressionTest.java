package app.loyalty.local;

import app.loyalty.local.schedule.ScheduleExpression;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleExpressionTest {
    private static final Instant ANCHOR = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void rate_countsWholePeriodsFromTheAnchor() {
        ScheduleExpression hourly = ScheduleExpression.parse("rate(1 hour)", ZoneOffset.UTC, ANCHOR);

        assertThat(hourly.nextAfter(ANCHOR)).hasValue(Instant.parse("2026-11-23T11:00:00Z"));
        assertThat(hourly.nextAfter(Instant.parse("2026-11-23T11:00:00Z"))).hasValue(Instant.parse("2026-11-23T12:00:00Z"));
        assertThat(hourly.nextAfter(Instant.parse("2026-11-23T11:59:59Z"))).hasValue(Instant.parse("2026-11-23T12:00:00Z"));
        assertThat(ScheduleExpression.parse("rate(5 minutes)", ZoneOffset.UTC, ANCHOR).nextAfter(ANCHOR))
                .hasValue(Instant.parse("2026-11-23T10:05:00Z"));
    }

    @Test
    void cron_firesAtTheNextMatchingMinute_inItsTimeZone() {
        ScheduleExpression nightly = ScheduleExpression.parse("cron(0 3 * * ? *)", ZoneId.of("Europe/London"), ANCHOR);

        assertThat(nightly.nextAfter(Instant.parse("2026-11-23T02:59:00Z"))).hasValue(Instant.parse("2026-11-23T03:00:00Z"));
        assertThat(nightly.nextAfter(Instant.parse("2026-11-23T03:00:00Z"))).hasValue(Instant.parse("2026-11-24T03:00:00Z"));
        // British Summer Time: 03:00 in London is 02:00 UTC.
        assertThat(nightly.nextAfter(Instant.parse("2026-07-01T00:00:00Z"))).hasValue(Instant.parse("2026-07-01T02:00:00Z"));
    }

    @Test
    void cron_supportsListsRangesStepsNamesLastDayAndNthWeekday() {
        assertThat(ScheduleExpression.parse("cron(0/15 9-17 ? * MON-FRI *)", ZoneOffset.UTC, ANCHOR)
                .nextAfter(Instant.parse("2026-11-21T12:00:00Z"))) // a Saturday
                .hasValue(Instant.parse("2026-11-23T09:00:00Z"));
        assertThat(ScheduleExpression.parse("cron(30 23 L * ? *)", ZoneOffset.UTC, ANCHOR)
                .nextAfter(Instant.parse("2026-02-01T00:00:00Z")))
                .hasValue(Instant.parse("2026-02-28T23:30:00Z"));
        assertThat(ScheduleExpression.parse("cron(0 8 ? * 2#1 *)", ZoneOffset.UTC, ANCHOR) // first Monday
                .nextAfter(Instant.parse("2026-12-01T00:00:00Z")))
                .hasValue(Instant.parse("2026-12-07T08:00:00Z"));
        assertThat(ScheduleExpression.parse("cron(0 0 1 JAN,JUL ? 2027)", ZoneOffset.UTC, ANCHOR)
                .nextAfter(ANCHOR)).hasValue(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(ScheduleExpression.parse("cron(0 0 1 1 ? 2025)", ZoneOffset.UTC, ANCHOR).nextAfter(ANCHOR)).isEmpty();
    }

    @Test
    void at_firesOnce() {
        ScheduleExpression once = ScheduleExpression.parse("at(2026-12-01T00:00:00)", ZoneOffset.UTC, ANCHOR);

        assertThat(once.nextAfter(ANCHOR)).hasValue(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(once.nextAfter(Instant.parse("2026-12-01T00:00:00Z"))).isEmpty();
    }

    @Test
    void unsupportedForms_areRefused() {
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 0 15W * ? *)", ZoneOffset.UTC, ANCHOR))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 0 * *)", ZoneOffset.UTC, ANCHOR))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(0 minutes)", ZoneOffset.UTC, ANCHOR))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScheduleExpression.parse("every day", ZoneOffset.UTC, ANCHOR))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
