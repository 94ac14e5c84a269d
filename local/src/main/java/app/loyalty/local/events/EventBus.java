package app.loyalty.local.events;

import app.loyalty.local.lambda.FunctionError;
import app.loyalty.local.lambda.FunctionHost;
import app.loyalty.local.template.Intrinsics;
import app.loyalty.local.template.Template;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.event.ruler.Machine;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;

/**
 * The EventBridge buses of the template. Every accepted event is recorded (for GET /_local/events), matched
 * against the template's rules with AWS's own Event Ruler, and delivered to each matching rule's function
 * asynchronously, as EventBridge invokes Lambda targets. A failed delivery is logged and shown on the event's
 * record; it is not retried (EventBridge would retry for up to 24 h and Lambda's async invoke twice more).
 */
public final class EventBus implements AutoCloseable {
    /** Events kept for /_local/events; older ones are dropped first. */
    static final int RETAINED_EVENTS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Machine> machines = new HashMap<>();
    private final Map<String, Template.Rule> rulesById = new HashMap<>();
    private final Set<String> buses = new HashSet<>();
    private final FunctionHost functions;
    private final Clock clock;
    private final String region;
    private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Semaphore> concurrency = new HashMap<>();
    private final Deque<RecordedEvent> recorded = new ArrayDeque<>();
    /** Recorded events by their domain event id (detail.eventId), for the capture's de-duplication. */
    private final Map<String, RecordedEvent> recordedByEventId = new HashMap<>();

    /** One entry of a PutEvents call. */
    public record Entry(String source, String detailType, String detail, String busName, List<String> resources,
                        Instant time) {
    }

    /** The outcome of one entry: its event id, or the error EventBridge would report for it. */
    public record Result(String eventId, String errorCode, String errorMessage) {
        static Result accepted(String eventId) {
            return new Result(eventId, null, null);
        }

        static Result failed(String code, String message) {
            return new Result(null, code, message);
        }
    }

    public EventBus(Template template, FunctionHost functions, Clock clock) {
        this.functions = functions;
        this.clock = clock;
        this.region = template.intrinsics().region();
        buses.add("default");
        template.root().path("Resources").fields().forEachRemaining(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::Events::EventBus")) {
                buses.add(template.intrinsics().ref(resource.getKey()).orElseThrow());
            }
        });
        // Lambda's reserved concurrency, where the template sets one: a consumer that caps its own parallelism (the
        // analytics counters) gets at most that many deliveries at once, the rest wait their turn as on Lambda.
        template.root().path("Resources").fields().forEachRemaining(resource -> {
            JsonNode reserved = resource.getValue().path("Properties").path("ReservedConcurrentExecutions");
            if (reserved.canConvertToInt() && reserved.asInt() > 0) {
                concurrency.put(resource.getKey(), new Semaphore(reserved.asInt(), true));
            }
        });
        List<Template.Rule> rules = template.rules();
        for (int i = 0; i < rules.size(); i++) {
            Template.Rule rule = rules.get(i);
            if (!rule.enabled()) {
                continue;
            }
            String id = Integer.toString(i); // rule names repeat across functions (two "OnPointsAccrued" events)
            rulesById.put(id, rule);
            try {
                machines.computeIfAbsent(rule.busName(), bus -> new Machine()).addRule(id, rule.patternJson());
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("Rule " + rule.name() + " of " + rule.functionId()
                        + " has an invalid event pattern: " + rule.patternJson(), e);
            }
        }
    }

    public Result put(Entry entry) {
        if (blank(entry.source()) || blank(entry.detailType()) || blank(entry.detail())) {
            return Result.failed("InvalidArgument", "Parameters Source, DetailType and Detail are required.");
        }
        String bus = busName(entry.busName());
        if (!buses.contains(bus)) {
            return Result.failed("ResourceNotFoundException", "Event bus " + bus + " does not exist.");
        }
        JsonNode detail;
        try {
            detail = JSON.readTree(entry.detail());
        } catch (JsonProcessingException e) {
            return Result.failed("MalformedDetail", "Detail is malformed.");
        }
        if (!detail.isObject()) {
            return Result.failed("MalformedDetail", "Detail is malformed.");
        }

        ObjectNode envelope = JSON.createObjectNode();
        String id = UUID.randomUUID().toString();
        envelope.put("version", "0");
        envelope.put("id", id);
        envelope.put("detail-type", entry.detailType());
        envelope.put("source", entry.source());
        envelope.put("account", Intrinsics.ACCOUNT);
        envelope.put("time", (entry.time() == null ? clock.instant() : entry.time()).truncatedTo(ChronoUnit.SECONDS).toString());
        envelope.put("region", region);
        ArrayNode resources = envelope.putArray("resources");
        (entry.resources() == null ? List.<String>of() : entry.resources()).forEach(resources::add);
        envelope.set("detail", detail);

        RecordedEvent event = capture(bus, envelope, detail.path("eventId").asText(""));
        for (Template.Rule rule : matchingRules(bus, envelope)) {
            Delivery delivery = new Delivery(rule.name(), rule.functionId());
            event.deliveries.add(delivery);
            String payload = rule.input().orElse(envelope.toString());
            deliveries.submit(() -> deliver(delivery, payload));
        }
        return Result.accepted(id);
    }

    /**
     * The capture behind /_local/events is a consumer like any other: delivery is at-least-once (the relay
     * publishes a batch again when it is retried or a restart catches it between publishing and saving its
     * position), so it keeps one record per detail.eventId and counts the copies. Rules still get every copy,
     * as on EventBridge: their consumers de-duplicate themselves.
     */
    private RecordedEvent capture(String bus, ObjectNode envelope, String eventId) {
        synchronized (recorded) {
            RecordedEvent earlier = recordedByEventId.get(eventId);
            if (earlier != null) {
                earlier.copies++;
                return earlier;
            }
            RecordedEvent event = new RecordedEvent(bus, envelope);
            recorded.addLast(event);
            if (!eventId.isEmpty()) {
                recordedByEventId.put(eventId, event);
            }
            if (recorded.size() > RETAINED_EVENTS) {
                RecordedEvent dropped = recorded.removeFirst();
                recordedByEventId.remove(dropped.envelope.path("detail").path("eventId").asText(""));
            }
            return event;
        }
    }

    /** The recorded events, oldest first, each with its deliveries. */
    public ArrayNode events(Optional<String> detailType) {
        ArrayNode out = JSON.createArrayNode();
        synchronized (recorded) {
            for (RecordedEvent event : recorded) {
                if (detailType.isEmpty() || detailType.get().equals(event.envelope.path("detail-type").asText())) {
                    out.add(event.toJson());
                }
            }
        }
        return out;
    }

    private List<Template.Rule> matchingRules(String bus, ObjectNode envelope) {
        Machine machine = machines.get(bus);
        if (machine == null) {
            return List.of();
        }
        try {
            return machine.rulesForJSONEvent(envelope.toString()).stream().sorted().map(rulesById::get).toList();
        } catch (Exception e) { // Event Ruler declares Exception; the envelope is our own valid JSON
            throw new IllegalStateException("Event Ruler could not match event " + envelope.path("id").asText(), e);
        }
    }

    private void deliver(Delivery delivery, String payload) {
        Semaphore limit = concurrency.get(delivery.function);
        if (limit != null) {
            limit.acquireUninterruptibly();
        }
        try {
            functions.get(delivery.function).invoke(payload);
            delivery.status = "delivered";
        } catch (FunctionError e) {
            delivery.status = "failed: " + e.getCause();
        } catch (RuntimeException e) {
            delivery.status = "failed: " + e;
            System.err.println("[events] delivery of rule " + delivery.rule + " to " + delivery.function + " failed");
            e.printStackTrace(System.err);
        } finally {
            if (limit != null) {
                limit.release();
            }
        }
    }

    private static String busName(String nameOrArn) {
        if (blank(nameOrArn)) {
            return "default";
        }
        int index = nameOrArn.lastIndexOf("event-bus/");
        return index < 0 ? nameOrArn : nameOrArn.substring(index + "event-bus/".length());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public void close() {
        deliveries.shutdown();
    }

    private static final class RecordedEvent {
        final String bus;
        final ObjectNode envelope;
        final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        /** How many times the same domain event was published; more than 1 only on a redelivery. */
        int copies = 1;

        RecordedEvent(String bus, ObjectNode envelope) {
            this.bus = bus;
            this.envelope = envelope;
        }

        ObjectNode toJson() {
            ObjectNode json = JSON.createObjectNode();
            json.put("id", envelope.get("id").asText());
            json.put("detail-type", envelope.get("detail-type").asText());
            json.put("source", envelope.get("source").asText());
            json.put("time", envelope.get("time").asText());
            json.put("bus", bus);
            json.set("resources", envelope.get("resources"));
            json.set("detail", envelope.get("detail"));
            json.put("copies", copies);
            ArrayNode list = json.putArray("deliveries");
            for (Delivery delivery : deliveries) {
                list.addObject().put("rule", delivery.rule).put("function", delivery.function).put("status", delivery.status);
            }
            return json;
        }
    }

    private static final class Delivery {
        final String rule;
        final String function;
        volatile String status = "pending";

        Delivery(String rule, String function) {
            this.rule = rule;
            this.function = function;
        }
    }
}
