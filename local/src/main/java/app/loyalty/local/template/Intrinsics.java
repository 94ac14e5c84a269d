package app.loyalty.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves CloudFormation intrinsic functions to the values they take in the local stack: Ref, Fn::GetAtt,
 * Fn::Sub, Fn::Join, Fn::Select, Fn::If (with Equals/Not/And/Or conditions), Fn::FindInMap, and the pseudo
 * parameters. Parameters take their Default. Anything it cannot know locally (Fn::ImportValue, a parameter
 * without a default) resolves to empty, and callers decide whether that matters.
 */
public final class Intrinsics {
    public static final String ACCOUNT = "000000000000";
    public static final String STACK_NAME = "loyalty-local";
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final JsonNode root;
    private final String region;

    Intrinsics(JsonNode root, String region) {
        this.root = root;
        this.region = region;
    }

    public String region() {
        return region;
    }

    public Optional<String> resolve(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (node.isValueNode()) {
            return Optional.of(node.asText());
        }
        if (!node.isObject() || node.size() != 1) {
            return Optional.empty();
        }
        String function = node.fieldNames().next();
        JsonNode argument = node.get(function);
        return switch (function) {
            case "Ref" -> ref(argument.asText());
            case "Fn::GetAtt" -> argument.isArray() && argument.size() == 2
                    ? getAtt(argument.get(0).asText(), argument.get(1).asText()) : Optional.empty();
            case "Fn::Sub" -> sub(argument);
            case "Fn::Join" -> join(argument);
            case "Fn::Select" -> select(argument);
            case "Fn::If" -> argument.isArray() && argument.size() == 3
                    ? resolve(condition(argument.get(0).asText()) ? argument.get(1) : argument.get(2)) : Optional.empty();
            case "Fn::FindInMap" -> findInMap(argument);
            default -> Optional.empty();
        };
    }

    /**
     * A copy of a tree with every intrinsic in it replaced by its value (event patterns may say
     * {@code source: [!Ref Source]}); an intrinsic that cannot be resolved locally is an error.
     */
    public JsonNode resolveTree(JsonNode node) {
        if (isIntrinsic(node)) {
            return TextNode.valueOf(resolve(node).orElseThrow(() ->
                    new IllegalStateException("Cannot resolve " + node + " locally")));
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.fields().forEachRemaining(field -> copy.set(field.getKey(), resolveTree(field.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(element -> copy.add(resolveTree(element)));
            return copy;
        }
        return node;
    }

    private static boolean isIntrinsic(JsonNode node) {
        if (!node.isObject() || node.size() != 1) {
            return false;
        }
        String name = node.fieldNames().next();
        return name.equals("Ref") || name.startsWith("Fn::");
    }

    public Optional<String> ref(String name) {
        switch (name) {
            case "AWS::Region": return Optional.of(region);
            case "AWS::AccountId": return Optional.of(ACCOUNT);
            case "AWS::StackName": return Optional.of(STACK_NAME);
            case "AWS::StackId": return Optional.of("arn:aws:cloudformation:" + region + ":" + ACCOUNT + ":stack/" + STACK_NAME + "/local");
            case "AWS::Partition": return Optional.of("aws");
            case "AWS::URLSuffix": return Optional.of("amazonaws.com");
            case "AWS::NoValue", "AWS::NotificationARNs": return Optional.empty();
            default: break;
        }
        JsonNode parameter = root.path("Parameters").path(name);
        if (!parameter.isMissingNode()) {
            return resolve(parameter.path("Default"));
        }
        JsonNode resource = resource(name);
        if (resource.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(switch (type(name)) {
            case "AWS::SNS::Topic" -> arn("sns", name(name, "TopicName"));
            case "AWS::SQS::Queue" -> "http://sqs." + region + ".localhost/" + ACCOUNT + "/" + name(name, "QueueName");
            case "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable" -> tableName(name);
            case "AWS::Events::EventBus" -> name(name, "Name");
            case "AWS::Serverless::Function", "AWS::Lambda::Function" -> name(name, "FunctionName");
            default -> name;
        });
    }

    public Optional<String> getAtt(String resourceName, String attribute) {
        if (resource(resourceName).isMissingNode()) {
            return Optional.empty();
        }
        String type = type(resourceName);
        return Optional.ofNullable(switch (type + "." + attribute) {
            case "AWS::DynamoDB::Table.Arn", "AWS::Serverless::SimpleTable.Arn" ->
                    arn("dynamodb", "table/" + tableName(resourceName));
            case "AWS::DynamoDB::Table.StreamArn" -> arn("dynamodb", "table/" + tableName(resourceName) + "/stream/local");
            case "AWS::Events::EventBus.Arn" -> arn("events", "event-bus/" + name(resourceName, "Name"));
            case "AWS::Events::EventBus.Name" -> name(resourceName, "Name");
            case "AWS::SNS::Topic.TopicArn" -> arn("sns", name(resourceName, "TopicName"));
            case "AWS::SNS::Topic.TopicName" -> name(resourceName, "TopicName");
            case "AWS::SQS::Queue.Arn" -> arn("sqs", name(resourceName, "QueueName"));
            case "AWS::SQS::Queue.QueueName" -> name(resourceName, "QueueName");
            case "AWS::SQS::Queue.QueueUrl" -> ref(resourceName).orElseThrow();
            case "AWS::Serverless::Function.Arn", "AWS::Lambda::Function.Arn" ->
                    arn("lambda", "function:" + name(resourceName, "FunctionName"));
            default -> attribute.equals("Arn") ? arn("local", resourceName) : null;
        });
    }

    /** The logical id a reference points at: Ref X, GetAtt X.Attr, or a Sub that is a single "${X.Attr}". */
    public Optional<String> referencedResource(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        if (node.has("Ref")) {
            // SAM also accepts "Function.Alias" / "Function.Version" in a Ref; the resource is before the dot.
            return existing(node.get("Ref").asText().split("\\.", 2)[0]);
        }
        if (node.has("Fn::GetAtt") && node.get("Fn::GetAtt").isArray()) {
            return existing(node.get("Fn::GetAtt").get(0).asText());
        }
        if (node.has("Fn::Sub") && node.get("Fn::Sub").isTextual()) {
            Matcher matcher = SUB_VARIABLE.matcher(node.get("Fn::Sub").asText());
            if (matcher.matches()) {
                return existing(matcher.group(1).split("\\.", 2)[0]);
            }
        }
        return Optional.empty();
    }

    /** The template's conditions, evaluated with parameter defaults. */
    public boolean condition(String name) {
        JsonNode definition = root.path("Conditions").path(name);
        if (definition.isMissingNode()) {
            throw new IllegalArgumentException("Unknown condition " + name);
        }
        return evaluate(definition);
    }

    private boolean evaluate(JsonNode node) {
        if (node.has("Condition")) {
            return condition(node.get("Condition").asText());
        }
        if (node.has("Fn::Equals")) {
            JsonNode pair = node.get("Fn::Equals");
            return resolve(pair.get(0)).equals(resolve(pair.get(1)));
        }
        if (node.has("Fn::Not")) {
            return !evaluate(node.get("Fn::Not").get(0));
        }
        if (node.has("Fn::And")) {
            for (JsonNode part : node.get("Fn::And")) {
                if (!evaluate(part)) {
                    return false;
                }
            }
            return true;
        }
        if (node.has("Fn::Or")) {
            for (JsonNode part : node.get("Fn::Or")) {
                if (evaluate(part)) {
                    return true;
                }
            }
            return false;
        }
        throw new IllegalArgumentException("Unsupported condition " + node);
    }

    private Optional<String> sub(JsonNode argument) {
        String text;
        JsonNode variables = MissingNode.getInstance();
        if (argument.isTextual()) {
            text = argument.asText();
        } else if (argument.isArray() && argument.size() == 2) {
            text = argument.get(0).asText();
            variables = argument.get(1);
        } else {
            return Optional.empty();
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1);
            Optional<String> value;
            if (variable.startsWith("!")) {
                value = Optional.of("${" + variable.substring(1) + "}"); // ${!Literal} escapes substitution
            } else if (variables.has(variable)) {
                value = resolve(variables.get(variable));
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                String[] parts = variable.split("\\.", 2);
                value = getAtt(parts[0], parts[1]);
            } else {
                value = ref(variable);
            }
            if (value.isEmpty()) {
                return Optional.empty();
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value.get()));
        }
        matcher.appendTail(out);
        return Optional.of(out.toString());
    }

    private Optional<String> join(JsonNode argument) {
        if (!argument.isArray() || argument.size() != 2 || !argument.get(1).isArray()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : argument.get(1)) {
            Optional<String> value = resolve(part);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            parts.add(value.get());
        }
        return Optional.of(String.join(argument.get(0).asText(), parts));
    }

    private Optional<String> select(JsonNode argument) {
        if (!argument.isArray() || argument.size() != 2 || !argument.get(1).isArray()) {
            return Optional.empty();
        }
        int index = Integer.parseInt(resolve(argument.get(0)).orElse("-1"));
        JsonNode list = argument.get(1);
        return index >= 0 && index < list.size() ? resolve(list.get(index)) : Optional.empty();
    }

    private Optional<String> findInMap(JsonNode argument) {
        if (!argument.isArray() || argument.size() != 3) {
            return Optional.empty();
        }
        Optional<String> map = resolve(argument.get(0));
        Optional<String> first = resolve(argument.get(1));
        Optional<String> second = resolve(argument.get(2));
        if (map.isEmpty() || first.isEmpty() || second.isEmpty()) {
            return Optional.empty();
        }
        return resolve(root.path("Mappings").path(map.get()).path(first.get()).path(second.get()));
    }

    private Optional<String> existing(String logicalId) {
        return resource(logicalId).isMissingNode() ? Optional.empty() : Optional.of(logicalId);
    }

    private JsonNode resource(String logicalId) {
        return root.path("Resources").path(logicalId);
    }

    private String type(String logicalId) {
        return resource(logicalId).path("Type").asText();
    }

    /** A resource's physical name: the named property when the template sets one, else its logical id. */
    private String name(String logicalId, String property) {
        return resolve(resource(logicalId).path("Properties").path(property)).orElse(logicalId);
    }

    private String tableName(String logicalId) {
        return name(logicalId, "TableName");
    }

    private String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + region + ":" + ACCOUNT + ":" + resource;
    }
}
