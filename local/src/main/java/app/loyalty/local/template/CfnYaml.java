package app.loyalty.local.template;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads a CloudFormation YAML template into a Jackson tree. A plain YAML read would drop the short-form
 * tags (`!Ref Table` would come back as the bare string "Table", indistinguishable from a literal), so this
 * walks the parser's tokens and rewrites each tagged node into its long form ({"Ref": "Table"},
 * {"Fn::GetAtt": ["Table", "StreamArn"]}, ...), which is what CloudFormation itself does.
 */
public final class CfnYaml {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> FUNCTIONS = Set.of("Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs",
            "ImportValue", "Join", "Select", "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or",
            "ToJsonString", "Length");
    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    private CfnYaml() {
    }

    public static JsonNode read(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return read(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read template " + file, e);
        }
    }

    public static JsonNode read(String yaml) {
        try {
            return read(new StringReader(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot parse template YAML", e);
        }
    }

    private static JsonNode read(Reader reader) throws IOException {
        try (YAMLParser parser = (YAMLParser) YAML.createParser(reader)) {
            if (parser.nextToken() == null) {
                return NODES.objectNode();
            }
            return value(parser);
        }
    }

    /** Reads the value starting at the current token, then applies its tag, if any. */
    private static JsonNode value(YAMLParser parser) throws IOException {
        String tag = parser.getTypeId(); // only valid while the parser sits on the value's first token
        JsonToken token = parser.currentToken();
        JsonNode node = switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, value(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> NODES.numberNode(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("Unexpected YAML token " + token + " at " + parser.currentLocation());
        };
        return tag == null ? node : longForm(tag, node);
    }

    private static JsonNode longForm(String tag, JsonNode node) {
        if (tag.equals("Ref") || tag.equals("Condition")) {
            return NODES.objectNode().set(tag, node);
        }
        if (!FUNCTIONS.contains(tag)) {
            return node; // a YAML core tag such as !!str: the value already has its type
        }
        if (tag.equals("GetAtt") && node.isTextual()) {
            // Short form "Resource.Attribute"; the attribute itself may contain dots (Outputs.X), the resource never does.
            String text = node.asText();
            int dot = text.indexOf('.');
            ArrayNode parts = NODES.arrayNode();
            parts.add(dot < 0 ? text : text.substring(0, dot));
            if (dot >= 0) {
                parts.add(text.substring(dot + 1));
            }
            node = parts;
        }
        return NODES.objectNode().set("Fn::" + tag, node);
    }
}
