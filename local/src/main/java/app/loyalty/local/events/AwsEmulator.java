package app.loyalty.local.events;

import app.loyalty.local.api.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The AWS APIs the functions call besides DynamoDB, on the wire protocols the SDK (2.40.2) speaks:
 * EventBridge PutEvents over AWS JSON 1.1 (POST with X-Amz-Target: AWSEvents.PutEvents), SNS Publish /
 * PublishBatch over the AWS Query protocol (form-encoded Action=Publish, XML answers), and EventBridge Scheduler's
 * CreateSchedule / DeleteSchedule of one-time schedules over REST-JSON ({@link SchedulerApi}). The functions reach it
 * through aws.endpointUrlEventBridge / aws.endpointUrlSns (and aws.endpointUrl for anything else, which is
 * refused here with the operation's name, so a missing emulation is obvious). Signatures are not checked.
 */
public final class AwsEmulator implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SNS_NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";
    private static final int MAX_PUT_EVENTS_ENTRIES = 10;

    private final EventBus bus;
    private final Notifications notifications;
    private final SchedulerApi scheduler;

    public AwsEmulator(EventBus bus, Notifications notifications, SchedulerApi scheduler) {
        this.bus = bus;
        this.notifications = notifications;
        this.scheduler = scheduler;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body = Exchanges.body(exchange);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (body == null) {
                jsonError(exchange, 413, "ValidationException", "Request too large");
            } else if (exchange.getRequestURI().getPath().startsWith(SchedulerApi.PATH)) {
                scheduler.handle(exchange, body);
            } else if (target != null) {
                json(exchange, target, JSON.readTree(body));
            } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
                query(exchange, form(new String(body, StandardCharsets.UTF_8)));
            } else {
                jsonError(exchange, 400, "UnknownOperationException", "The local runtime emulates EventBridge PutEvents and SNS Publish only");
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[aws-emulator] " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " failed");
            e.printStackTrace(System.err);
            jsonError(exchange, 500, "InternalException", String.valueOf(e));
        }
    }

    private void json(HttpExchange exchange, String target, JsonNode request) throws IOException {
        if (!target.equals("AWSEvents.PutEvents")) {
            jsonError(exchange, 400, "UnknownOperationException", "Not emulated locally: " + target);
            return;
        }
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > MAX_PUT_EVENTS_ENTRIES) {
            jsonError(exchange, 400, "ValidationException", "Entries must hold 1 to " + MAX_PUT_EVENTS_ENTRIES + " entries");
            return;
        }
        ObjectNode response = JSON.createObjectNode();
        ArrayNode results = response.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            List<String> resources = new ArrayList<>();
            entry.path("Resources").forEach(resource -> resources.add(resource.asText()));
            EventBus.Result result = bus.put(new EventBus.Entry(text(entry, "Source"), text(entry, "DetailType"),
                    text(entry, "Detail"), text(entry, "EventBusName"), resources, time(entry.path("Time"))));
            ObjectNode out = results.addObject();
            if (result.eventId() != null) {
                out.put("EventId", result.eventId());
            } else {
                failed++;
                out.put("ErrorCode", result.errorCode()).put("ErrorMessage", result.errorMessage());
            }
        }
        response.put("FailedEntryCount", failed);
        Exchanges.send(exchange, 200, "application/x-amz-json-1.1", response.toString());
    }

    private void query(HttpExchange exchange, Map<String, String> form) throws IOException {
        String action = form.getOrDefault("Action", "");
        String requestId = UUID.randomUUID().toString();
        try {
            switch (action) {
                case "Publish" -> {
                    String messageId = notifications.publish(message(form, ""));
                    xml(exchange, 200, "<PublishResponse xmlns=\"" + SNS_NAMESPACE + "\"><PublishResult><MessageId>"
                            + messageId + "</MessageId></PublishResult>" + metadata(requestId) + "</PublishResponse>");
                }
                case "PublishBatch" -> publishBatch(exchange, form, requestId);
                default -> throw new Notifications.SnsException(400, "InvalidAction",
                        "Not emulated locally: " + (action.isEmpty() ? "(no Action)" : action));
            }
        } catch (Notifications.SnsException e) {
            xml(exchange, e.status(), "<ErrorResponse xmlns=\"" + SNS_NAMESPACE + "\"><Error><Type>Sender</Type><Code>"
                    + e.code() + "</Code><Message>" + escape(e.getMessage()) + "</Message></Error><RequestId>"
                    + requestId + "</RequestId></ErrorResponse>");
        }
    }

    private void publishBatch(HttpExchange exchange, Map<String, String> form, String requestId) throws IOException {
        StringBuilder successful = new StringBuilder();
        StringBuilder failed = new StringBuilder();
        for (int i = 1; form.containsKey("PublishBatchRequestEntries.member." + i + ".Id"); i++) {
            String prefix = "PublishBatchRequestEntries.member." + i + ".";
            String id = form.get(prefix + "Id");
            Map<String, String> entry = new LinkedHashMap<>();
            form.forEach((name, value) -> {
                if (name.startsWith(prefix)) {
                    entry.put(name.substring(prefix.length()), value);
                }
            });
            entry.put("TopicArn", form.get("TopicArn"));
            try {
                String messageId = notifications.publish(message(entry, ""));
                successful.append("<member><Id>").append(escape(id)).append("</Id><MessageId>").append(messageId)
                        .append("</MessageId></member>");
            } catch (Notifications.SnsException e) {
                failed.append("<member><Id>").append(escape(id)).append("</Id><Code>").append(e.code())
                        .append("</Code><Message>").append(escape(e.getMessage())).append("</Message><SenderFault>true</SenderFault></member>");
            }
        }
        xml(exchange, 200, "<PublishBatchResponse xmlns=\"" + SNS_NAMESPACE + "\"><PublishBatchResult><Successful>"
                + successful + "</Successful><Failed>" + failed + "</Failed></PublishBatchResult>" + metadata(requestId)
                + "</PublishBatchResponse>");
    }

    private static Notifications.Message message(Map<String, String> form, String prefix) {
        Map<String, Map<String, String>> attributes = new TreeMap<>();
        for (int i = 1; form.containsKey(prefix + "MessageAttributes.entry." + i + ".Name"); i++) {
            String entry = prefix + "MessageAttributes.entry." + i + ".";
            Map<String, String> value = new LinkedHashMap<>();
            value.put("DataType", form.get(entry + "Value.DataType"));
            if (form.containsKey(entry + "Value.StringValue")) {
                value.put("StringValue", form.get(entry + "Value.StringValue"));
            }
            if (form.containsKey(entry + "Value.BinaryValue")) {
                value.put("BinaryValue", form.get(entry + "Value.BinaryValue"));
            }
            attributes.put(form.get(entry + "Name"), value);
        }
        return new Notifications.Message(form.get(prefix + "TopicArn"), form.get(prefix + "TargetArn"),
                form.get(prefix + "PhoneNumber"), form.get(prefix + "Subject"), form.get(prefix + "Message"),
                form.get(prefix + "MessageStructure"), attributes, form.get(prefix + "MessageGroupId"));
    }

    private static String metadata(String requestId) {
        return "<ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata>";
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            form.put(URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8),
                    equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    /** JSON 1.1 timestamps are epoch seconds, possibly fractional. */
    private static Instant time(JsonNode node) {
        if (!node.isNumber()) {
            return null;
        }
        BigDecimal seconds = node.decimalValue();
        return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void xml(HttpExchange exchange, int status, String body) throws IOException {
        Exchanges.send(exchange, status, "text/xml", body);
    }

    static void jsonError(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode().put("__type", type).put("message", message);
        Exchanges.send(exchange, status, "application/x-amz-json-1.1", error.toString());
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
