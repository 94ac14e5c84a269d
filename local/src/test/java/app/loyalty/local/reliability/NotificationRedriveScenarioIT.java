package app.loyalty.local.reliability;

import app.loyalty.local.reliability.ScenarioBundle.Merchant;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.store.Attr;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 6 of issue 12: a notification whose send fails (SNS refuses the publish), retried by Lambda until the
 * event lands in the dead-letter queue, then redriven from there as docs/operations.md says (the destination
 * record's {@code requestPayload} invoked again), and redriven a second time as an SQS redelivery would. Each round
 * is one PointsAccrued of a member who consented to SMS and email, in one of two ways:
 * <ul>
 *   <li>SNS down for all three of Lambda's attempts: neither channel gets out before the redrive;</li>
 *   <li>SNS refusing one publish, then down: the first attempt sends one channel, the other waits for the redrive.</li>
 * </ul>
 * Promised (Notifier, MessageLog): after the redrive every message has been sent exactly once, the second redrive
 * sends nothing, and the member's message log holds one entry per channel, {@code sent}.
 */
class NotificationRedriveScenarioIT {
    private static final int LAMBDA_ATTEMPTS = 3; // template.yaml: EventInvokeConfig MaximumRetryAttempts 2
    private final ScenarioBundle bundle = ScenarioBundle.start("2026-12-03T10:00:00Z");

    @Test
    void aSendThatFailsUntilTheDeadLetterQueue_isSentExactlyOnceByTheRedrive_withOneLogEntryPerChannel() {
        Merchant merchant = bundle.programWithMerchant("redrive", "{\"pendingDays\":0}");
        int rounds = ReliabilityRun.operations(4);
        List<String> members = new ArrayList<>();
        for (int m = 0; m < rounds; m++) {
            String memberId = bundle.enrol(merchant, 8000 + m).memberId();
            members.add(memberId);
            ScenarioBundle.send(bundle.purchases, TestRequests.post("POST /v1/purchases", merchant.caller(),
                    "n-purchase-" + m, ScenarioBundle.purchaseBody(memberId, "n-order-" + m, 4_200)), 201);
        }
        Map<String, DomainEvent> accrualOf = new HashMap<>();
        bundle.outboxEvents().stream().filter(e -> e.detailType().equals("PointsAccrued"))
                .forEach(e -> accrualOf.put(String.valueOf(e.data().get("memberId")), e));

        RecordingSns sns = new RecordingSns();
        EventConsumers consumers = new EventConsumers(bundle.context, sns);
        List<String> violations = new ArrayList<>();
        long redeliveries = 0;
        for (int round = 0; round < rounds; round++) {
            String memberId = members.get(round);
            DomainEvent event = accrualOf.get(memberId);
            assertThat(event).as("the accrual of " + memberId).isNotNull();
            JsonNode envelope = EventConsumers.envelope(event);
            boolean partial = round % 2 == 1;
            String label = "round " + round + (partial ? " (one channel sent before SNS went down)" : " (SNS down)");
            int sentBefore = sns.sent().size();

            if (partial) {
                sns.failNext(1);
            } else {
                sns.down(true);
            }
            String lastError = null;
            for (int attempt = 1; attempt <= LAMBDA_ATTEMPTS; attempt++) {
                try {
                    consumers.invoke("NotificationsFunction", envelope);
                    violations.add(label + ": attempt " + attempt + " succeeded although a send failed");
                } catch (RuntimeException failed) {
                    lastError = failed.getMessage();
                }
                sns.down(true); // from the second attempt on, SNS stays down in both ways
                redeliveries += attempt > 1 ? 1 : 0;
            }
            if (partial && sns.sent().size() != sentBefore + 1) {
                violations.add(label + ": the first attempt should have sent one channel, sent "
                        + (sns.sent().size() - sentBefore));
            }
            JsonNode deadLetter = destinationRecord(envelope, lastError);
            sns.down(false); // the cause is fixed; the operator redrives the queue

            JsonNode redriven = consumers.invoke("NotificationsFunction", requestPayload(deadLetter));
            JsonNode again = consumers.invoke("NotificationsFunction", requestPayload(deadLetter));
            redeliveries += 2;
            if (!again.path("outcomes").toString().equals("{\"email\":\"duplicate\",\"sms\":\"duplicate\"}")) {
                violations.add(label + ": the second redrive answered " + again + ", expected duplicates only");
            }
            List<RecordingSns.Sent> sent = sns.sent().subList(sentBefore, sns.sent().size());
            Map<String, Long> perTarget = new HashMap<>();
            sent.forEach(s -> perTarget.merge(s.target(), 1L, Long::sum));
            if (sent.size() != 2 || perTarget.size() != 2) {
                violations.add(label + ": " + sent.size() + " messages sent to " + perTarget + " after the redrive ("
                        + redriven + "), expected one SMS and one email");
            }
            List<Map<String, AttributeValue>> log = messageLog(memberId, event.eventId());
            if (log.size() != 2 || !log.stream().allMatch(i -> Attr.string(i, "outcome").equals("sent"))) {
                violations.add(label + ": the message log holds " + log.stream()
                        .map(i -> Attr.string(i, "channel") + "=" + Attr.string(i, "outcome")).toList()
                        + ", expected sms=sent and email=sent");
            }
        }
        ScenarioFigures.record("notification-redrive", rounds, redeliveries, violations.size());
        ScenarioFigures.FIGURES.add("notificationRedrive.publishesRefused", sns.refused());
        ScenarioFigures.FIGURES.write();
        assertThat(violations).isEmpty();
    }

    /** What Lambda's on-failure destination puts in the queue after the last attempt (its documented shape). */
    private static JsonNode destinationRecord(JsonNode event, String error) {
        ObjectNode record = Json.MAPPER.createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", "2026-12-03T10:00:05.000Z");
        ObjectNode context = record.putObject("requestContext");
        context.put("requestId", UUID.randomUUID().toString());
        context.put("functionArn", "arn:aws:lambda:eu-west-1:123456789012:function:loyalty-notifications:live");
        context.put("condition", "RetriesExhausted");
        context.put("approximateInvokeCount", LAMBDA_ATTEMPTS);
        record.set("requestPayload", event);
        ObjectNode response = record.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        response.put("functionError", "Unhandled");
        ObjectNode payload = record.putObject("responsePayload");
        payload.put("errorMessage", error);
        payload.put("errorType", "NotificationFailedException");
        return record;
    }

    /** docs/operations.md's redrive: {@code jq 'if has("requestPayload") then .requestPayload else . end'}. */
    private static JsonNode requestPayload(JsonNode deadLetter) {
        return deadLetter.has("requestPayload") ? deadLetter.get("requestPayload") : deadLetter;
    }

    private List<Map<String, AttributeValue>> messageLog(String memberId, String eventId) {
        return bundle.context.dynamo().query(QueryRequest.builder().tableName(bundle.context.tableName())
                        .keyConditionExpression("PK = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s("MESSAGES#" + memberId)))
                        .consistentRead(true).build()).items().stream()
                .filter(i -> eventId.equals(Attr.optionalString(i, "eventId").orElse(""))).toList();
    }
}
