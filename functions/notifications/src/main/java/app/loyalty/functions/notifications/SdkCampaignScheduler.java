package app.loyalty.functions.notifications;

import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;

import app.loyalty.shared.runtime.Environment;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * One-time EventBridge Scheduler schedules: {@code at(yyyy-mm-ddThh:mm:ss)} in UTC, target the notifications function
 * (its ARN and the role the scheduler assumes to invoke it come from the template's environment), deleted by the
 * scheduler after it ran ({@code ActionAfterCompletion DELETE}), so none are left to clean up.
 */
final class SdkCampaignScheduler implements CampaignScheduler {
    static final String TARGET_ARN = "CAMPAIGN_TARGET_ARN";
    static final String ROLE_ARN = "CAMPAIGN_SCHEDULER_ROLE_ARN";
    static final String GROUP = "CAMPAIGN_SCHEDULE_GROUP";
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final SchedulerClient scheduler;
    private final Supplier<String> targetArn;
    private final Supplier<String> roleArn;
    private final String group;

    /**
     * The target and role are read when a schedule is made, not at construction: handlers are also built where only
     * their routes matter (TemplateConsistencyTest), and a missing setting then fails the create, loudly, with its name.
     */
    SdkCampaignScheduler(SchedulerClient scheduler, Supplier<String> targetArn, Supplier<String> roleArn, String group) {
        this.scheduler = scheduler;
        this.targetArn = targetArn;
        this.roleArn = roleArn;
        this.group = group;
    }

    static SdkCampaignScheduler fromEnvironment(SchedulerClient scheduler) {
        return new SdkCampaignScheduler(scheduler, () -> Environment.require(TARGET_ARN), () -> Environment.require(ROLE_ARN),
                Environment.optional(GROUP).orElse("default"));
    }

    static String expression(Instant at) {
        return "at(" + AT.format(at) + ")";
    }

    @Override
    public void schedule(String name, Instant at, String input) {
        String functionArn = targetArn.get();
        String role = roleArn.get();
        try {
            scheduler.createSchedule(request -> request.name(name).groupName(group)
                    .scheduleExpression(expression(at)).scheduleExpressionTimezone("UTC")
                    .flexibleTimeWindow(window -> window.mode(FlexibleTimeWindowMode.OFF))
                    .actionAfterCompletion(ActionAfterCompletion.DELETE)
                    .description("Campaign send (notifications function)")
                    .target(target -> target.arn(functionArn).roleArn(role).input(input)
                            .retryPolicy(retry -> retry.maximumRetryAttempts(10).maximumEventAgeInSeconds(3600))));
        } catch (ConflictException alreadyScheduled) {
            // A retried create (same Idempotency-Key, same campaign id): the schedule made the first time stands.
        }
    }

    @Override
    public void cancel(String name) {
        try {
            scheduler.deleteSchedule(request -> request.name(name).groupName(group));
        } catch (ResourceNotFoundException alreadyGone) {
            // Ran and deleted itself, or a retried cancel: nothing left to do.
        }
    }
}
