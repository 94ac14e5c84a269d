package app.loyalty.local.events;

import app.loyalty.local.api.Exchanges;
import app.loyalty.local.schedule.ScheduleExpression;
import app.loyalty.local.schedule.ScheduleRunner;
import app.loyalty.local.template.Intrinsics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * EventBridge Scheduler as the functions call it (REST-JSON, SDK 2.40.2): {@code POST /schedules/{Name}}
 * (CreateSchedule) and {@code DELETE /schedules/{Name}} (DeleteSchedule), for one-time {@code at(...)} schedules whose
 * target is a function of the template (its ARN as the template's GetAtt gives it). Each becomes a one-time schedule of
 * the {@link ScheduleRunner}: it fires when the runtime clock passes its time (POST /_local/clock) and is then deleted
 * (ActionAfterCompletion DELETE), or at once with POST /_local/schedules/{name}. Recurring expressions, flexible
 * windows and other targets are refused with the reason, so a missing emulation is obvious.
 */
public final class SchedulerApi {
    static final String PATH = "/schedules/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScheduleRunner runner;
    private final Map<String, String> functionsByArn;
    private final Clock clock;
    private final String region;

    /** {@code functionsByArn}: each template function's ARN (as GetAtt Arn resolves locally) to its logical id. */
    public SchedulerApi(ScheduleRunner runner, Map<String, String> functionsByArn, Clock clock, String region) {
        this.runner = runner;
        this.functionsByArn = Map.copyOf(functionsByArn);
        this.clock = clock;
        this.region = region;
    }

    void handle(HttpExchange exchange, byte[] body) throws IOException {
        String name = URLDecoder.decode(exchange.getRequestURI().getPath().substring(PATH.length()), StandardCharsets.UTF_8);
        switch (exchange.getRequestMethod()) {
            case "POST" -> create(exchange, name, body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body));
            case "DELETE" -> {
                if (runner.deleteOneTime(name)) {
                    Exchanges.send(exchange, 200, "application/json", "{}");
                } else {
                    error(exchange, 404, "ResourceNotFoundException", "Schedule " + name + " does not exist.");
                }
            }
            default -> error(exchange, 400, "ValidationException", "Not emulated locally: " + exchange.getRequestMethod() + " " + PATH + name);
        }
    }

    private void create(HttpExchange exchange, String name, JsonNode request) throws IOException {
        String expression = request.path("ScheduleExpression").asText("");
        String zone = request.path("ScheduleExpressionTimezone").asText("UTC");
        if (!expression.startsWith("at(")) {
            error(exchange, 400, "ValidationException", "Only one-time at(...) schedules are emulated locally, not " + expression);
            return;
        }
        Instant at = ((ScheduleExpression.At) ScheduleExpression.parse(expression, ZoneId.of(zone), clock.instant())).at();
        String targetArn = request.path("Target").path("Arn").asText("");
        String functionId = functionsByArn.get(targetArn);
        if (functionId == null) {
            error(exchange, 400, "ValidationException", "Target " + targetArn + " is not a function of the template; known: "
                    + List.copyOf(functionsByArn.keySet()));
            return;
        }
        String input = Optional.ofNullable(request.path("Target").get("Input")).map(JsonNode::asText).orElse("{}");
        if (!runner.createOneTime(new ScheduleRunner.OneTime(name, functionId, at, input))) {
            error(exchange, 409, "ConflictException", "Schedule " + name + " already exists.");
            return;
        }
        String group = request.path("GroupName").asText("default");
        Exchanges.send(exchange, 200, "application/json", JSON.createObjectNode().put("ScheduleArn",
                "arn:aws:scheduler:" + region + ":" + Intrinsics.ACCOUNT + ":schedule/" + group + "/" + name).toString());
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        Exchanges.send(exchange, status, "application/json", JSON.createObjectNode().put("__type", type).put("Message", message).toString());
    }
}
