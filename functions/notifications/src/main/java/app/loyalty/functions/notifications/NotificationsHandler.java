package app.loyalty.functions.notifications;

import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.AwsClients;
import app.loyalty.shared.runtime.Environment;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.runtime.PrimingStep;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.sns.SnsClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The notifications function's event side. Two triggers (template.yaml):
 * <ul>
 *   <li>the EventBridge rule of the loyalty bus: an event (PointsAccrued, PointsExpiringSoon, ...) becomes at most
 *       one message per channel ({@link Notifier#onEvent});</li>
 *   <li>the schedule every 15 minutes, input {@code {"job": "send-deferred"}}: messages deferred by quiet hours
 *       whose time has come go out ({@link Notifier#sendDue}), and open campaigns whose send did not run start or
 *       resume ({@link Campaigns#sendDue});</li>
 *   <li>a campaign's one-time Scheduler schedule, input {@code {"job": "send-campaign", "programId", "campaignId"}}
 *       ({@link Campaigns#send});</li>
 *   <li>the daily schedule, input {@code {"job": "daily-campaigns"}}: birthday and we-miss-you campaigns
 *       ({@link Campaigns#daily}).</li>
 * </ul>
 * Answers a small JSON summary; a failed publish fails the invocation (Lambda retries, then the DLQ).
 */
public final class NotificationsHandler implements RequestStreamHandler, Resource {
    public static final String TOPIC_ARN = "NOTIFICATIONS_TOPIC_ARN";
    public static final String SEND_DEFERRED = "send-deferred";
    /** Open campaigns the 15-minute sweep starts or resumes at most (each is a whole send). */
    static final int CAMPAIGNS_PER_SWEEP = 5;

    private final Notifier notifier;
    private final Campaigns campaigns;
    private final SettingsRepository settings;
    private final RequestLog log;

    public NotificationsHandler() {
        this(AppContext.fromEnvironment());
    }

    public NotificationsHandler(AppContext context) {
        this(context, AwsClients.build(SnsClient.builder()), Environment.require(TOPIC_ARN), RequestLog.STDOUT);
    }

    public NotificationsHandler(AppContext context, SnsClient sns, String topicArn, RequestLog log) {
        this.notifier = new Notifier(context, sns, topicArn, log);
        this.campaigns = new Campaigns(context, notifier);
        this.settings = new SettingsRepository(context.dynamo(), context.tableName(), context.clock(), context.json());
        this.log = log;
        Core.getGlobalContext().register(this);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = LambdaJson.MAPPER.readTree(input);
        if (event.has("detail-type")) {
            Notifier.Result result = notifier.onEvent(event.path("detail-type").asText(), event.path("detail"));
            LambdaJson.write(output, java.util.Map.of("outcomes", result.outcomes()));
        } else if (SEND_DEFERRED.equals(event.path("job").asText())) {
            // The sweep also starts campaigns whose one-time schedule did not run them, or resumes a crashed send.
            List<Campaigns.RunResult> resumed = campaigns.sendDue(CAMPAIGNS_PER_SWEEP);
            LambdaJson.write(output, java.util.Map.of("sent", notifier.sendDue(), "campaigns", resumed));
        } else if (Campaigns.SEND_CAMPAIGN.equals(event.path("job").asText())) {
            LambdaJson.write(output, campaigns.send(required(event, "programId"), required(event, "campaignId")));
        } else if (Campaigns.DAILY_CAMPAIGNS.equals(event.path("job").asText())) {
            LambdaJson.write(output, java.util.Map.of("programs", campaigns.daily()));
        } else {
            throw new IllegalArgumentException("Neither an EventBridge event nor a job (send-deferred, send-campaign, daily-campaigns)");
        }
    }

    private static String required(JsonNode event, String field) {
        String value = event.path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalArgumentException("The " + event.path("job").asText() + " job needs " + field);
        }
        return value;
    }

    /** SnapStart priming: reads the settings of a program that does not exist (a GetItem miss), sends nothing. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        PrimingStep.run(log, "notification settings read (miss)", () -> settings.read("prg_priming"));
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing to refresh: clients re-resolve credentials on use
    }
}
