package app.loyalty.local;

import app.loyalty.local.template.Template;
import app.loyalty.shared.domain.notify.DefaultTemplates;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.event.ruler.Machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * template.yaml wires the notifications as docs/notifications.md says: the loyalty bus's rule delivers every event
 * the function renders (matched by Event Ruler against the real-shaped samples in events/eventbridge) and no
 * other, the deferred-message schedule calls the same function with its job, and failures end in a DLQ that an
 * alarm watches.
 */
class NotificationsTemplateTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Template TEMPLATE = Template.load(ROOT.resolve("template.yaml"), "eu-west-1");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theLoyaltyBusRule_deliversEverySampleOfAConsumedEvent_toNotificationsFunction_andNothingElse() throws Exception {
        List<Template.Rule> rules = TEMPLATE.rules().stream().filter(rule -> rule.functionId().equals("NotificationsFunction")).toList();
        assertThat(rules).hasSize(1);
        Template.Rule rule = rules.get(0);
        assertThat(rule.enabled()).isTrue();
        assertThat(rule.busName()).isEqualTo(TEMPLATE.intrinsics().ref("LoyaltyBus").orElseThrow());
        Machine machine = new Machine();
        machine.addRule(rule.name(), rule.patternJson());

        List<Path> samples;
        try (Stream<Path> files = Files.list(ROOT.resolve("events/eventbridge"))) {
            samples = files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        }
        Set<String> delivered = new java.util.TreeSet<>();
        for (Path sample : samples) {
            JsonNode event = JSON.readTree(sample.toFile());
            boolean matches = !machine.rulesForJSONEvent(event.toString()).isEmpty();
            assertThat(matches).as(sample.getFileName() + " is delivered exactly when the function renders it")
                    .isEqualTo(DefaultTemplates.EVENT_TYPES.contains(event.path("detail-type").asText()));
            if (matches) {
                delivered.add(event.path("detail-type").asText());
            }
        }
        assertThat(delivered).as("a real-shaped sample of every consumed event is in events/eventbridge")
                .containsExactlyInAnyOrderElementsOf(DefaultTemplates.EVENT_TYPES);
        com.fasterxml.jackson.databind.node.ObjectNode held = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(samples.get(0).toFile());
        held.put("detail-type", "PointsHeld");
        assertThat(machine.rulesForJSONEvent(held.toString())).as("other events are not delivered").isEmpty();
    }

    @Test
    void theSendDeferredSchedule_callsNotificationsFunction_withItsJob() throws IOException {
        List<Template.Schedule> schedules = TEMPLATE.schedules().stream()
                .filter(schedule -> schedule.functionId().equals("NotificationsFunction"))
                .filter(schedule -> schedule.name().equals("SendDeferred")).toList();
        assertThat(schedules).singleElement().satisfies(schedule -> {
            assertThat(schedule.expression()).isEqualTo("rate(15 minutes)");
            assertThat(JSON.readTree(schedule.input().orElseThrow()).path("job").asText()).isEqualTo("send-deferred");
        });
    }

    @Test
    void failures_endInTheNotificationsDlq_watchedByAnAlarm() {
        JsonNode resources = TEMPLATE.root().path("Resources");
        JsonNode function = resources.path("NotificationsFunction").path("Properties");
        assertThat(function.at("/EventInvokeConfig/DestinationConfig/OnFailure/Destination").toString())
                .contains("NotificationsDeadLetterQueue");
        assertThat(function.at("/EventInvokeConfig/MaximumRetryAttempts").asInt()).isEqualTo(2);
        assertThat(function.at("/Events/LoyaltyEvents/Properties/DeadLetterConfig/Arn").toString())
                .contains("NotificationsDeadLetterQueue");
        assertThat(function.at("/Environment/Variables/NOTIFICATIONS_TOPIC_ARN").toString()).contains("NotificationsTopic");
        JsonNode alarm = resources.path("NotificationsDeadLetterAlarm").path("Properties");
        assertThat(alarm.path("MetricName").asText()).isEqualTo("ApproximateNumberOfMessagesVisible");
        assertThat(alarm.path("Dimensions").toString()).contains("NotificationsDeadLetterQueue");
        assertThat(resources.path("NotificationsDeadLetterQueuePolicy").toString()).contains("events.amazonaws.com");
    }
}
