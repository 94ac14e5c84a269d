package app.loyalty.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the local runtime needs from template.yaml: the functions (handler, environment), the HTTP API routes and
 * their authorizer, the DynamoDB stream event sources, the EventBridge rules and the schedules. Nothing here is
 * hard-coded: a route added to the template is served locally on the next start.
 * <p>
 * Read from SAM's shorthand (function {@code Events} of type HttpApi, DynamoDB, EventBridgeRule/CloudWatchEvent,
 * Schedule, ScheduleV2) and from the plain CloudFormation resources AWS::Events::Rule,
 * AWS::Scheduler::Schedule and AWS::Lambda::EventSourceMapping.
 */
public final class Template {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;
    private final Intrinsics intrinsics;
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<StreamSource> streamSources = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final List<Schedule> schedules = new ArrayList<>();

    /** A Lambda function: its handler and its environment as the template sets it (unresolvable values left out). */
    public record Function(String logicalId, String handlerClass, String handlerMethod, String codeUri,
                           int timeoutSeconds, int memoryMb, Map<String, String> environment,
                           List<String> unresolvedVariables) {
    }

    /** An HTTP API Lambda authorizer (REQUEST type). */
    public record Authorizer(String name, String functionId, List<String> identityHeaders, boolean simpleResponses,
                             String payloadFormatVersion, int resultTtlSeconds) {
    }

    /** One HTTP API route: "POST /v1/members" to a function, through an authorizer unless it says NONE. */
    public record Route(String method, String path, String functionId, String eventName, Optional<Authorizer> authorizer) {
        public String routeKey() {
            return path.equals("$default") ? "$default" : method + " " + path;
        }
    }

    /** A DynamoDB stream event source mapping. */
    public record StreamSource(String name, String functionId, String tableId, String startingPosition, int batchSize,
                               List<String> filterPatterns, boolean reportBatchItemFailures,
                               boolean bisectBatchOnFunctionError, int maximumRetryAttempts, boolean enabled) {
    }

    /** An EventBridge rule with a Lambda target; {@code input} replaces the event when the target sets one. */
    public record Rule(String name, String busName, String patternJson, String functionId, Optional<String> input,
                       boolean enabled) {
    }

    /**
     * A schedule invoking a function. {@code scheduler} tells EventBridge Scheduler (ScheduleV2,
     * AWS::Scheduler::Schedule) from a scheduled EventBridge rule (Schedule, AWS::Events::Rule), which differ in
     * the event's source only.
     */
    public record Schedule(String name, String functionId, String expression, String timezone, Optional<String> input,
                           boolean enabled, boolean scheduler) {
    }

    /** The table: logical id, local name and its CloudFormation properties. */
    public record Table(String logicalId, String name, JsonNode properties) {
    }

    private Template(JsonNode root, String region) {
        this.root = root;
        this.intrinsics = new Intrinsics(root, region);
        JsonNode globalEnvironment = root.path("Globals").path("Function").path("Environment").path("Variables");
        forEachResource((id, resource) -> {
            String type = resource.path("Type").asText();
            JsonNode properties = resource.path("Properties");
            switch (type) {
                case "AWS::Serverless::Function" -> readFunction(id, properties, globalEnvironment);
                // SAM's Globals apply to AWS::Serverless::Function only.
                case "AWS::Lambda::Function" -> readFunction(id, properties, MissingNode.getInstance());
                case "AWS::Events::Rule" -> readEventsRule(id, properties);
                case "AWS::Scheduler::Schedule" -> readSchedulerSchedule(id, properties);
                case "AWS::Lambda::EventSourceMapping" -> readEventSourceMapping(id, properties);
                default -> { }
            }
        });
    }

    public static Template load(Path file, String region) {
        return new Template(CfnYaml.read(file), region);
    }

    public JsonNode root() {
        return root;
    }

    public Intrinsics intrinsics() {
        return intrinsics;
    }

    /** By logical id, in template order. */
    public Map<String, Function> functions() {
        return Collections.unmodifiableMap(functions);
    }

    public Function function(String logicalId) {
        Function function = functions.get(logicalId);
        if (function == null) {
            throw new IllegalArgumentException("No function " + logicalId + " in the template");
        }
        return function;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    public List<StreamSource> streamSources() {
        return List.copyOf(streamSources);
    }

    public List<Rule> rules() {
        return List.copyOf(rules);
    }

    public List<Schedule> schedules() {
        return List.copyOf(schedules);
    }

    /** The one table the design allows; the runtime creates it from TableSchema under this name. */
    public Table table() {
        List<Table> tables = new ArrayList<>();
        forEachResource((id, resource) -> {
            if (resource.path("Type").asText().equals("AWS::DynamoDB::Table")) {
                tables.add(new Table(id, intrinsics.ref(id).orElse(id), resource.path("Properties")));
            }
        });
        if (tables.size() != 1) {
            throw new IllegalStateException("Expected exactly one AWS::DynamoDB::Table in the template, found " + tables.size());
        }
        return tables.get(0);
    }

    private void readFunction(String id, JsonNode properties, JsonNode globalEnvironment) {
        String handler = properties.path("Handler").asText(root.path("Globals").path("Function").path("Handler").asText());
        int separator = handler.indexOf("::");
        String handlerClass = separator < 0 ? handler : handler.substring(0, separator);
        String handlerMethod = separator < 0 ? "handleRequest" : handler.substring(separator + 2);

        Map<String, String> environment = new LinkedHashMap<>();
        List<String> unresolved = new ArrayList<>();
        ObjectNode variables = JSON.createObjectNode();
        if (globalEnvironment.isObject()) {
            variables.setAll((ObjectNode) globalEnvironment);
        }
        JsonNode own = properties.path("Environment").path("Variables");
        if (own.isObject()) {
            variables.setAll((ObjectNode) own);
        }
        variables.fields().forEachRemaining(variable -> intrinsics.resolve(variable.getValue()).ifPresentOrElse(
                value -> environment.put(variable.getKey(), value), () -> unresolved.add(variable.getKey())));
        JsonNode globals = root.path("Globals").path("Function");
        functions.put(id, new Function(id, handlerClass, handlerMethod, properties.path("CodeUri").asText(null),
                properties.path("Timeout").asInt(globals.path("Timeout").asInt(3)),
                properties.path("MemorySize").asInt(globals.path("MemorySize").asInt(128)),
                Map.copyOf(environment), List.copyOf(unresolved)));

        properties.path("Events").fields().forEachRemaining(event ->
                readFunctionEvent(id, event.getKey(), event.getValue().path("Type").asText(), event.getValue().path("Properties")));
    }

    private void readFunctionEvent(String functionId, String eventName, String type, JsonNode properties) {
        switch (type) {
            case "HttpApi" -> readHttpApiEvent(functionId, eventName, properties);
            case "DynamoDB" -> streamSources.add(streamSource(eventName, functionId,
                    intrinsics.referencedResource(properties.path("Stream")).orElseThrow(() -> new IllegalStateException(
                            functionId + "." + eventName + ": Stream must reference the table's StreamArn")), properties));
            case "EventBridgeRule", "CloudWatchEvent" -> rules.add(new Rule(eventName,
                    busName(properties.path("EventBusName")), patternJson(properties.path("Pattern")), functionId,
                    text(properties.path("Input")), isEnabled(properties)));
            case "Schedule" -> schedules.add(new Schedule(eventName, functionId,
                    intrinsics.resolve(properties.path("Schedule")).orElseThrow(), "UTC", text(properties.path("Input")),
                    isEnabled(properties), false));
            case "ScheduleV2" -> schedules.add(new Schedule(eventName, functionId,
                    intrinsics.resolve(properties.path("ScheduleExpression")).orElseThrow(),
                    text(properties.path("ScheduleExpressionTimezone")).orElse("UTC"), text(properties.path("Input")),
                    isEnabled(properties), true));
            default -> { } // other triggers (SQS, SNS, ...) are not emulated; nothing in the design uses them yet
        }
    }

    private void readHttpApiEvent(String functionId, String eventName, JsonNode properties) {
        String method = properties.path("Method").asText("ANY").toUpperCase(Locale.ROOT);
        String path = properties.path("Path").asText("$default");
        JsonNode api = apiProperties(properties.path("ApiId"));
        String authorizerName = properties.path("Auth").path("Authorizer").asText(
                api.path("Auth").path("DefaultAuthorizer").asText("NONE"));
        Optional<Authorizer> authorizer = authorizerName.equals("NONE")
                ? Optional.empty() : Optional.of(authorizer(authorizerName, api));
        routes.add(new Route(method.equals("X-AMAZON-APIGATEWAY-ANY-METHOD") ? "ANY" : method, path, functionId,
                eventName, authorizer));
    }

    /** The HttpApi resource an event names (or the implicit API, configured through Globals.HttpApi). */
    private JsonNode apiProperties(JsonNode apiId) {
        Optional<String> id = intrinsics.referencedResource(apiId);
        if (id.isPresent()) {
            return root.path("Resources").path(id.get()).path("Properties");
        }
        return root.path("Globals").path("HttpApi");
    }

    private Authorizer authorizer(String name, JsonNode api) {
        JsonNode definition = api.path("Auth").path("Authorizers").path(name);
        if (definition.isMissingNode()) {
            throw new IllegalStateException("Route authorizer " + name + " is not defined on its HttpApi");
        }
        if (definition.has("JwtConfiguration")) {
            throw new IllegalStateException("Authorizer " + name + " is a JWT authorizer; the local runtime emulates Lambda authorizers only");
        }
        String functionId = intrinsics.referencedResource(definition.path("FunctionArn")).orElseThrow(() ->
                new IllegalStateException("Authorizer " + name + ": FunctionArn must reference a function of the template"));
        List<String> headers = new ArrayList<>();
        definition.path("Identity").path("Headers").forEach(header -> headers.add(header.asText()));
        return new Authorizer(name, functionId, List.copyOf(headers),
                definition.path("EnableSimpleResponses").asBoolean(false),
                definition.path("AuthorizerPayloadFormatVersion").asText("2.0"),
                definition.path("Identity").path("ReauthorizeEvery").asInt(0));
    }

    private void readEventsRule(String id, JsonNode properties) {
        boolean enabled = !properties.path("State").asText("ENABLED").equals("DISABLED");
        for (JsonNode target : properties.path("Targets")) {
            Optional<String> functionId = intrinsics.referencedResource(target.path("Arn")).filter(this::isFunction);
            if (functionId.isEmpty()) {
                continue; // a non-Lambda target (queue, topic, bus): not delivered locally
            }
            Optional<String> input = text(target.path("Input"));
            if (properties.has("ScheduleExpression")) {
                schedules.add(new Schedule(id, functionId.get(), intrinsics.resolve(properties.path("ScheduleExpression")).orElseThrow(),
                        "UTC", input, enabled, false));
            } else {
                rules.add(new Rule(id, busName(properties.path("EventBusName")), patternJson(properties.path("EventPattern")),
                        functionId.get(), input, enabled));
            }
        }
    }

    private void readSchedulerSchedule(String id, JsonNode properties) {
        JsonNode target = properties.path("Target");
        Optional<String> functionId = intrinsics.referencedResource(target.path("Arn")).filter(this::isFunction);
        if (functionId.isEmpty()) {
            return; // universal targets (another service's API) are not emulated
        }
        schedules.add(new Schedule(text(properties.path("Name")).orElse(id), functionId.get(),
                intrinsics.resolve(properties.path("ScheduleExpression")).orElseThrow(),
                text(properties.path("ScheduleExpressionTimezone")).orElse("UTC"), text(target.path("Input")),
                !properties.path("State").asText("ENABLED").equals("DISABLED"), true));
    }

    private void readEventSourceMapping(String id, JsonNode properties) {
        Optional<String> source = intrinsics.referencedResource(properties.path("EventSourceArn"));
        Optional<String> functionId = intrinsics.referencedResource(properties.path("FunctionName")).filter(this::isFunction);
        if (source.isEmpty() || functionId.isEmpty()
                || !root.path("Resources").path(source.get()).path("Type").asText().equals("AWS::DynamoDB::Table")) {
            return; // only DynamoDB streams are emulated
        }
        streamSources.add(streamSource(id, functionId.get(), source.get(), properties));
    }

    private StreamSource streamSource(String name, String functionId, String tableId, JsonNode properties) {
        List<String> patterns = new ArrayList<>();
        properties.path("FilterCriteria").path("Filters").forEach(filter -> patterns.add(patternJson(filter.path("Pattern"))));
        boolean reportFailures = false;
        for (JsonNode type : properties.path("FunctionResponseTypes")) {
            reportFailures |= type.asText().equals("ReportBatchItemFailures");
        }
        return new StreamSource(name, functionId, tableId, properties.path("StartingPosition").asText("TRIM_HORIZON"),
                properties.path("BatchSize").asInt(100), List.copyOf(patterns), reportFailures,
                properties.path("BisectBatchOnFunctionError").asBoolean(false),
                properties.path("MaximumRetryAttempts").asInt(-1), properties.path("Enabled").asBoolean(true));
    }

    private boolean isFunction(String logicalId) {
        String type = root.path("Resources").path(logicalId).path("Type").asText();
        return type.equals("AWS::Serverless::Function") || type.equals("AWS::Lambda::Function");
    }

    /** A bus given by name, ARN, Ref or GetAtt, reduced to its name; rules without one are on "default". */
    private String busName(JsonNode node) {
        String value = intrinsics.resolve(node).orElse("default");
        int slash = value.lastIndexOf("event-bus/");
        return slash < 0 ? value : value.substring(slash + "event-bus/".length());
    }

    /** Patterns appear as YAML maps or as JSON strings; Event Ruler wants JSON text. */
    private String patternJson(JsonNode pattern) {
        if (pattern.isMissingNode() || pattern.isNull()) {
            throw new IllegalStateException("An event rule or filter without a pattern");
        }
        return pattern.isTextual() ? pattern.asText() : intrinsics.resolveTree(pattern).toString();
    }

    private Optional<String> text(JsonNode node) {
        return intrinsics.resolve(node);
    }

    private static boolean isEnabled(JsonNode properties) {
        return properties.path("Enabled").asBoolean(true) && !properties.path("State").asText("ENABLED").equals("DISABLED");
    }

    private void forEachResource(java.util.function.BiConsumer<String, JsonNode> action) {
        Iterator<Map.Entry<String, JsonNode>> resources = root.path("Resources").fields();
        while (resources.hasNext()) {
            Map.Entry<String, JsonNode> resource = resources.next();
            action.accept(resource.getKey(), resource.getValue());
        }
    }
}
