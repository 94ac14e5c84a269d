package app.loyalty.functions.notifications;

import app.loyalty.shared.runtime.AwsClients;
import app.loyalty.shared.testing.SdkJarCheck;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Loaded by {@link SdkJarCheck} with notifications.jar's classes: SNS Publish (answered, then refused) and the
 * Scheduler's CreateSchedule and DeleteSchedule (answered, then the conflict and not-found errors the code catches),
 * with the requests shaped as Notifier and SdkCampaignScheduler shape them. {@link #answer} is the fake endpoint.
 */
public final class NotificationsSdkJarProbe implements Function<String, String> {
    static final String EXPECTED = String.join("\n",
            "Publish messageId=m-1",
            "Publish refused InvalidParameter",
            "CreateSchedule ok",
            "CreateSchedule ConflictException",
            "DeleteSchedule ok",
            "DeleteSchedule ResourceNotFoundException");

    @Override
    public String apply(String endpoint) {
        List<String> lines = new ArrayList<>();
        try (SnsClient sns = AwsClients.build(SnsClient.builder().endpointOverride(URI.create(endpoint)));
             SchedulerClient scheduler = AwsClients.build(SchedulerClient.builder().endpointOverride(URI.create(endpoint)))) {
            for (String phone : List.of("+37360000001", "+0")) {
                try {
                    String id = sns.publish(request -> request.phoneNumber(phone).message("+10 points")
                            .messageAttributes(Map.of("channel", MessageAttributeValue.builder().dataType("String")
                                    .stringValue("sms").build()))).messageId();
                    lines.add("Publish messageId=" + id);
                } catch (AwsServiceException refused) {
                    lines.add("Publish refused " + refused.awsErrorDetails().errorCode());
                }
            }
            for (String name : List.of("campaign-c1", "campaign-c1")) {
                try {
                    scheduler.createSchedule(request -> request.name(name).groupName("default")
                            .scheduleExpression("at(2027-01-01T09:00:00)").scheduleExpressionTimezone("UTC")
                            .flexibleTimeWindow(window -> window.mode(FlexibleTimeWindowMode.OFF))
                            .actionAfterCompletion(ActionAfterCompletion.DELETE)
                            .target(target -> target.arn("arn:aws:lambda:eu-west-1:1:function:n").roleArn("arn:aws:iam::1:role/r")
                                    .input("{}").retryPolicy(retry -> retry.maximumRetryAttempts(10).maximumEventAgeInSeconds(3600))));
                    lines.add("CreateSchedule ok");
                } catch (ConflictException e) {
                    lines.add("CreateSchedule ConflictException");
                }
            }
            for (String name : List.of("campaign-c1", "campaign-c1")) {
                try {
                    scheduler.deleteSchedule(request -> request.name(name).groupName("default"));
                    lines.add("DeleteSchedule ok");
                } catch (ResourceNotFoundException e) {
                    lines.add("DeleteSchedule ResourceNotFoundException");
                }
            }
        }
        return String.join("\n", lines);
    }

    private static int creates;
    private static int deletes;

    /** SNS's query protocol (XML) and the Scheduler's REST JSON: the first call of each succeeds, the second fails. */
    static synchronized SdkJarCheck.Answer answer(SdkJarCheck.Exchange exchange) {
        if (exchange.body().contains("Action=Publish")) {
            return exchange.body().contains("PhoneNumber=%2B0")
                    ? new SdkJarCheck.Answer(400, Map.of("Content-Type", "text/xml"), "<ErrorResponse><Error><Type>Sender</Type>"
                    + "<Code>InvalidParameter</Code><Message>Invalid parameter: PhoneNumber</Message></Error>"
                    + "<RequestId>r-2</RequestId></ErrorResponse>")
                    : new SdkJarCheck.Answer(200, Map.of("Content-Type", "text/xml"), "<PublishResponse xmlns=\"http://sns.amazonaws.com/"
                    + "doc/2010-03-31/\"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata>"
                    + "<RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>");
        }
        if (exchange.path().startsWith("/schedules/campaign-c1")) {
            Map<String, String> json = Map.of("Content-Type", "application/json");
            if (exchange.method().equals("POST")) {
                return creates++ == 0
                        ? new SdkJarCheck.Answer(200, json, "{\"ScheduleArn\":\"arn:aws:scheduler:eu-west-1:1:schedule/default/campaign-c1\"}")
                        : new SdkJarCheck.Answer(409, Map.of("Content-Type", "application/json", "x-amzn-ErrorType", "ConflictException"),
                        "{\"Message\":\"Schedule campaign-c1 already exists.\"}");
            }
            if (exchange.method().equals("DELETE")) {
                return deletes++ == 0
                        ? new SdkJarCheck.Answer(200, json, "{}")
                        : new SdkJarCheck.Answer(404, Map.of("Content-Type", "application/json", "x-amzn-ErrorType",
                        "ResourceNotFoundException"), "{\"Message\":\"Schedule campaign-c1 does not exist.\"}");
            }
        }
        return new SdkJarCheck.Answer(400, Map.of("Content-Type", "application/json"), "{\"Message\":\"unexpected " + exchange + "\"}");
    }
}
