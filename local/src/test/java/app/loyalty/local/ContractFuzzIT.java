package app.loyalty.local;

import app.loyalty.local.reliability.ReliabilityRun;
import app.loyalty.local.reliability.TableSnapshot;
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
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema-driven fuzz of the local runtime against openapi.yaml. For every operation it takes the request body's
 * {@code example} as a seed and derives mutations from the operation's schema (each property removed, null, of
 * the wrong type, at and beyond its bounds, off its pattern, unknown properties, items beyond maxItems), hostile
 * values (huge, negative and fractional numbers where an integer is due, number literals JSON or Java cannot hold,
 * nesting 1,000 and 20,000 levels deep, unicode tricks: right-to-left override, zero-width, NUL, lone surrogates,
 * combining marks, homoglyphs; bytes that are not UTF-8 sent raw: overlong, surrogate, truncated, beyond U+10FFFF),
 * plus request-level ones (no or bad key, the other role, no, malformed or hostile Idempotency-Key and other
 * hostile header values, another media type, malformed, empty and oversized bodies, path parameters with
 * {@code ../}, {@code %00}, percent-encoded invalid UTF-8 and 5,000 characters, unknown routes and methods).
 * <p>
 * Every answer must be declared by the contract (status, media type, body schema; a 2xx only for a request the
 * schema admits) and none may be a 5xx. <b>No partial write</b>: for every refused (4xx) request that could change
 * something (any method but GET) the whole table is compared before and after ({@link TableSnapshot}) and any
 * difference fails the run. <b>Coverage</b>: probes are sent round-robin over the operations and, within one, over
 * the kinds of hostile input, so every operation of openapi.yaml gets requests; one that got none fails the run.
 * Refusals of requests the schema admits are listed for a reader (rules JSON Schema cannot express are among
 * them) but do not fail the run.
 * <p>
 * Size and seed: {@link ReliabilityRun} ({@value #DEFAULT_REQUESTS} requests in the quick form, 20 times that with
 * {@code -Dreliability.scale=soak}; {@code -Dreliability.seed=N}); the older {@code contract.fuzz.requests},
 * {@code contract.fuzz.seconds} (a bound on the run, default 40 s quick, 900 s soak) and {@code contract.fuzz.seed}
 * still override them. Figures: {@code local/target/reliability/fuzz.json}. Loopback only: the runtime listens on
 * 127.0.0.1.
 */
class ContractFuzzIT {
    static final int DEFAULT_REQUESTS = 400;
    private static final String OPERATOR_KEY = "fuzz-operator-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ContractValidator CONTRACT = ContractValidator.repositoryContract();
    private static final List<String> PATH_PARAMETERS = List.of("programId", "memberId", "cardNumber", "orderId", "code",
            "redemptionId", "merchantId", "campaignId", "period", "subscriptionId");

    /** Kinds of input, counted in the figures; every probe has one. */
    static final String SEED = "valid seed", AUTH = "authorization", PATH = "hostile path parameter",
            IDEMPOTENCY = "idempotency key", HEADER = "hostile header value", MEDIA = "media type",
            MALFORMED = "malformed body", MISSING = "missing field", EXTRA = "extra field", NULL = "null value",
            WRONG = "wrong type or out of bounds", NUMBER = "huge, negative or fractional number",
            NESTING = "deep nesting", UNICODE = "unicode trick", UTF8 = "invalid UTF-8 bytes", OVERSIZED = "oversized",
            UNKNOWN_ROUTE = "unknown route", COMBINED = "two mutations combined";

    /**
     * Literal JSON text put where a value goes, as it is (ObjectMapper could not write most of them): numbers beyond
     * long and double, fractions where an integer is due, and strings with unicode tricks, escaped and raw.
     */
    private static final List<String> RAW_LITERALS = new ArrayList<>();
    private static final List<String> NUMBER_LITERALS = List.of("1e308", "-1", "9223372036854775808",
            "-9223372036854775809", "0.1", "1e999", "-0", "1e-400", "00012", "NaN", "Infinity", "0x10", "1.0e2");
    private static final List<String> UNICODE_LITERALS = List.of("\"\\u202Eevil\"", "\"a\\u200Bb\"", "\"\\uFEFFx\"",
            "\"a\\u0000b\"", "\"\\ud800\"", "\"x\\udc00\"", "\"\\ud83d\\ude00\"", "\"e\\u0301\"", "\"\u0430dmin\"",
            "\"a\u0000b\"", "\"\u202E\u200B\"", "\"\\u0085\\u2028\\u2029\"");
    /** Byte sequences that are not UTF-8: overlong '/', overlong 3-byte, encoded surrogate, beyond U+10FFFF, ... */
    private static final List<byte[]> INVALID_UTF8 = List.of(bytes(0xC0, 0xAF), bytes(0xE0, 0x80, 0xAF),
            bytes(0xED, 0xA0, 0x80), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xFF), bytes(0xFE), bytes(0x80),
            bytes(0xE2, 0x82), bytes(0xC0, 0x80));

    private static LocalRuntime runtime;
    private static TableSnapshot table;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Ids the seeds refer to, created before the fuzz; the card changes when a replacement succeeds. */
    private static final Map<String, String> IDS = new LinkedHashMap<>();
    private static String merchantKey;

    private final List<String> failures = new ArrayList<>();
    private final Map<String, Integer> refusedThoughSchemaValid = new TreeMap<>();
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private final Map<String, Integer> requestsPerRoute = new TreeMap<>();
    private final Map<String, Integer> inputsByKind = new TreeMap<>();
    private int fiveHundreds;
    private int contractViolations;
    private int partialWrites;
    private int refusalsCompared;
    /** The table as it was after the last request, or null when it may have changed since (an accepted request). */
    private Map<String, String> lastSnapshot;
    private int sequence;

    /**
     * One request to send: the operation's route, path values, caller, headers and body (null: none). With
     * {@code latin1Bytes} each char of the body is one byte of what is sent (for bytes that are not UTF-8).
     */
    private record Probe(String label, String kind, String method, String pathTemplate, Map<String, String> headers,
                         String body, boolean latin1Bytes, boolean asOperator, boolean withKey) {
        Probe with(String newLabel, String newKind, Consumer<Map<String, String>> headerChange, String newBody) {
            Map<String, String> changed = new LinkedHashMap<>(headers);
            headerChange.accept(changed);
            return new Probe(label + " / " + newLabel, newKind, method, pathTemplate, changed, newBody, false, asOperator, withKey);
        }

        Probe withBytes(String newLabel, String latin1Body) {
            return new Probe(label + " / " + newLabel, UTF8, method, pathTemplate, headers, latin1Body, true, asOperator, withKey);
        }

        Probe as(String newLabel, String newKind, boolean operator, boolean key) {
            return new Probe(label + " / " + newLabel, newKind, method, pathTemplate, headers, body, latin1Bytes, operator, key);
        }

        String operation() {
            return !kind.equals(UNKNOWN_ROUTE) && CONTRACT.operation(method, pathTemplate).isPresent()
                    ? method + " " + pathTemplate : UNKNOWN_ROUTE;
        }
    }

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        runtime = LocalApi.startRuntime(OPERATOR_KEY);
        table = new TableSnapshot(runtime);
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
        if (table != null) {
            table.close();
        }
        runtime.close();
    }

    @Test
    void everyAnswer_isDeclaredByTheContract_noneIsA5xx_andNoRefusalWritesAnything() throws Exception {
        long seed = Long.getLong("contract.fuzz.seed", ReliabilityRun.seed());
        int budget = Integer.getInteger("contract.fuzz.requests", ReliabilityRun.operations(DEFAULT_REQUESTS));
        Duration timeBudget = Duration.ofSeconds(Long.getLong("contract.fuzz.seconds", ReliabilityRun.soak() ? 900 : 40));
        Random random = new Random(seed);
        List<Probe> probes = new ArrayList<>();
        for (Probe seedProbe : seeds()) {
            probes.add(seedProbe);
            probes.addAll(requestLevelMutations(seedProbe));
            probes.addAll(bodyMutations(seedProbe));
            probes.addAll(hostileBodies(seedProbe));
        }
        probes.addAll(unknownRoutes());
        List<Probe> singles = roundRobin(probes, random);
        Instant deadline = Instant.now().plus(timeBudget);
        int sent = 0;
        // Every single mutation first (round-robin over operations and kinds), then pairs of them, so a run of any
        // length keeps finding new requests. The time bound only stops a run on a machine far slower than expected.
        while (sent < budget && Instant.now().isBefore(deadline)) {
            Probe probe = sent < singles.size() ? singles.get(sent) : combined(singles, random);
            run(probe);
            sent++;
        }

        System.out.printf("Contract fuzz: %d requests (%d single mutations available), seed %d, statuses %s%n",
                sent, singles.size(), seed, statuses);
        refusedThoughSchemaValid.forEach((what, count) ->
                System.out.printf("  refused though the schema admits it (%dx): %s%n", count, what));
        ReliabilityRun.figures("fuzz")
                .set("requests", sent)
                .set("requestsPerRoute", requestsPerRoute)
                .set("hostileInputsByKind", inputsByKind)
                .set("statuses", statuses)
                .set("refusedWritesCompared", refusalsCompared)
                .set("fiveHundreds", fiveHundreds)
                .set("partialWrites", partialWrites)
                .set("contractViolations", contractViolations)
                .write();

        TreeSet<String> unreached = new TreeSet<>(operations());
        unreached.removeAll(requestsPerRoute.keySet());
        assertThat(unreached).as("operations of openapi.yaml the fuzz sent no request to").isEmpty();
        assertThat(failures).as("5xx, answers openapi.yaml does not describe, or refusals that wrote").isEmpty();
    }

    /** Every operation of openapi.yaml, as "METHOD /path". */
    private static List<String> operations() {
        List<String> operations = new ArrayList<>();
        CONTRACT.document().path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return operations;
    }

    /**
     * The probes in sending order: operations take turns, and within one operation the kinds of input take turns
     * (each list shuffled by the seed), so even a short run reaches every operation with many kinds of input.
     */
    private static List<Probe> roundRobin(List<Probe> probes, Random random) {
        Map<String, Map<String, List<Probe>>> byOperationAndKind = new TreeMap<>();
        for (Probe probe : probes) {
            byOperationAndKind.computeIfAbsent(probe.operation(), o -> new TreeMap<>())
                    .computeIfAbsent(probe.kind(), k -> new ArrayList<>()).add(probe);
        }
        List<List<Probe>> perOperation = new ArrayList<>();
        for (Map<String, List<Probe>> byKind : byOperationAndKind.values()) {
            List<List<Probe>> kinds = new ArrayList<>(byKind.values());
            kinds.forEach(list -> Collections.shuffle(list, random));
            Collections.shuffle(kinds, random);
            perOperation.add(interleave(kinds));
        }
        Collections.shuffle(perOperation, random);
        return interleave(perOperation);
    }

    private static List<Probe> interleave(List<List<Probe>> lists) {
        List<Probe> out = new ArrayList<>();
        for (int index = 0; ; index++) {
            boolean any = false;
            for (List<Probe> list : lists) {
                if (index < list.size()) {
                    out.add(list.get(index));
                    any = true;
                }
            }
            if (!any) {
                return out;
            }
        }
    }

    private void run(Probe probe) throws IOException, InterruptedException {
        String path = probe.pathTemplate();
        Map<String, String> pathParameters = new LinkedHashMap<>();
        for (String name : PATH_PARAMETERS) {
            if (path.contains("{" + name + "}")) {
                String raw = probe.headers().get("x-fuzz-raw-" + name);
                String value = probe.headers().getOrDefault("x-fuzz-" + name, IDS.get(name));
                pathParameters.put(name, raw != null ? raw : value);
                path = path.replace("{" + name + "}", raw != null ? raw
                        : URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>(probe.headers());
        headers.keySet().removeIf(h -> h.startsWith("x-fuzz-"));
        if ("{fresh}".equals(headers.get("Idempotency-Key"))) {
            headers.put("Idempotency-Key", "fuzz-" + (++sequence) + "-" + System.nanoTime());
        }
        String body = fill(probe.body());
        byte[] bytes = body == null ? null : body.getBytes(probe.latin1Bytes() ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        String key = !probe.withKey() ? null : probe.asOperator() ? OPERATOR_KEY : merchantKey;
        if (headers.containsKey("Authorization")) {
            key = null; // the probe sets its own
        }
        boolean mayWrite = !probe.method().equals("GET");
        Map<String, String> before = null;
        if (mayWrite) {
            before = lastSnapshot != null ? lastSnapshot : table.take();
        }
        Answer answer = send(probe.method(), path, key, headers, bytes);
        statuses.merge(answer.status, 1, Integer::sum);
        requestsPerRoute.merge(probe.operation(), 1, Integer::sum);
        inputsByKind.merge(probe.kind(), 1, Integer::sum);
        // What a reader can paste: the bytes that are not UTF-8 shown as U+FFFD.
        String shown = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        String where = probe.label() + " [" + probe.kind() + "]: " + probe.method() + " " + abbreviate(path) + " " + abbreviate(shown);
        if (answer.status >= 500) {
            fiveHundreds++;
            failures.add(where + " -> " + answer.status + " " + answer.body);
        }
        if (probe.latin1Bytes() && answer.status < 300) {
            contractViolations++;
            failures.add(where + "\n      a body that is not UTF-8 was accepted: " + answer.status + " " + abbreviate(answer.body));
        }
        // A raw path value with a slash or a dot segment makes another path: judged as that path, not the template's.
        boolean pathChanged = probe.headers().entrySet().stream().anyMatch(h -> h.getKey().startsWith("x-fuzz-raw-")
                && (h.getValue().contains("/") || h.getValue().matches("\\.\\.?")));
        String template = !pathChanged && !probe.kind().equals(UNKNOWN_ROUTE)
                && CONTRACT.operation(probe.method(), probe.pathTemplate()).isPresent() ? probe.pathTemplate() : path;
        for (String violation : CONTRACT.violations(new ContractValidator.Exchange(probe.method(), template, pathParameters,
                shown, answer.status, answer.contentType, answer.body))) {
            contractViolations++;
            failures.add(where + "\n      " + violation + "\n      answer: " + abbreviate(answer.body));
        }
        if (mayWrite && answer.status >= 400 && answer.status < 500) {
            Map<String, String> after = table.take();
            refusalsCompared++;
            List<String> written = TableSnapshot.differences(before, after);
            if (!written.isEmpty()) {
                partialWrites++;
                failures.add(where + " -> " + answer.status + ", refused but the table changed:\n      "
                        + String.join("\n      ", written));
            }
            lastSnapshot = after;
        } else if (mayWrite || answer.status < 400) {
            lastSnapshot = null; // accepted (or not compared): it may have written, and its events will
        }
        // Header mutations are left out: the contract checks bodies and path parameters, not the Idempotency-Key.
        if (answer.status == 400 && answer.body.contains("/validation-failed") && probe.withKey()
                && !probe.kind().equals(IDEMPOTENCY) && !probe.kind().equals(HEADER) && !probe.latin1Bytes()
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
                seeds.add(new Probe(operation.getValue().path("operationId").asText(), SEED, method, path.getKey(), headers,
                        body, false, path.getKey().startsWith("/v1/programs"), true));
            });
        }
        return seeds;
    }

    private List<Probe> requestLevelMutations(Probe seed) {
        List<Probe> probes = new ArrayList<>();
        probes.add(seed.as("no key", AUTH, seed.asOperator(), false));
        probes.add(seed.with("unknown key", AUTH, h -> h.put("Authorization", "Bearer lk_unknown"), seed.body()));
        probes.add(seed.with("not a bearer key", AUTH, h -> h.put("Authorization", "Basic " + OPERATOR_KEY), seed.body()));
        probes.add(seed.as("other role", AUTH, !seed.asOperator(), true));
        for (String hostile : List.of("Bearer " + "A".repeat(8000), "Bearer ", "Bearer  " + OPERATOR_KEY,
                "Bearer lk_\u00e9\u00ff", "Bearer " + OPERATOR_KEY + "\u00a0", "Bearer lk_' OR '1'='1", "Bearer ../../etc/passwd")) {
            probes.add(seed.with("Authorization " + abbreviate(hostile), HEADER, h -> h.put("Authorization", hostile), seed.body()));
        }
        for (String parameter : PATH_PARAMETERS) {
            if (seed.pathTemplate().contains("{" + parameter + "}")) {
                for (String value : List.of("nope", "x".repeat(200), "8000123456789017", "800012345678901", "a b", "../x", "%00", "\u00e9",
                        "\u202Emsil", "a\u200Bb", "a\u0000b", "x".repeat(5000))) {
                    probes.add(seed.with(parameter + "=" + abbreviate(value), PATH, h -> h.put("x-fuzz-" + parameter, value), seed.body()));
                }
                // Sent as they are, not encoded: traversal, NUL, encoded slashes and bytes that are not UTF-8.
                for (String raw : List.of("..", "../..", "..%2F..%2Fv1%2Fprograms", "%2e%2e", "%00", "x%00y", "%C0%AF",
                        "%ED%A0%80", "%FF%FE", "%2F", "%5C..%5C")) {
                    probes.add(seed.with(parameter + " raw " + raw, PATH, h -> h.put("x-fuzz-raw-" + parameter, raw), seed.body()));
                }
            }
        }
        for (String[] header : new String[][] {{"Content-Type", "application/json; charset=utf-16"},
                {"Content-Type", "application/json; charset=nope"}, {"Content-Type", "application/json\u00e9"},
                {"Accept", "text/html"}, {"Accept-Encoding", "gzip;q=\u00ff"}, {"X-Forwarded-For", "127.0.0.1, ::1, \u00ff"},
                {"X-Amzn-Trace-Id", "Root=" + "1".repeat(4000)}, {"X-Loyalty-Merchant", "mch_00000000000000000000"},
                {"X-Program-Id", "prg_00000000000000000000"}}) {
            probes.add(seed.with(header[0] + ": " + abbreviate(header[1]), HEADER, h -> h.put(header[0], header[1]), seed.body()));
        }
        if (seed.method().equals("POST")) {
            probes.add(seed.with("no Idempotency-Key", IDEMPOTENCY, h -> h.remove("Idempotency-Key"), seed.body()));
            probes.add(seed.with("short Idempotency-Key", IDEMPOTENCY, h -> h.put("Idempotency-Key", "short"), seed.body()));
            probes.add(seed.with("Idempotency-Key with spaces", IDEMPOTENCY, h -> h.put("Idempotency-Key", "has spaces 12345"), seed.body()));
            for (String hostile : List.of("k".repeat(10_000), "key-\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", "key-\u00ff\u00fe-12345678",
                    "../../../../etc/passwd", "IDEMPOTENCY#prg_x#1234", "' OR 1=1 --12345", "%00%00%00%00%00%00")) {
                probes.add(seed.with("Idempotency-Key " + abbreviate(hostile), IDEMPOTENCY, h -> h.put("Idempotency-Key", hostile), seed.body()));
            }
            probes.add(seed.with("reused Idempotency-Key", IDEMPOTENCY, h -> h.put("Idempotency-Key", "fuzz-reused-key-" + seed.label()),
                    seed.body() == null ? "{}" : seed.body()));
            probes.add(seed.with("reused Idempotency-Key, other body", IDEMPOTENCY, h -> h.put("Idempotency-Key", "fuzz-reused-key-" + seed.label()),
                    seed.body() == null ? "{\"reason\":\"damaged\"}" : seed.body().replaceFirst("}$", ",\"zz\":1}")));
        }
        if (seed.body() != null || seed.method().equals("POST")) {
            String body = seed.body() == null ? "{}" : seed.body();
            probes.add(seed.with("text/plain", MEDIA, h -> h.put("Content-Type", "text/plain"), body));
            probes.add(seed.with("no Content-Type", MEDIA, h -> h.remove("Content-Type"), body));
            probes.add(seed.with("malformed JSON", MALFORMED, h -> { }, "{\"a\":"));
            probes.add(seed.with("trailing tokens", MALFORMED, h -> { }, body + " {}"));
            probes.add(seed.with("duplicate key", MALFORMED, h -> { }, body.replaceFirst("^\\{", "{\"zz\":1,\"zz\":2,")));
            probes.add(seed.with("comment", MALFORMED, h -> { }, body.replaceFirst("^\\{", "{/* x */")));
            probes.add(seed.with("single quotes", MALFORMED, h -> { }, body.replace('"', '\'')));
            probes.add(seed.with("empty body", MALFORMED, h -> { }, ""));
            probes.add(seed.with("null body", MALFORMED, h -> { }, "null"));
            probes.add(seed.with("array body", MALFORMED, h -> { }, "[]"));
            probes.add(seed.with("string body", MALFORMED, h -> { }, "\"x\""));
            probes.add(seed.with("17 KiB body", OVERSIZED, h -> { }, body.replaceFirst("^\\{", "{\"zz\":\"" + "a".repeat(17 * 1024) + "\",")));
            probes.add(seed.with("65 KiB body", OVERSIZED, h -> { }, body.replaceFirst("^\\{", "{\"zz\":\"" + "a".repeat(65 * 1024) + "\",")));
        }
        return probes;
    }

    /** Bodies no schema walk makes: deep nesting of the whole body and of an extra field, and bytes that are not UTF-8. */
    private static List<Probe> hostileBodies(Probe seed) {
        if (seed.body() == null && !seed.method().equals("POST")) {
            return List.of();
        }
        String body = seed.body() == null || seed.body().equals("{}") ? "{\"zz\":1}" : seed.body();
        List<Probe> probes = new ArrayList<>();
        for (int depth : List.of(1_000, 20_000)) {
            probes.add(seed.with(depth + " nested arrays", NESTING, h -> { }, "[".repeat(depth) + "]".repeat(depth)));
            probes.add(seed.with(depth + " nested objects in an extra field", NESTING, h -> { },
                    body.replaceFirst("^\\{", "{\"zz\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + ",")));
        }
        probes.add(seed.with("1,000 nested arrays, unclosed", NESTING, h -> { }, "[".repeat(1_000)));
        String latin1 = new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        int firstStringValue = latin1.indexOf("\":\"");
        for (byte[] invalid : INVALID_UTF8) {
            String bad = new String(invalid, StandardCharsets.ISO_8859_1);
            String hex = hex(invalid);
            probes.add(seed.withBytes("bytes " + hex + " in an extra field", latin1.replaceFirst("^\\{", "{\"zz\":\"" + bad + "\",")));
            if (firstStringValue > 0) {
                probes.add(seed.withBytes("bytes " + hex + " in the first string", latin1.substring(0, firstStringValue + 3) + bad
                        + latin1.substring(firstStringValue + 3)));
            }
            probes.add(seed.withBytes("bytes " + hex + " before the body", bad + latin1));
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
        mutate(schemaRoot, seedBody, "", (label, kind, mutated) -> probes.add(seed.with(label, kind, h -> { }, mutated)), seedBody);
        return probes;
    }

    private interface Sink {
        void accept(String label, String kind, String body);
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
            replaceAt(root, pointer + "/zz", NODES.textNode("unknown"), "unknown property at " + pointer, EXTRA, sink);
            schema.get("properties").fields().forEachRemaining(property -> {
                String at = pointer + "/" + property.getKey();
                JsonNode present = value == null ? null : value.get(property.getKey());
                if (present != null) {
                    removeAt(root, at, "without " + at, sink);
                }
                JsonNode propertySchema = resolve(property.getValue());
                for (JsonNode candidate : candidates(propertySchema, present)) {
                    replaceAt(root, at, candidate, at + "=" + abbreviate(candidate.toString()), candidate.isNull() ? NULL : WRONG, sink);
                }
                List<String> types = types(propertySchema);
                boolean numeric = types.contains("integer") || types.contains("number") || propertySchema.has("minimum");
                for (String literal : numeric ? NUMBER_LITERALS : NUMBER_LITERALS.subList(0, 3)) {
                    replaceAt(root, at, raw(literal), at + "=" + literal, NUMBER, sink);
                }
                if (types.contains("string") || types.isEmpty()) {
                    for (String literal : UNICODE_LITERALS) {
                        replaceAt(root, at, raw(literal), at + "=" + literal, UNICODE, sink);
                    }
                }
                replaceAt(root, at, raw("[".repeat(1_000) + "]".repeat(1_000)), at + "=1,000 nested arrays", NESTING, sink);
                if (present != null && (present.isObject() || present.isArray())) {
                    mutate(property.getValue(), present, at, sink, root);
                }
            });
            JsonNode additional = schema.path("additionalProperties");
            if (additional.isObject() && value != null) {
                for (JsonNode candidate : candidates(resolve(additional), null)) {
                    replaceAt(root, pointer + "/anyKey", candidate, pointer + "/anyKey=" + abbreviate(candidate.toString()), WRONG, sink);
                }
                // The key itself hostile: a map's keys are data too (preferences, the agreement's merchants).
                for (String key : List.of("\u202Eevil", "a\u200Bb", "a\u0000b", "", " ", "k".repeat(1_000), "\u0430dmin")) {
                    replaceAt(root, pointer + "/" + key, NODES.textNode("x"), pointer + " key " + abbreviate(key), UNICODE, sink);
                }
            }
        }
        if (schema.has("items") && value != null && value.isArray() && !value.isEmpty()) {
            mutate(schema.get("items"), value.get(0), pointer + "/0", sink, root);
        }
    }

    /** A value that stands for this JSON text, written as it is by {@link #expandRaw} (ObjectMapper cannot write it). */
    private static synchronized JsonNode raw(String literal) {
        int index = RAW_LITERALS.indexOf(literal);
        if (index < 0) {
            RAW_LITERALS.add(literal);
            index = RAW_LITERALS.size() - 1;
        }
        return NODES.textNode("\u0001RAW" + index + "\u0001");
    }

    private static String expandRaw(String json) {
        if (!json.contains("\\u0001RAW")) {
            return json;
        }
        StringBuilder out = new StringBuilder();
        java.util.regex.Matcher marker = java.util.regex.Pattern.compile("\"\\\\u0001RAW(\\d+)\\\\u0001\"").matcher(json);
        while (marker.find()) {
            marker.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(RAW_LITERALS.get(Integer.parseInt(marker.group(1)))));
        }
        marker.appendTail(out);
        return out.toString();
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

    private static void replaceAt(JsonNode root, String pointer, JsonNode value, String label, String kind, Sink sink) {
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
        sink.accept(label, kind, expandRaw(copy.toString()));
    }

    private static void removeAt(JsonNode root, String pointer, String label, Sink sink) {
        JsonNode copy = root.deepCopy();
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = pointer.substring(0, slash).isEmpty() ? copy : copy.at(pointer.substring(0, slash));
        if (parent instanceof ObjectNode object) {
            object.remove(pointer.substring(slash + 1));
            sink.accept(label, MISSING, copy.toString());
        }
    }

    private static List<Probe> unknownRoutes() {
        List<Probe> probes = new ArrayList<>();
        for (String[] route : new String[][] {{"GET", "/"}, {"GET", "/v1"}, {"GET", "/v1/nowhere"}, {"DELETE", "/v1/programs"},
                {"PATCH", "/v1/members"}, {"GET", "/v1/purchases"}, {"PUT", "/v1/cards/{cardNumber}"}, {"GET", "/v2/programs"},
                {"OPTIONS", "/v1/members"}, {"POST", "/v1/members/{memberId}"}, {"GET", "/v1/members/../programs"},
                {"GET", "/v1/%2e%2e/programs"}, {"GET", "/v1/members/%00"}, {"GET", "/v1/" + "x/".repeat(2_000)},
                {"TRACE", "/v1/members"}}) {
            for (boolean operator : List.of(true, false)) {
                probes.add(new Probe("unknown route", UNKNOWN_ROUTE, route[0], route[1], Map.of(), null, false, operator, true));
                probes.add(new Probe("unknown route", UNKNOWN_ROUTE, route[0], route[1], Map.of(), null, false, operator, false));
            }
        }
        return probes;
    }

    /** A second mutation on top of a first one's request: both applied if they are of the same operation. */
    private static Probe combined(List<Probe> singles, Random random) {
        Probe first = singles.get(random.nextInt(singles.size()));
        Probe second = singles.get(random.nextInt(singles.size()));
        Map<String, String> headers = new LinkedHashMap<>(first.headers());
        if (second.pathTemplate().equals(first.pathTemplate()) && second.method().equals(first.method())) {
            headers.putAll(second.headers());
            Probe bodyOf = random.nextBoolean() ? first : second;
            return new Probe(first.label() + " + " + second.label(), COMBINED, first.method(), first.pathTemplate(), headers,
                    bodyOf.body(), bodyOf.latin1Bytes(), first.asOperator(), first.withKey() && second.withKey());
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
        return send(method, path, bearerKey, headers, text == null ? null : text.getBytes(StandardCharsets.UTF_8));
    }

    private static Answer send(String method, String path, String bearerKey, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(runtime.url().toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
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

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02X", b & 0xFF));
        }
        return hex.toString();
    }
}
