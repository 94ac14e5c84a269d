package app.loyalty.local.reliability;

import app.loyalty.functions.analytics.AnalyticsHandler;
import app.loyalty.functions.notifications.NotificationsHandler;
import app.loyalty.local.template.Template;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.event.ruler.Machine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The bus's consumers as template.yaml wires them: every EventBridge rule with a Lambda target, matched with AWS's
 * Event Ruler as EventBridge does, delivering to that function's handler built on the given context. A rule whose
 * function this class cannot build fails construction, so a consumer added to the template without a place in the
 * scenarios is noticed, not skipped.
 */
final class EventConsumers {
    static final String TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:loyalty-notifications";
    private static final RequestLog QUIET = new RequestLog(new PrintStream(new ByteArrayOutputStream()));

    private final Machine rules = new Machine();
    private final Map<String, String> functionOfRule = new LinkedHashMap<>();
    private final Map<String, RequestStreamHandler> handlers = new LinkedHashMap<>();

    /** The consumers of the template's rules on {@code context}, notifications publishing to {@code sns}. */
    EventConsumers(AppContext context, RecordingSns sns) {
        Template template = Template.load(Path.of("..", "template.yaml").toAbsolutePath().normalize(), "eu-west-1");
        int n = 0;
        for (Template.Rule rule : template.rules()) {
            if (!rule.enabled() || rule.input().isPresent()) {
                continue; // a rule with its own input is a trigger, not a consumer of the event
            }
            String handlerClass = template.function(rule.functionId()).handlerClass();
            handlers.computeIfAbsent(rule.functionId(), id -> build(handlerClass, context, sns));
            String id = Integer.toString(n++);
            functionOfRule.put(id, rule.functionId());
            try {
                rules.addRule(id, rule.patternJson());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The functions the rules deliver to (template logical ids). */
    List<String> functions() {
        return List.copyOf(handlers.keySet());
    }

    private static RequestStreamHandler build(String handlerClass, AppContext context, RecordingSns sns) {
        return switch (handlerClass) {
            case "app.loyalty.functions.analytics.AnalyticsHandler" -> new AnalyticsHandler(context, QUIET);
            case "app.loyalty.functions.notifications.NotificationsHandler" ->
                    new NotificationsHandler(context, sns, TOPIC_ARN, QUIET);
            case "app.loyalty.functions.programadmin.WebhookDeliveryHandler" -> webhookDelivery(context);
            default -> throw new IllegalStateException("template.yaml delivers bus events to " + handlerClass
                    + ", which the fault scenarios do not cover yet: add it to EventConsumers");
        };
    }

    /**
     * The webhook function's tests' constructor (context, HTTP client, log, resolver, loopback allowed) is package-private, and its public one reads
     * the environment; reflection reaches the former without widening production code for this test.
     */
    private static RequestStreamHandler webhookDelivery(AppContext context) {
        try {
            Class<?> type = Class.forName("app.loyalty.functions.programadmin.WebhookDeliveryHandler");
            // The receivers are on loopback: no DNS resolution needed, loopback allowed as on the local runtime.
            Class<?> resolver = Class.forName("app.loyalty.functions.programadmin.WebhookTargets$Resolver");
            Constructor<?> constructor = type.getDeclaredConstructor(AppContext.class, HttpClient.class, RequestLog.class,
                    resolver, boolean.class);
            constructor.setAccessible(true);
            var dnsField = Class.forName("app.loyalty.functions.programadmin.WebhookTargets").getDeclaredField("DNS");
            dnsField.setAccessible(true);
            Object dns = dnsField.get(null);
            return (RequestStreamHandler) constructor.newInstance(context,
                    HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), QUIET, dns, true);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build WebhookDeliveryHandler for the scenario", e);
        }
    }

    /** The event as EventBridge delivers it (the relay's entry: source, detail-type, detail, time), a fresh envelope id. */
    static ObjectNode envelope(DomainEvent event) {
        ObjectNode envelope = Json.MAPPER.createObjectNode();
        envelope.put("version", "0");
        envelope.put("id", UUID.randomUUID().toString());
        envelope.put("detail-type", event.detailType());
        envelope.put("source", DomainEvent.SOURCE);
        envelope.put("account", "123456789012");
        envelope.put("time", event.occurredAt().truncatedTo(ChronoUnit.SECONDS).toString());
        envelope.put("region", "eu-west-1");
        envelope.putArray("resources");
        try {
            envelope.set("detail", Json.MAPPER.readTree(Outbox.detail(event)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return envelope;
    }

    /** Invokes every consumer whose rule matches; returns the functions invoked. Their failures propagate. */
    List<String> deliver(JsonNode envelope) {
        List<String> invoked = new ArrayList<>();
        try {
            for (String rule : rules.rulesForJSONEvent(envelope.toString()).stream().sorted().toList()) {
                String function = functionOfRule.get(rule);
                invoke(function, envelope);
                invoked.add(function);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Event Ruler could not match " + envelope, e);
        }
        return invoked;
    }

    /** Invokes one function with the event, as Lambda would (JSON in, JSON out); answers its output. */
    JsonNode invoke(String function, JsonNode event) {
        RequestStreamHandler handler = handlers.get(function);
        if (handler == null) {
            throw new IllegalArgumentException("no consumer " + function + " among " + handlers.keySet());
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
            return Json.MAPPER.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
