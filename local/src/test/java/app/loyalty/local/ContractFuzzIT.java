package app.loyalty.local;

import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema-driven fuzz of the local runtime against openapi.yaml. For every operation it takes the request body's
 * {@code example} as a seed and derives mutations from the operation's schema (each property removed, null, of
 * the wrong type, at and beyond its bounds, off its pattern, unknown properties, items beyond maxItems), plus
 * request-level ones (no or bad key, the other role, no or malformed Idempotency-Key, a reused key, another media
 * type, malformed, empty and oversized bodies, unknown routes and methods). Every answer must be declared by the
 * contract (status, media type, body schema; a 2xx only for a request the schema admits) and none may be a 5xx.
 * Refusals of requests the schema admits are listed for a reader (rules JSON Schema cannot express are among
 * them) but do not fail the run.
 * <p>
 * The normal suite sends {@value #DEFAULT_REQUESTS} requests (seeded, so a failure repeats); a longer run:
 * {@code ./mvnw -pl local -am verify -Dit.test=ContractFuzzIT -Dcontract.fuzz.requests=3000
 * -Dcontract.fuzz.seconds=300 -Dcontract.fuzz.seed=7 -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 * Loopback only: the runtime listens on 127.0.0.1.
 */
class ContractFuzzIT {
    static final int DEFAULT_REQUESTS = 300;
    private static final String OPERATOR_KEY = "fuzz-operator-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ContractValidator CONTRACT = ContractValidator.repositoryContract();

    private static LocalRuntime runtime;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Ids the seeds refer to, created before the fuzz; the card changes when a replacement succeeds. */
    private static final Map<String, String> IDS = new LinkedHashMap<>();
    private static String merchantKey;

    private final List<String> failures = new ArrayList<>();
    private final Map<String, Integer> refusedThoughSchemaValid = new TreeMap<>();
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private int sequence;

    /** One request to send: the operation's route, path values, caller, headers and body (null: none). */
    private record Probe(String label, String method, String pathTemplate, Map<String, String> headers, String body,
                         boolean asOperator, boolean withKey) {
        Probe with(String newLabel, Consumer<Map<String, String>> headerChange, String newBody) {
            Map<String, String> changed = new LinkedHashMap<>(headers);
            headerChange.accept(changed);
            return new Probe(label + " / " + newLabel, method, pathTemplate, changed, newBody, asOperator, withKey);
        }
    }

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        runtime = LocalApi.startRuntime(OPERATOR_KEY);
        JsonNode program = send("POST", "/v1/programs", OPERATOR_KEY, Map.of("Idempotency-Key", "fuzz-setup-program",
                "Content-Type", "application/json"), "{\"name\":\"Fuzz Club\",\"currency\":\"EUR\"}").json;
        IDS.put("programId", program.get("programId").asText());
        Answer promoCode = send("POST", "/v1/programs/" + IDS.get("programId") + "/promo-codes", OPERATOR_KEY,
                Map.of("Idempotency-Key", "fuzz-setup-promo-code", "Content-Type", "application/json"),
                "{\"code\":\"FUZZ10\",\"percentBp\":1000,\"maxUses\":100}");
        assertThat(promoCode.status).as(promoCode.body).isEqualTo(201);
        IDS.put("code", "FUZZ10");
        JsonNode merchant = send("POST", "/v1/programs/" + IDS.get("programId") + "/merchants", OPERATOR_KEY,
                Map.of("Idempotency-Key", "fuzz-setup-merchant", "Content-Type", "application/json"), "{\"name\":\"Fuzz Bar\"}").json;
        merchantKey = merchant.get("apiKey").asText();
        JsonNode member = send("POST", "/v1/members", merchantKey, Map.of("Idempotency-Key", "fuzz-setup-member",
                "Content-Type", "application/json"), "{\"profile\":{\"name\":\"Fuzz\",\"email\":\"fuzz@example.com\"}}").json;
        IDS.put("memberId", member.get("memberId").asText());
        IDS.put("cardNumber", member.path("card").path("cardNumber").asText());
        IDS.put("orderId", "fuzz-order-1");
        IDS.put("redemptionId", "rdm_0123456789abcdefghjk"); // no such hold: the redemption routes answer 404
        // No such merchant or campaign: key rotation/revocation and the campaign routes answer 404 (a real merchant id
        // would let the fuzzer revoke the key the other probes use).
        IDS.put("merchantId", "mch_00000000000000000000");
        IDS.put("campaignId", "cmp_00000000000000000000");
        IDS.put("subscriptionId", "whk_00000000000000000000"); // no such subscription: DELETE answers 404
        IDS.put("period", "2026-01"); // a month with no closed settlement: GET answers 404
        Answer order = send("POST", "/v1/purchases", merchantKey, Map.of("Idempotency-Key", "fuzz-setup-order",
                "Content-Type", "application/json"), CONTRACT.document().at(
                "/paths/~1v1~1purchases/post/requestBody/content/application~1json/example").toString()
                .replace("8000123456789018", IDS.get("cardNumber")).replace("order-1001", IDS.get("orderId")));
        assertThat(order.status).as(order.body).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void everyAnswer_isDeclaredByTheContract_andNoneIsA5xx() throws Exception {
        int budget = Integer.getInteger("contract.fuzz.requests", DEFAULT_REQUESTS);
        Duration timeBudget = Duration.ofSeconds(Long.getLong("contract.fuzz.seconds", 25));
        Random random = new Random(Long.getLong("contract.fuzz.seed", 20261123L));
        List<Probe> probes = new ArrayList<>();
        for (Probe seed : seeds()) {
            probes.add(seed);
            probes.addAll(requestLevelMutations(seed));
            probes.addAll(bodyMutations(seed));
        }
        probes.addAll(unknownRoutes());
        Collections.shuffle(probes, random);
        // Beyond the single mutations: pairs of them, so a run of any length keeps finding new requests.
        List<Probe> singles = List.copyOf(probes);
        Instant deadline = Instant.now().plus(timeBudget);
        int sent = 0;
        while (sent < budget && Instant.now().isBefore(deadline)) {
            Probe probe = sent < singles.size() ? singles.get(sent) : combined(singles, random);
            run(probe);
            sent++;
        }

        System.out.printf("Contract fuzz: %d requests (%d single mutations available), statuses %s%n",
                sent, singles.size(), statuses);
        refusedThoughSchemaValid.forEach((what, count) ->
                System.out.printf("  refused though the schema admits it (%dx): %s%n", count, what));
        assertThat(failures).as("answers openapi.yaml does not describe, or 5xx").isEmpty();
    }

    private void run(Probe probe) throws IOException, InterruptedException {
        String path = probe.pathTemplate();
        Map<String, String> pathParameters = new LinkedHashMap<>();
        for (String name : List.of("programId", "memberId", "cardNumber", "orderId", "code", "redemptionId", "merchantId", "campaignId", "period", "subscriptionId")) {
            if (path.contains("{" + name + "}")) {
                String value = probe.headers().getOrDefault("x-fuzz-" + name, IDS.get(name));
                pathParameters.put(name, value);
                path = path.replace("{" + name + "}", URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>(probe.headers());
        headers.keySet().removeIf(h -> h.startsWith("x-fuzz-"));
        if ("{fresh}".equals(headers.get("Idempotency-Key"))) {
            headers.put("Idempotency-Key", "fuzz-" + (++sequence) + "-" + System.nanoTime());
        }
        String body = fill(probe.body());
        String key = !probe.withKey() ? null : probe.asOperator() ? OPERATOR_KEY : merchantKey;
        if (headers.containsKey("Authorization")) {
            key = null; // the probe sets its own
        }
        Answer answer = send(probe.method(), path, key, headers, body);
        statuses.merge(answer.status, 1, Integer::sum);
        String where = probe.label() + ": " + probe.method() + " " + path + " " + abbreviate(body);
        if (answer.status >= 500) {
            failures.add(where + " -> " + answer.status + " " + answer.body);
        }
        String template = CONTRACT.operation(probe.method(), probe.pathTemplate()).isPresent() ? probe.pathTemplate() : path;
        for (String violation : CONTRACT.violations(new ContractValidator.Exchange(probe.method(), template, pathParameters,
                body, answer.status, answer.contentType, answer.body))) {
            failures.add(where + "\n      " + violation + "\n      answer: " + abbreviate(answer.body));
        }
        // Header mutations are left out: the contract checks bodies and path parameters, not the Idempotency-Key.
        if (answer.status == 400 && answer.body.contains("/validation-failed") && probe.withKey()
                && !probe.label().contains("Idempotency-Key")
                && CONTRACT.operation(probe.method(), probe.pathTemplate()).isPresent()
                && CONTRACT.requestViolations(probe.method(), probe.pathTemplate(), pathParameters, body).isEmpty()) {
            refusedThoughSchemaValid.merge(probe.method() + " " + probe.pathTemplate() + ": "
                    + JSON.readTree(answer.body).path("detail").asText(), 1, Integer::sum);
        }
        if (probe.pathTemplate().equals("/v1/cards/{cardNumber}/replace") && answer.status == 201) {
            IDS.put("cardNumber", JSON.readTree(answer.body).get("cardNumber").asText());
        }
    }

    /** One probe per operation: its example body (ids of the setup), the right caller, a fresh Idempotency-Key. */
    private List<Probe> seeds() {
        List<Probe> seeds = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = CONTRACT.document().path("paths").fields();
        while (paths.hasNext()) {
            var path = paths.next();
            path.getValue().fields().forEachRemaining(operation -> {
                String method = operation.getKey().toUpperCase(Locale.ROOT);
                JsonNode example = operation.getValue().at("/requestBody/content/application~1json/example");
                Map<String, String> headers = new LinkedHashMap<>();
                String body = null;
                if (!example.isMissingNode()) {
                    headers.put("Content-Type", "application/json");
                    body = example.toString().replace("8000123456789018", "{cardNumber}");
                }
                if (method.equals("POST")) {
                    headers.put("Idempotency-Key", "{fresh}");
                }
                seeds.add(new Probe(operation.getValue().path("operationId").asText(), method, path.getKey(), headers,
                        body, path.getKey().startsWith("/v1/programs"), true));
            });
        }
        return seeds;
    }

    private List<Probe> requestLevelMutations(Probe seed) {
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe(seed.label() + " / no key", seed.method(), seed.pathTemplate(), seed.headers(), seed.body(), seed.asOperator(), false));
        probes.add(seed.with("unknown key", h -> h.put("Authorization", "Bearer lk_unknown"), seed.body()));
        probes.add(seed.with("not a bearer key", h -> h.put("Authorization", "Basic " + OPERATOR_KEY), seed.body()));
        probes.add(new Probe(seed.label() + " / other role", seed.method(), seed.pathTemplate(), seed.headers(), seed.body(), !seed.asOperator(), true));
        for (String parameter : List.of("programId", "memberId", "cardNumber", "orderId", "code", "redemptionId", "merchantId", "campaignId", "period", "subscriptionId")) {
            if (seed.pathTemplate().contains("{" + parameter + "}")) {
                for (String value : List.of("nope", "x".repeat(200), "8000123456789017", "800012345678901", "a b", "../x", "%00", "é")) {
                    probes.add(seed.with(parameter + "=" + value, h -> h.put("x-fuzz-" + parameter, value), seed.body()));
                }
            }
        }
        if (seed.method().equals("POST")) {
            probes.add(seed.with("no Idempotency-Key", h -> h.remove("Idempotency-Key"), seed.body()));
            probes.add(seed.with("short Idempotency-Key", h -> h.put("Idempotency-Key", "short"), seed.body()));
            probes.add(seed.with("Idempotency-Key with spaces", h -> h.put("Idempotency-Key", "has spaces 12345"), seed.body()));
            probes.add(seed.with("reused Idempotency-Key", h -> h.put("Idempotency-Key", "fuzz-reused-key-" + seed.label()),
                    seed.body() == null ? "{}" : seed.body()));
            probes.add(seed.with("reused Idempotency-Key, other body", h -> h.put("Idempotency-Key", "fuzz-reused-key-" + seed.label()),
                    seed.body() == null ? "{\"reason\":\"damaged\"}" : seed.body().replaceFirst("}$", ",\"zz\":1}")));
        }
        if (seed.body() != null || seed.method().equals("POST")) {
            String body = seed.body() == null ? "{}" : seed.body();
            probes.add(seed.with("text/plain", h -> h.put("Content-Type", "text/plain"), body));
            probes.add(seed.with("no Content-Type", h -> h.remove("Content-Type"), body));
            probes.add(seed.with("malformed JSON", h -> { }, "{\"a\":"));
            probes.add(seed.with("trailing tokens", h -> { }, body + " {}"));
            probes.add(seed.with("duplicate key", h -> { }, body.replaceFirst("^\\{", "{\"zz\":1,\"zz\":2,")));
            probes.add(seed.with("empty body", h -> { }, ""));
            probes.add(seed.with("null body", h -> { }, "null"));
            probes.add(seed.with("array body", h -> { }, "[]"));
            probes.add(seed.with("string body", h -> { }, "\"x\""));
            probes.add(seed.with("17 KiB body", h -> { }, body.replaceFirst("^\\{", "{\"zz\":\"" + "a".repeat(17 * 1024) + "\",")));
        }
        return probes;
    }

    /** Per property of the request schema (recursively): removed, null, wrong types, bounds, patterns, enums. */
    private List<Probe> bodyMutations(Probe seed) throws IOException {
        if (seed.body() == null) {
            return List.of();
        }
        JsonNode schemaRoot = CONTRACT.document().at(
                CONTRACT.operation(seed.method(), seed.pathTemplate()).orElseThrow().pointer()
                        + "/requestBody/content/application~1json/schema");
        List<Probe> probes = new ArrayList<>();
        JsonNode seedBody = JSON.readTree(seed.body());
        mutate(schemaRoot, seedBody, "", (label, mutated) -> probes.add(seed.with(label, h -> { }, mutated)), seedBody);
        return probes;
    }

    private interface Sink {
        void accept(String label, String body);
    }

    private void mutate(JsonNode schema, JsonNode value, String pointer, Sink sink, JsonNode root) {
        schema = resolve(schema);
        if (schema.has("oneOf")) {
            for (JsonNode branch : schema.get("oneOf")) {
                if (!resolve(branch).path("type").asText().equals("null")) {
                    mutate(branch, value, pointer, sink, root);
                }
            }
            return;
        }
        if (schema.has("properties") && (value == null || value.isObject())) {
            replaceAt(root, pointer + "/zz", NODES.textNode("unknown"), "unknown property at " + pointer, sink);
            schema.get("properties").fields().forEachRemaining(property -> {
                String at = pointer + "/" + property.getKey();
                JsonNode present = value == null ? null : value.get(property.getKey());
                if (present != null) {
                    removeAt(root, at, "without " + at, sink);
                }
                for (JsonNode candidate : candidates(resolve(property.getValue()), present)) {
                    replaceAt(root, at, candidate, at + "=" + abbreviate(candidate.toString()), sink);
                }
                if (present != null && (present.isObject() || present.isArray())) {
                    mutate(property.getValue(), present, at, sink, root);
                }
            });
            JsonNode additional = schema.path("additionalProperties");
            if (additional.isObject() && value != null) {
                for (JsonNode candidate : candidates(resolve(additional), null)) {
                    replaceAt(root, pointer + "/anyKey", candidate, pointer + "/anyKey=" + abbreviate(candidate.toString()), sink);
                }
            }
        }
        if (schema.has("items") && value != null && value.isArray() && !value.isEmpty()) {
            mutate(schema.get("items"), value.get(0), pointer + "/0", sink, root);
        }
    }

    /** Values at and around what the property's schema allows. */
    private static List<JsonNode> candidates(JsonNode schema, JsonNode present) {
        if (schema.has("oneOf")) {
            List<JsonNode> all = new ArrayList<>();
            schema.get("oneOf").forEach(branch -> all.addAll(candidates(resolve(branch), present)));
            return all;
        }
        List<JsonNode> values = new ArrayList<>(List.of(NODES.nullNode(), NODES.textNode("x"), NODES.numberNode(7),
                NODES.booleanNode(true), NODES.arrayNode(), NODES.objectNode(), NODES.numberNode(1.5)));
        schema.path("enum").forEach(values::add);
        if (schema.has("minimum")) {
            long minimum = schema.get("minimum").asLong();
            values.add(NODES.numberNode(minimum));
            values.add(NODES.numberNode(minimum - 1));
        }
        if (schema.has("maximum")) {
            long maximum = schema.get("maximum").asLong();
            values.add(NODES.numberNode(maximum));
            if (maximum < Long.MAX_VALUE) {
                values.add(NODES.numberNode(maximum + 1));
            }
            values.add(NODES.numberNode(new java.math.BigInteger("100000000000000000000")));
        }
        if (types(schema).contains("integer")) {
            values.add(NODES.numberNode(new java.math.BigDecimal("2.0")));
            values.add(NODES.textNode("12"));
        }
        if (types(schema).contains("string")) {
            values.add(NODES.textNode(""));
            values.add(NODES.textNode("   "));
            values.add(NODES.textNode("bad value!"));
            values.add(NODES.textNode("\u00e9t\u00e9"));
            values.add(NODES.textNode("a\u202eb"));
            if (present != null && present.isTextual()) {
                values.add(NODES.textNode(present.asText() + "\n"));
                values.add(NODES.textNode(" " + present.asText()));
            }
            int maxLength = schema.path("maxLength").asInt(64);
            values.add(NODES.textNode("a".repeat(maxLength)));
            values.add(NODES.textNode("a".repeat(maxLength + 1)));
            if (schema.path("format").asText().equals("date-time")) {
                Instant now = Instant.now();
                values.add(NODES.textNode(now.toString()));
                values.add(NODES.textNode(now.minus(Duration.ofDays(1)).toString().replace("Z", "+00:00")));
                values.add(NODES.textNode("2026-11-23"));
                values.add(NODES.textNode("2026-11-23T09:30:00"));
            }
            if (schema.path("format").asText().equals("date")) {
                values.add(NODES.textNode("1990-12-10"));
                values.add(NODES.textNode("1990-02-30"));
                values.add(NODES.textNode("1990-12-10T00:00:00Z"));
            }
        }
        if (types(schema).contains("array") && present != null && present.isArray() && !present.isEmpty()) {
            ArrayNode many = NODES.arrayNode();
            for (int i = 0; i <= schema.path("maxItems").asInt(10); i++) {
                many.add(present.get(0).deepCopy());
            }
            values.add(many);
            ArrayNode withNull = NODES.arrayNode();
            withNull.addNull();
            values.add(withNull);
        }
        return values;
    }

    private static List<String> types(JsonNode schema) {
        JsonNode type = schema.path("type");
        List<String> types = new ArrayList<>();
        if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else if (type.isTextual()) {
            types.add(type.asText());
        }
        return types;
    }

    private static JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        return ref.startsWith("#") ? resolve(CONTRACT.document().at(ref.substring(1))) : schema;
    }

    private static void replaceAt(JsonNode root, String pointer, JsonNode value, String label, Sink sink) {
        JsonNode copy = root.deepCopy();
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = pointer.substring(0, slash).isEmpty() ? copy : copy.at(pointer.substring(0, slash));
        String name = pointer.substring(slash + 1);
        if (parent instanceof ObjectNode object) {
            object.set(name, value);
        } else if (parent instanceof ArrayNode array && name.matches("\\d+") && Integer.parseInt(name) < array.size()) {
            array.set(Integer.parseInt(name), value);
        } else {
            return;
        }
        sink.accept(label, copy.toString());
    }

    private static void removeAt(JsonNode root, String pointer, String label, Sink sink) {
        JsonNode copy = root.deepCopy();
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = pointer.substring(0, slash).isEmpty() ? copy : copy.at(pointer.substring(0, slash));
        if (parent instanceof ObjectNode object) {
            object.remove(pointer.substring(slash + 1));
            sink.accept(label, copy.toString());
        }
    }

    private static List<Probe> unknownRoutes() {
        List<Probe> probes = new ArrayList<>();
        for (String[] route : new String[][] {{"GET", "/"}, {"GET", "/v1"}, {"GET", "/v1/nowhere"}, {"DELETE", "/v1/programs"},
                {"PATCH", "/v1/members"}, {"GET", "/v1/purchases"}, {"PUT", "/v1/cards/{cardNumber}"}, {"GET", "/v2/programs"},
                {"OPTIONS", "/v1/members"}, {"POST", "/v1/members/{memberId}"}}) {
            for (boolean operator : List.of(true, false)) {
                probes.add(new Probe("unknown route", route[0], route[1], Map.of(), null, operator, true));
                probes.add(new Probe("unknown route", route[0], route[1], Map.of(), null, operator, false));
            }
        }
        return probes;
    }

    /** A second body mutation on top of a first one's request: both applied if they touch different places. */
    private static Probe combined(List<Probe> singles, Random random) {
        Probe first = singles.get(random.nextInt(singles.size()));
        Probe second = singles.get(random.nextInt(singles.size()));
        Map<String, String> headers = new LinkedHashMap<>(first.headers());
        if (second.pathTemplate().equals(first.pathTemplate()) && second.method().equals(first.method())) {
            headers.putAll(second.headers());
            return new Probe(first.label() + " + " + second.label(), first.method(), first.pathTemplate(), headers,
                    random.nextBoolean() ? first.body() : second.body(), first.asOperator(), first.withKey() && second.withKey());
        }
        return first;
    }

    private record Answer(int status, String contentType, String body, JsonNode json) {
    }

    /** The body with its placeholders filled: the current card, a new order id (each purchase is a new order). */
    private String fill(String body) {
        return body == null ? null : body.replace("{cardNumber}", IDS.get("cardNumber"))
                .replace("\"order-1001\"", "\"fuzz-order-" + (++sequence) + "\"");
    }

    private static Answer send(String method, String path, String bearerKey, Map<String, String> headers, String text)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(runtime.url().toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        headers.forEach(request::header);
        if (bearerKey != null) {
            request.header("Authorization", "Bearer " + bearerKey);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException notJson) {
            // judged by the contract check, which reports a body that is not JSON
        }
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body(), json);
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "(no body)";
        }
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }
}
