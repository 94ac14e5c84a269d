package app.loyalty.shared.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.regex.JoniRegularExpressionFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks HTTP exchanges against openapi.yaml, the one HTTP contract: the operation is found by method and path (a
 * route template such as {@code /v1/cards/{cardNumber}} or a concrete path), a request the server accepted (2xx)
 * must match the operation's requestBody and path parameter schemas, and the answer must be a status the
 * operation declares, with a declared media type and a body matching its schema. {@code default} responses are
 * not honoured: every status is declared explicitly. A request no operation matches is checked against the
 * document's {@code x-default-route} (API Gateway's $default route and the gateway's own refusals).
 * <p>
 * Schemas are validated by networknt json-schema-validator as JSON Schema 2020-12 (OpenAPI 3.1's dialect), at JSON
 * Pointers into the document, so {@code $ref}s resolve within openapi.yaml. Formats (date-time, date, uri) are
 * asserted, and patterns use ECMA-262 semantics as JSON Schema specifies.
 */
public final class ContractValidator {
    /** Where the schemas are registered; any absolute IRI would do, openapi.yaml sets no $id. */
    private static final String DOCUMENT_IRI = "https://api.loyalty.example/openapi.yaml";
    /** Bodies are judged as the server reads them: trailing tokens or a repeated key make a body that is not JSON. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Map<Path, ContractValidator> BY_FILE = new ConcurrentHashMap<>();

    private final JsonNode document;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    /** One side of an exchange: what was sent and what came back. Bodies may be null or empty. */
    public record Exchange(String method, String path, Map<String, String> pathParameters, String requestBody,
                           int status, String contentType, String responseBody) {
        public Exchange {
            method = method.toUpperCase(Locale.ROOT);
            pathParameters = pathParameters == null ? Map.of() : Map.copyOf(pathParameters);
        }

        @Override
        public String toString() {
            return method + " " + path + " -> " + status + " " + contentType;
        }
    }

    /** An operation of the document: its JSON Pointer and path template. */
    public record Operation(String pointer, String pathTemplate, String method, JsonNode node) {
    }

    private ContractValidator(JsonNode document) {
        this.document = document;
        String json;
        try {
            json = JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .formatAssertionsEnabled(true)
                .regularExpressionFactory(JoniRegularExpressionFactory.getInstance())
                .build();
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
                .schemaRegistryConfig(config)
                .schemas(Map.of(DOCUMENT_IRI, json)));
    }

    /** The repository's openapi.yaml, found from the working directory upwards (modules run tests in their own). */
    public static ContractValidator repositoryContract() {
        return forFile(findUpwards("openapi.yaml"));
    }

    public static ContractValidator forFile(Path openapi) {
        return BY_FILE.computeIfAbsent(openapi.toAbsolutePath().normalize(), file -> {
            try {
                return new ContractValidator(new YAMLMapper().readTree(Files.readString(file)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        });
    }

    /** For checks of the validator itself: a document given as YAML text. */
    public static ContractValidator forYaml(String yaml) {
        try {
            return new ContractValidator(new YAMLMapper().readTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /** What is wrong with this exchange; empty when the contract describes it. */
    public List<String> violations(Exchange exchange) {
        List<String> violations = new ArrayList<>();
        Optional<Operation> found = operation(exchange.method(), exchange.path());
        String responsesPointer;
        if (found.isPresent()) {
            Operation operation = found.get();
            responsesPointer = operation.pointer() + "/responses";
            if (exchange.status() >= 200 && exchange.status() < 300) {
                checkRequest(operation, exchange, violations);
            }
        } else {
            responsesPointer = "/x-default-route/responses";
        }
        checkResponse(responsesPointer, exchange, violations);
        return violations.stream().map(v -> exchange + ": " + v).toList();
    }

    /**
     * What the contract finds wrong with this request, judged as if the server had accepted it: for fuzzing, to
     * tell a request the schema refuses from one it admits.
     */
    public List<String> requestViolations(String method, String path, Map<String, String> pathParameters, String body) {
        Optional<Operation> operation = operation(method, path);
        if (operation.isEmpty()) {
            return List.of("no operation " + method + " " + path);
        }
        List<String> violations = new ArrayList<>();
        checkRequest(operation.get(), new Exchange(method, path, pathParameters, body, 200, null, null), violations);
        return violations;
    }

    /** The operation serving {@code method} on {@code path} (a template or a concrete path), if the document has one. */
    public Optional<Operation> operation(String method, String path) {
        String lowerMethod = method.toLowerCase(Locale.ROOT);
        List<String> requested = segments(path);
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        Operation best = null;
        int bestLiterals = -1;
        while (paths.hasNext()) {
            var entry = paths.next();
            List<String> template = segments(entry.getKey());
            if (template.size() != requested.size() || !entry.getValue().has(lowerMethod)) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < template.size() && matches; i++) {
                String segment = template.get(i);
                if (isParameter(segment)) {
                    matches = !requested.get(i).isEmpty();
                } else {
                    matches = segment.equals(requested.get(i));
                    literals++;
                }
            }
            // As API Gateway routes: literal segments beat parameters.
            if (matches && literals > bestLiterals) {
                best = new Operation("/paths/" + escape(entry.getKey()) + "/" + lowerMethod, entry.getKey(), lowerMethod,
                        entry.getValue().get(lowerMethod));
                bestLiterals = literals;
            }
        }
        return Optional.ofNullable(best);
    }

    private void checkRequest(Operation operation, Exchange exchange, List<String> violations) {
        List<String> template = segments(operation.pathTemplate());
        List<String> requested = segments(exchange.path());
        for (int i = 0; i < template.size(); i++) {
            if (!isParameter(template.get(i))) {
                continue;
            }
            String name = template.get(i).substring(1, template.get(i).length() - 1);
            String value = exchange.pathParameters().getOrDefault(name, isParameter(requested.get(i)) ? null : requested.get(i));
            Optional<String> schema = parameterSchemaPointer(operation, name);
            if (schema.isEmpty()) {
                violations.add("path parameter " + name + " is not declared");
            } else if (value != null) {
                validate(schema.get(), JSON.getNodeFactory().textNode(value), "path parameter " + name, violations);
            }
        }
        JsonNode requestBody = resolve(operation.node().path("requestBody"));
        boolean sent = exchange.requestBody() != null && !exchange.requestBody().isBlank();
        if (requestBody.isMissingNode()) {
            if (sent) {
                violations.add("the server accepted a body the operation does not declare");
            }
            return;
        }
        if (!sent) {
            if (requestBody.path("required").asBoolean(false)) {
                violations.add("the server accepted a request without the required body");
            }
            return;
        }
        String pointer = pointerOf(operation.node().path("requestBody"), operation.pointer() + "/requestBody")
                + "/content/application~1json/schema";
        JsonNode body = parse(exchange.requestBody(), "request body", violations);
        if (body != null) {
            validate(pointer, body, "the accepted request body", violations);
        }
    }

    private void checkResponse(String responsesPointer, Exchange exchange, List<String> violations) {
        JsonNode responses = at(responsesPointer);
        String status = Integer.toString(exchange.status());
        if (!responses.has(status)) {
            List<String> declared = new ArrayList<>();
            responses.fieldNames().forEachRemaining(declared::add);
            violations.add("status " + status + " is not declared (declared: " + declared + ")");
            return;
        }
        String responsePointer = pointerOf(responses.get(status), responsesPointer + "/" + status);
        JsonNode content = at(responsePointer).path("content");
        boolean hasBody = exchange.responseBody() != null && !exchange.responseBody().isEmpty();
        if (content.isMissingNode() || content.isEmpty()) {
            if (hasBody) {
                violations.add("a body was answered where the contract declares none");
            }
            return;
        }
        String mediaType = exchange.contentType() == null ? "" : exchange.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!content.has(mediaType)) {
            List<String> declared = new ArrayList<>();
            content.fieldNames().forEachRemaining(declared::add);
            violations.add("Content-Type '" + mediaType + "' is not declared for " + status + " (declared: " + declared + ")");
            return;
        }
        if (!mediaType.endsWith("json")) {
            // A declared non-JSON answer (text/csv of a settlement): its media type is the contract; the text is
            // checked by the tests of its format.
            if (!hasBody) {
                violations.add("an empty " + mediaType + " body");
            }
            return;
        }
        JsonNode body = parse(exchange.responseBody(), "response body", violations);
        if (body != null) {
            validate(responsePointer + "/content/" + escape(mediaType) + "/schema", body, "the " + status + " body", violations);
        }
    }

    private Optional<String> parameterSchemaPointer(Operation operation, String name) {
        String pathItemPointer = operation.pointer().substring(0, operation.pointer().lastIndexOf('/'));
        for (String level : List.of(operation.pointer(), pathItemPointer)) {
            JsonNode parameters = at(level).path("parameters");
            for (int i = 0; i < parameters.size(); i++) {
                JsonNode parameter = resolve(parameters.get(i));
                if (parameter.path("in").asText().equals("path") && parameter.path("name").asText().equals(name)) {
                    return Optional.of(pointerOf(parameters.get(i), level + "/parameters/" + i) + "/schema");
                }
            }
        }
        return Optional.empty();
    }

    private void validate(String pointer, JsonNode instance, String what, List<String> violations) {
        Schema schema = schemas.computeIfAbsent(pointer,
                p -> registry.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + p)));
        for (Error error : schema.validate(instance)) {
            violations.add(what + " breaks " + pointer + ": " + error.getMessage());
        }
    }

    private static JsonNode parse(String text, String what, List<String> violations) {
        if (text == null || text.isBlank()) {
            violations.add("the " + what + " is empty");
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            violations.add("the " + what + " is not JSON: " + text);
            return null;
        }
    }

    /** The pointer a node stands for: its $ref's target when it is a reference, else where it is. */
    private String pointerOf(JsonNode node, String where) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#") ? pointerOf(at(ref.substring(1)), ref.substring(1)) : where;
    }

    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#") ? resolve(at(ref.substring(1))) : node;
    }

    private JsonNode at(String pointer) {
        return document.at(pointer);
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static List<String> segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return List.of(trimmed.split("/", -1));
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static Path findUpwards(String name) {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null) {
            Path candidate = directory.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            directory = directory.getParent();
        }
        throw new IllegalStateException(name + " not found from " + Path.of("").toAbsolutePath() + " upwards");
    }
}
