package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.testing.Emulator;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static app.loyalty.functions.notifications.NotificationsFixture.event;
import static app.loyalty.functions.notifications.NotificationsFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real SDK against the AWS API emulator (Emulator: LOYALTY_TEST_ENDPOINT, LocalStack or moto_server): an SNS
 * topic with one SQS subscription per channel, each with a filter policy on the {@code channel} attribute, receives
 * exactly the expected messages, once each, however often the events are delivered. The handler tests
 * ({@link NotificationsHandlerTest}) also run here against the emulator's DynamoDB.
 */
class NotificationsIT {
    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    private SnsClient sns;
    private SqsClient sqs;
    private String topicArn;
    private String emailQueue;
    private String pushQueue;

    @BeforeEach
    void setUp() {
        sns = Emulator.configure(SnsClient.builder()).build();
        sqs = Emulator.configure(SqsClient.builder()).build();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        topicArn = sns.createTopic(r -> r.name("loyalty-notifications-" + suffix)).topicArn();
        emailQueue = subscribedQueue("email-" + suffix, "email");
        pushQueue = subscribedQueue("push-" + suffix, "push");
    }

    @AfterEach
    void tearDown() {
        sns.close();
        sqs.close();
    }

    private String subscribedQueue(String name, String channel) {
        String url = sqs.createQueue(r -> r.queueName(name)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(arn).attributes(Map.of(
                "FilterPolicy", "{\"channel\": [\"" + channel + "\"]}",
                "RawMessageDelivery", "true")));
        return url;
    }

    @Test
    void theTopicsFilteredSubscriptions_receiveExactlyTheirChannelsMessages_once() throws Exception {
        AppContext context = TestContexts.appContext(Emulator.dynamoDb(), clock);
        NotificationsHandler handler = new NotificationsHandler(context, sns, topicArn,
                new RequestLog(new PrintStream(new ByteArrayOutputStream())));
        NotificationsFixture fixture = new NotificationsFixture(context);
        String programId = fixture.program();
        String everything = fixture.member(programId, new Consents(true, true, true), "ru");
        String emailOnly = fixture.member(programId, new Consents(false, true, false), "en");
        String nothing = fixture.member(programId, new Consents(false, false, false), "en");

        for (String memberId : List.of(everything, emailOnly, nothing)) {
            var accrued = event("points-accrued.json", programId, memberId);
            invoke(handler, accrued);
            invoke(handler, accrued); // delivered twice
        }

        List<JsonNode> emails = drain(emailQueue);
        List<JsonNode> pushes = drain(pushQueue);
        assertThat(emails).extracting(m -> m.get("memberId").asText()).containsExactlyInAnyOrder(everything, emailOnly);
        assertThat(emails).allSatisfy(m -> assertThat(m.get("channel").asText()).isEqualTo("email"));
        assertThat(emails).filteredOn(m -> m.get("memberId").asText().equals(everything))
                .singleElement().satisfies(m -> assertThat(m.get("subject").asText()).isEqualTo("Начислены баллы: 112"));
        assertThat(pushes).extracting(m -> m.get("memberId").asText()).containsExactly(everything);
        assertThat(pushes).allSatisfy(m -> assertThat(m.has("to")).as("push carries no address").isFalse());
    }

    /** Everything the queue holds: receives until a receive comes back empty. */
    private List<JsonNode> drain(String queueUrl) throws Exception {
        List<JsonNode> bodies = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (batch.isEmpty()) {
                return bodies;
            }
            for (Message message : batch) {
                bodies.add(Json.MAPPER.readTree(message.body()));
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }
}
