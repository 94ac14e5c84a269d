package app.loyalty.local.schedule;

import app.loyalty.local.lambda.FunctionError;
import app.loyalty.local.lambda.FunctionHost;
import app.loyalty.local.template.Intrinsics;
import app.loyalty.local.template.Template;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the template's schedules on the runtime clock. Once a second (wall time) it reads the clock and fires
 * every schedule whose next occurrence has come, asynchronously, as the scheduler invokes Lambda. When the clock
 * jumps (POST /_local/clock), all the occurrences skipped over fire as one run, stamped with the latest of them:
 * advancing 30 days runs a daily expiry job once, not thirty times. Setting the clock back re-plans from the new
 * time.
 * <p>
 * Schedules are named by the function event's name (Events: key) for SAM Schedule/ScheduleV2 events, and by the
 * resource's logical id (or Name) for AWS::Events::Rule / AWS::Scheduler::Schedule; "Function.Event" works too.
 */
public final class ScheduleRunner implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SKIPPED_OCCURRENCES = 100_000;

    private final Map<String, Planned> schedules = new LinkedHashMap<>();
    private final Set<String> ambiguous = new HashSet<>();
    private final FunctionHost functions;
    private final Clock clock;
    private final String region;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "local-schedules");
        thread.setDaemon(true);
        return thread;
    });
    private final ExecutorService invocations = Executors.newVirtualThreadPerTaskExecutor();
    /** One-time schedules functions created through the Scheduler API (campaign sends), by name; gone once run. */
    private final Map<String, OneTime> oneTime = new java.util.concurrent.ConcurrentHashMap<>();

    /** A Scheduler {@code at(...)} schedule created at run time: fires once when the clock passes {@code at}, then is deleted. */
    public record OneTime(String name, String functionId, Instant at, String input) {
    }

    private static final class Planned {
        final Template.Schedule schedule;
        final ScheduleExpression expression;
        Instant lastTick;
        Optional<Instant> next;

        Planned(Template.Schedule schedule, ScheduleExpression expression, Instant now) {
            this.schedule = schedule;
            this.expression = expression;
            this.lastTick = now;
            this.next = expression.nextAfter(now);
        }
    }

    public ScheduleRunner(List<Template.Schedule> schedules, FunctionHost functions, Clock clock, String region) {
        this.functions = functions;
        this.clock = clock;
        this.region = region;
        Instant now = clock.instant();
        for (Template.Schedule schedule : schedules) {
            ScheduleExpression expression;
            try {
                expression = ScheduleExpression.parse(schedule.expression(), ZoneId.of(schedule.timezone()), now);
            } catch (RuntimeException e) {
                throw new IllegalStateException("Schedule " + schedule.name() + " of " + schedule.functionId() + ": " + e.getMessage(), e);
            }
            Planned planned = new Planned(schedule, expression, now);
            this.schedules.put(schedule.functionId() + "." + schedule.name(), planned);
            if (this.schedules.putIfAbsent(schedule.name(), planned) != null) {
                ambiguous.add(schedule.name()); // two functions' events share the name: only "Function.Event" is clear
            }
        }
    }

    public void start() {
        ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Adds a one-time schedule (the emulated CreateSchedule); false when one of that name exists (ConflictException).
     * It fires on the first tick at or after {@code at} on the runtime clock, so moving the clock past it runs it.
     */
    public boolean createOneTime(OneTime schedule) {
        return oneTime.putIfAbsent(schedule.name(), schedule) == null;
    }

    /** Removes a one-time schedule (the emulated DeleteSchedule); false when there is none of that name. */
    public boolean deleteOneTime(String name) {
        return oneTime.remove(name) != null;
    }

    /** Runs a schedule now, synchronously, and answers the event sent and the function's result. */
    public ObjectNode runNow(String name) {
        OneTime created = oneTime.remove(name);
        if (created != null) {
            ObjectNode answer = JSON.createObjectNode();
            answer.put("schedule", created.name());
            answer.put("function", created.functionId());
            answer.set("event", readJson(created.input()));
            answer.set("result", readJson(functions.get(created.functionId()).invoke(created.input())));
            return answer;
        }
        if (ambiguous.contains(name)) {
            throw new IllegalArgumentException("More than one schedule is named " + name + "; use Function.Event");
        }
        Planned planned = schedules.get(name);
        if (planned == null) {
            throw new IllegalArgumentException("No schedule " + name + "; known: " + distinctNames());
        }
        String event = event(planned.schedule, clock.instant());
        ObjectNode answer = JSON.createObjectNode();
        answer.put("schedule", planned.schedule.name());
        answer.put("function", planned.schedule.functionId());
        answer.set("event", readJson(event));
        answer.set("result", readJson(functions.get(planned.schedule.functionId()).invoke(event)));
        return answer;
    }

    public ArrayNode describe() {
        ArrayNode out = JSON.createArrayNode();
        schedules.values().stream().distinct().forEach(planned -> {
            ObjectNode schedule = out.addObject();
            schedule.put("name", planned.schedule.name());
            schedule.put("function", planned.schedule.functionId());
            schedule.put("expression", planned.schedule.expression());
            schedule.put("timezone", planned.schedule.timezone());
            schedule.put("enabled", planned.schedule.enabled());
            synchronized (planned) {
                schedule.put("next", planned.next.map(Instant::toString).orElse(null));
            }
        });
        oneTime.values().forEach(created -> {
            ObjectNode schedule = out.addObject();
            schedule.put("name", created.name());
            schedule.put("function", created.functionId());
            schedule.put("expression", "at(" + created.at() + ")");
            schedule.put("timezone", "UTC");
            schedule.put("enabled", true);
            schedule.put("next", created.at().toString());
        });
        return out;
    }

    private List<String> distinctNames() {
        return schedules.values().stream().distinct().map(p -> p.schedule.name()).toList();
    }

    private void tick() {
        Instant now = clock.instant();
        for (OneTime created : List.copyOf(oneTime.values())) {
            if (!created.at().isAfter(now) && oneTime.remove(created.name(), created)) {
                // ActionAfterCompletion DELETE: a one-time schedule runs once and is gone.
                System.out.println("[schedules] " + created.name() + " (one-time) -> " + created.functionId() + " at " + created.at());
                invocations.submit(() -> {
                    try {
                        functions.get(created.functionId()).invoke(created.input());
                    } catch (FunctionError e) {
                        System.err.println("[schedules] " + created.name() + ": " + e.getMessage());
                    }
                });
            }
        }
        for (Planned planned : schedules.values().stream().distinct().toList()) {
            try {
                tick(planned, now);
            } catch (RuntimeException e) {
                // Keep the ticker alive for the other schedules; this one is reported and retried next tick.
                System.err.println("[schedules] " + planned.schedule.name() + " failed to run");
                e.printStackTrace(System.err);
            }
        }
    }

    private void tick(Planned planned, Instant now) {
        Instant due;
        synchronized (planned) {
            if (now.isBefore(planned.lastTick)) {
                planned.next = planned.expression.nextAfter(now);
            }
            planned.lastTick = now;
            if (planned.next.isEmpty() || planned.next.get().isAfter(now) || !planned.schedule.enabled()) {
                return;
            }
            due = latestOccurrence(planned.expression, planned.next.get(), now);
            planned.next = planned.expression.nextAfter(now);
        }
        String event = event(planned.schedule, due);
        System.out.println("[schedules] " + planned.schedule.name() + " -> " + planned.schedule.functionId() + " at " + due);
        invocations.submit(() -> {
            try {
                functions.get(planned.schedule.functionId()).invoke(event);
            } catch (FunctionError e) {
                System.err.println("[schedules] " + planned.schedule.name() + ": " + e.getMessage()); // stack logged by the host
            }
        });
    }

    private static Instant latestOccurrence(ScheduleExpression expression, Instant first, Instant now) {
        Instant latest = first;
        for (int i = 0; i < MAX_SKIPPED_OCCURRENCES; i++) {
            Optional<Instant> next = expression.nextAfter(latest);
            if (next.isEmpty() || next.get().isAfter(now)) {
                return latest;
            }
            latest = next.get();
        }
        return now.truncatedTo(ChronoUnit.MINUTES);
    }

    /**
     * The schedule's Input when it has one (delivered verbatim, as on AWS), else a scheduled event:
     * source aws.events for EventBridge rules, aws.scheduler for EventBridge Scheduler.
     */
    private String event(Template.Schedule schedule, Instant time) {
        if (schedule.input().isPresent()) {
            return schedule.input().get();
        }
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", schedule.scheduler() ? "aws.scheduler" : "aws.events");
        event.put("account", Intrinsics.ACCOUNT);
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", region);
        event.putArray("resources").add(schedule.scheduler()
                ? "arn:aws:scheduler:" + region + ":" + Intrinsics.ACCOUNT + ":schedule/default/" + schedule.name()
                : "arn:aws:events:" + region + ":" + Intrinsics.ACCOUNT + ":rule/" + schedule.name());
        event.putObject("detail");
        return event.toString();
    }

    private static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(json); // a non-JSON result is shown as text
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        invocations.shutdown();
    }
}
