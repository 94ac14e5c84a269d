package app.loyalty.local.events;

import app.loyalty.local.template.Template;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * SNS, captured: every message the functions publish is kept (for GET /_local/notifications) instead of being
 * sent as an SMS, email or push. Topics must exist in the template, as on AWS; direct SMS publishes
 * (PhoneNumber) need no topic. Subscriptions are not delivered.
 */
public final class Notifications {
    static final int RETAINED_MESSAGES = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> topicArns = new HashSet<>();
    private final Clock clock;
    private final Deque<ObjectNode> messages = new ArrayDeque<>();

    /** One message to publish, as SNS's Publish takes it; exactly one of topicArn, targetArn, phoneNumber is set. */
    public record Message(String topicArn, String targetArn, String phoneNumber, String subject, String message,
                          String messageStructure, Map<String, Map<String, String>> attributes, String messageGroupId) {
    }

    public Notifications(Template template, Clock clock) {
        this.clock = clock;
        template.root().path("Resources").fields().forEachRemaining(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::SNS::Topic")) {
                topicArns.add(template.intrinsics().ref(resource.getKey()).orElseThrow());
            }
        });
    }

    /** Records the message and answers its message id; rejects what SNS would reject. */
    public String publish(Message message) {
        int destinations = (message.topicArn() == null ? 0 : 1) + (message.targetArn() == null ? 0 : 1)
                + (message.phoneNumber() == null ? 0 : 1);
        if (destinations != 1) {
            throw new SnsException(400, "InvalidParameter", "Exactly one of TopicArn, TargetArn and PhoneNumber is required");
        }
        if (message.message() == null || message.message().isEmpty()) {
            throw new SnsException(400, "InvalidParameter", "Invalid parameter: Empty message");
        }
        if (message.topicArn() != null && !topicArns.contains(message.topicArn())) {
            throw new SnsException(404, "NotFound", "Topic does not exist");
        }
        String messageId = UUID.randomUUID().toString();
        ObjectNode record = JSON.createObjectNode();
        record.put("messageId", messageId);
        record.put("time", clock.instant().toString());
        record.put("topicArn", message.topicArn());
        record.put("targetArn", message.targetArn());
        record.put("phoneNumber", message.phoneNumber());
        record.put("subject", message.subject());
        record.put("message", message.message());
        record.put("messageStructure", message.messageStructure());
        record.put("messageGroupId", message.messageGroupId());
        record.set("messageAttributes", JSON.valueToTree(message.attributes()));
        synchronized (messages) {
            messages.addLast(record);
            if (messages.size() > RETAINED_MESSAGES) {
                messages.removeFirst();
            }
        }
        return messageId;
    }

    /** Captured messages, oldest first. */
    public ArrayNode messages() {
        ArrayNode out = JSON.createArrayNode();
        synchronized (messages) {
            messages.forEach(out::add);
        }
        return out;
    }

    /** An SNS error as the Query protocol reports it. */
    public static final class SnsException extends RuntimeException {
        private final int status;
        private final String code;

        public SnsException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }
}
