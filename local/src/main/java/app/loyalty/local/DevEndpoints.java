package app.loyalty.local;

import app.loyalty.local.api.Exchanges;
import app.loyalty.local.events.EventBus;
import app.loyalty.local.events.Notifications;
import app.loyalty.local.lambda.FunctionError;
import app.loyalty.local.schedule.ScheduleRunner;
import app.loyalty.local.template.Template;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Developer endpoints, local only (never part of the deployed API):
 * <ul>
 *   <li>GET /_local/events[?detail-type=X]: events put on the buses, oldest first, with their rule deliveries;</li>
 *   <li>GET /_local/notifications: SNS messages the functions published;</li>
 *   <li>GET /_local/clock, POST /_local/clock {"now": "2026-12-01T00:00:00Z"} or {"advance": "P30D"};</li>
 *   <li>GET /_local/schedules, POST /_local/schedules/{name}: run one now and see the function's result;</li>
 *   <li>GET /_local/routes: the HTTP API routes read from the template.</li>
 * </ul>
 * Errors are problem+json.
 */
final class DevEndpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SettableClock clock;
    private final EventBus bus;
    private final Notifications notifications;
    private final ScheduleRunner schedules;
    private final Template template;

    DevEndpoints(SettableClock clock, EventBus bus, Notifications notifications, ScheduleRunner schedules, Template template) {
        this.clock = clock;
        this.bus = bus;
        this.notifications = notifications;
        this.schedules = schedules;
        this.template = template;
    }

    void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        try {
            switch (method + " " + path) {
                case "GET /_local/events" -> ok(exchange, bus.events(query(exchange, "detail-type")));
                case "GET /_local/notifications" -> ok(exchange, notifications.messages());
                case "GET /_local/clock" -> ok(exchange, now());
                case "POST /_local/clock" -> ok(exchange, setClock(body(exchange)));
                case "GET /_local/schedules" -> ok(exchange, schedules.describe());
                case "GET /_local/routes" -> ok(exchange, routes());
                default -> {
                    if (method.equals("POST") && path.startsWith("/_local/schedules/")) {
                        ok(exchange, schedules.runNow(path.substring("/_local/schedules/".length())));
                    } else {
                        problem(exchange, 404, "Not found", "No developer endpoint " + method + " " + path);
                    }
                }
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            problem(exchange, 400, "Bad request", e.getMessage());
        } catch (FunctionError e) {
            problem(exchange, 502, "The function failed", e.getMessage()); // its stack is in the log already
        }
    }

    private ObjectNode setClock(JsonNode body) {
        if (body.hasNonNull("now") == body.hasNonNull("advance")) {
            throw new IllegalArgumentException("Send exactly one of {\"now\": \"2026-12-01T00:00:00Z\"} and {\"advance\": \"P30D\"}");
        }
        if (body.hasNonNull("now")) {
            clock.set(Instant.parse(body.get("now").asText()));
        } else {
            clock.advance(amount(body.get("advance").asText()));
        }
        return now();
    }

    /** ISO-8601 durations (PT2H, P30D) and, for months and years, periods (P1M) counted on the UTC calendar. */
    private Duration amount(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeException notADuration) {
            Period period = Period.parse(text);
            Instant now = clock.instant();
            return Duration.between(now, now.atZone(ZoneOffset.UTC).plus(period).toInstant());
        }
    }

    private ObjectNode now() {
        return JSON.createObjectNode().put("now", clock.instant().toString());
    }

    private ArrayNode routes() {
        ArrayNode out = JSON.createArrayNode();
        for (Template.Route route : template.routes()) {
            out.addObject().put("routeKey", route.routeKey()).put("function", route.functionId()).put("event", route.eventName())
                    .put("authorizer", route.authorizer().map(Template.Authorizer::name).orElse("NONE"));
        }
        return out;
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        byte[] body = Exchanges.body(exchange);
        try {
            JsonNode json = body == null || body.length == 0 ? null : JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("Send a JSON object");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Optional<String> query(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8).equals(name)) {
                return Optional.of(URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** Answers end with a newline: these are read in a terminal, where the next prompt must not follow the JSON. */
    private static void ok(HttpExchange exchange, JsonNode body) throws IOException {
        Exchanges.send(exchange, 200, "application/json", body + "\n");
    }

    private static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        ObjectNode problem = JSON.createObjectNode().put("type", "about:blank").put("title", title)
                .put("status", status).put("detail", detail);
        Exchanges.send(exchange, status, "application/problem+json", problem + "\n");
    }
}
