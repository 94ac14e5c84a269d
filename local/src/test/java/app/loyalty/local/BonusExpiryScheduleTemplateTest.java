package app.loyalty.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.local.template.Template;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The daily bonus-expiry schedule exists in template.yaml, is an EventBridge Scheduler schedule and targets the job. */
class BonusExpiryScheduleTemplateTest {
    private static final Template TEMPLATE = Template.load(Path.of("..", "template.yaml"), "eu-west-1");

    @Test
    void dailyExpirySchedule_targetsTheBonusExpiryFunction_hourly_soEveryProgramZonesMidnightIsFollowedWithinTheHour() {
        List<Template.Schedule> schedules = TEMPLATE.schedules().stream()
                .filter(schedule -> schedule.name().equals("DailyExpiry")).toList();

        assertThat(schedules).hasSize(1);
        Template.Schedule daily = schedules.getFirst();
        assertThat(daily.functionId()).isEqualTo("BonusExpiryFunction");
        assertThat(daily.scheduler()).as("EventBridge Scheduler, not a scheduled rule").isTrue();
        assertThat(daily.enabled()).isTrue();
        assertThat(daily.expression()).as("every hour: expiry instants are midnights of each program's time zone")
                .matches("cron\\(\\d{1,2} \\* \\* \\* \\? \\*\\)");
        assertThat(daily.timezone()).isEqualTo("UTC");
        assertThat(TEMPLATE.functions().get("BonusExpiryFunction").handlerClass())
                .isEqualTo("app.loyalty.functions.bonusexpiry.BonusExpiryHandler");
    }
}
