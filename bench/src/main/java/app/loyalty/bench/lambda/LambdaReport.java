package app.loyalty.bench.lambda;

import app.loyalty.bench.BenchData;
import app.loyalty.bench.SqliteNatives;
import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.ContactHasher;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.TestTables;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Lambda report (bench/run-report.sh): every function jar as Lambda runs it, under AWS's runtime interface client
 * (RIC) in a fresh JVM, against this process's Runtime API emulator, DynamoDB Local and a fake EventBridge, beside a
 * minimal echo handler measured in the same run. Writes report.json and report.md.
 * <ul>
 *   <li><b>cold</b>: {@code report.rounds} fresh JVMs per function, interleaved with the echo so that a change of
 *   machine load hits all alike; per run the time from launch to the first poll (init) and to the first response,
 *   and the classes loaded by then ({@code -Xlog:class+load}, counted when the response arrives).</li>
 *   <li><b>primed</b>: one JVM per function started as SnapStart starts it before the snapshot
 *   ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}: the RIC runs the org.crac beforeCheckpoint hooks, i.e. the
 *   priming, then polls restore/next). Then the first request of each operation, {@code report.warmup} more, and
 *   {@code report.measured} timed ones: warm p50/p99. An SDK interceptor in a probe jar beside the function jar
 *   counts DynamoDB calls and consumed capacity per operation (and in the priming).</li>
 * </ul>
 * Latencies are the Runtime API's view (invocation handed out to response received), i.e. what Lambda bills.
 */
public final class LambdaReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String OPERATOR_KEY = "bench-operator-key";
    private static final int[] LOT_COUNTS = {1, 100, 1000};
    private static final int PURCHASE_MEMBERS = 20;
    private static final int PURCHASE_MEMBER_LOTS = 20;

    record Op(String name, Supplier<String> payload, Predicate<JsonNode> ok) {
    }

    record Fn(String name, String handler, Path jar, List<Op> ops) {
    }

    record ColdSample(double initMs, double firstResponseMs, double firstRequestMs, long classes) {
    }

    private final Path root;
    private final Path work;
    private final Path ric;
    private final int rounds;
    private final int warmup;
    private final int measured;
    private final String javaToolOptions;
    private final String endpoint;
    private final String table;
    private final FakeEventBridge eventBridge;
    private final AtomicLong unique = new AtomicLong();
    private final List<Fn> functions = new ArrayList<>();
    private final Map<String, String> lotMembers = new LinkedHashMap<>();
    private final List<String> purchaseCards = new ArrayList<>();
    private final List<String> purchaseMembers = new ArrayList<>();
    private final String merchantKey = ApiKeys.generate();
    /** report.classLists: a directory to write, per function, the classes loaded to the first response (cold) and
     *  by the first request after priming; a diagnostic of what to cut or prime, not part of the report's figures. */
    private final Path classLists = Optional.ofNullable(System.getProperty("report.classLists")).map(Path::of).orElse(null);
    /** report.only: a comma-separated subset of functions to run (the echoes always run: the ratios need them). */
    private final Set<String> only = Optional.ofNullable(System.getProperty("report.only"))
            .map(names -> Set.of(names.split(","))).orElse(null);

    private LambdaReport(Path root, Path work, int rounds, int warmup, int measured) throws IOException {
        this.root = root;
        this.work = work;
        this.ric = root.resolve("bench/target/ric");
        this.rounds = rounds;
        this.warmup = warmup;
        this.measured = measured;
        this.javaToolOptions = templateJavaToolOptions(root.resolve("template.yaml"));
        SqliteNatives.configure();
        DynamoDbClient dynamo = DynamoDbLocal.client();
        this.endpoint = DynamoDbLocal.endpoint().toString();
        this.table = TestTables.create(dynamo);
        seed(dynamo);
        this.eventBridge = new FakeEventBridge();
        defineFunctions();
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("report.root", ".")).toAbsolutePath().normalize();
        Path out = root.resolve(System.getProperty("report.out", "bench/report"));
        Path work = Files.createTempDirectory("lambda-report");
        int status = 0;
        try {
            LambdaReport report = new LambdaReport(root, work, Integer.getInteger("report.rounds", 5),
                    Integer.getInteger("report.warmup", 20), Integer.getInteger("report.measured", 100));
            Map<String, Object> result = report.run();
            Files.createDirectories(out);
            JSON.writeValue(out.resolve("report.json").toFile(), result);
            Files.writeString(out.resolve("report.md"), ReportMarkdown.render(result));
            System.out.println("wrote " + root.relativize(out.resolve("report.md")) + " and report.json");
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        } finally {
            deleteRecursively(work);
        }
        // DynamoDB Local keeps non-daemon threads; its shutdown hook stops it.
        System.exit(status);
    }

    private Map<String, Object> run() throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("measuredAt", Instant.now().toString());
        result.put("commit", git("rev-parse", "--short", "HEAD"));
        result.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "cpu", cpuModel(), "loadBefore", load()));
        result.put("jvm", javaVersion());
        result.put("javaToolOptions", javaToolOptions);
        result.put("ric", Files.list(ric).map(p -> p.getFileName().toString()).sorted().toList());
        result.put("settings", Map.of("rounds", rounds, "warmup", warmup, "measured", measured));

        Map<String, List<ColdSample>> cold = new LinkedHashMap<>();
        functions.forEach(fn -> cold.put(fn.name(), new ArrayList<>()));
        for (Fn fn : functions) {   // one discarded launch each: page cache and CDS archive warm
            cold(fn);
        }
        for (int round = 1; round <= rounds; round++) {
            for (Fn fn : functions) {
                cold.get(fn.name()).add(cold(fn));
            }
            System.out.printf("cold round %d/%d done (load %s)%n", round, rounds, load());
        }

        List<Map<String, Object>> rows = new ArrayList<>();
        for (Fn fn : functions) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("function", fn.name());
            row.put("handler", fn.handler());
            row.put("jarBytes", Files.size(fn.jar()));
            row.put("jarClasses", jarClasses(fn.jar()));
            List<ColdSample> samples = cold.get(fn.name());
            row.put("cold", Map.of(
                    "initMs", Stats.median(samples.stream().mapToDouble(ColdSample::initMs).toArray()),
                    "firstResponseMs", Stats.median(samples.stream().mapToDouble(ColdSample::firstResponseMs).toArray()),
                    "firstRequestMs", Stats.median(samples.stream().mapToDouble(ColdSample::firstRequestMs).toArray()),
                    "classesLoaded", (long) Stats.median(samples.stream().mapToDouble(ColdSample::classes).toArray()),
                    "firstResponseMsRuns", samples.stream().map(ColdSample::firstResponseMs).toList(),
                    "firstRequest", fn.ops().get(0).name()));
            // A first request is one sample on a shared machine: the first operation's is taken in report.rounds primed
            // JVMs (this one and rounds - 1 more), and its median is the figure.
            List<Double> firstRuns = new ArrayList<>();
            for (int round = 1; round < rounds; round++) {
                firstRuns.add(primedFirstRequest(fn));
            }
            row.put("primed", primed(fn, firstRuns));
            if (classLists != null) {
                primedClassList(fn);
            }
            rows.add(row);
            System.out.printf("primed %s done (load %s)%n", fn.name(), load());
        }
        double echoFirst = coldMedian(rows, "echo", "firstResponseMs");
        double echoInit = coldMedian(rows, "echo", "initMs");
        double echoPojoFirst = coldMedian(rows, "echo-pojo", "firstResponseMs");
        for (Map<String, Object> row : rows) {
            @SuppressWarnings("unchecked") Map<String, Object> coldRow = new LinkedHashMap<>((Map<String, Object>) row.get("cold"));
            coldRow.put("firstResponseVsEcho", (double) coldRow.get("firstResponseMs") / echoFirst);
            coldRow.put("firstResponseVsEchoPojo", (double) coldRow.get("firstResponseMs") / echoPojoFirst);
            coldRow.put("initVsEcho", (double) coldRow.get("initMs") / echoInit);
            row.put("cold", coldRow);
        }
        result.put("functions", rows);
        result.put("loadAfter", load());
        return result;
    }

    private static double coldMedian(List<Map<String, Object>> rows, String function, String key) {
        return rows.stream().filter(r -> r.get("function").equals(function))
                .map(r -> (double) ((Map<?, ?>) r.get("cold")).get(key)).findFirst().orElseThrow();
    }

    // ----------------------------------------------------------------------------------------------------------
    // Runs
    // ----------------------------------------------------------------------------------------------------------

    private ColdSample cold(Fn fn) throws Exception {
        Path taskRoot = taskRoot(fn, false);
        Path classLog = Files.createTempFile(work, fn.name(), ".classes");
        try (RuntimeApi api = new RuntimeApi()) {
            long[] classesAtAnswer = {-1};
            api.onAnswer(nanos -> {
                if (classesAtAnswer[0] < 0) {
                    classesAtAnswer[0] = lines(classLog);
                }
            });
            long launched = System.nanoTime();
            Process process = launch(fn, api, taskRoot, Map.of(),
                    List.of("-Xlog:class+load=info:file=" + classLog + ":none"));
            try {
                long polled = api.awaitFirstPoll(120);
                Op op = fn.ops().get(0);
                RuntimeApi.Answer answer = api.invoke(op.payload().get(), 120);
                check(fn, op, answer);
                if (classLists != null) {
                    writeClassList(classLog, 0, classesAtAnswer[0], fn.name() + "-cold.txt");
                }
                return new ColdSample((polled - launched) / 1e6, (answer.answeredNanos() - launched) / 1e6,
                        answer.millis(), classesAtAnswer[0]);
            } finally {
                stop(process);
            }
        }
    }

    /** A primed JVM's first request of the function's first operation, in ms; nothing else is measured. */
    private double primedFirstRequest(Fn fn) throws Exception {
        Path taskRoot = taskRoot(fn, true);
        try (RuntimeApi api = new RuntimeApi()) {
            Process process = launch(fn, api, taskRoot, Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"),
                    List.of("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac"));
            try {
                api.awaitRestorePoll(120);
                Op op = fn.ops().get(0);
                RuntimeApi.Answer first = api.invoke(op.payload().get(), 120);
                check(fn, op, first);
                return first.millis();
            } finally {
                stop(process);
            }
        }
    }

    private Map<String, Object> primed(Fn fn, List<Double> otherFirstRuns) throws Exception {
        Path taskRoot = taskRoot(fn, true);
        Path callLog = work.resolve(fn.name() + "-dynamodb.log");
        Files.deleteIfExists(callLog);
        CallLog calls = new CallLog(callLog);
        Map<String, Object> primed = new LinkedHashMap<>();
        try (RuntimeApi api = new RuntimeApi()) {
            long launched = System.nanoTime();
            long eventsBefore = eventBridge.calls();
            long entriesBefore = eventBridge.entries();
            Process process = launch(fn, api, taskRoot,
                    Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start", "BENCH_DYNAMODB_LOG", callLog.toString()),
                    List.of("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac"));
            try {
                long restored = api.awaitRestorePoll(120);
                primed.put("initAndPrimingMs", (restored - launched) / 1e6);
                primed.put("primingCalls", calls.take().summary(1));
                primed.put("primingPutEventsCalls", eventBridge.calls() - eventsBefore);
                primed.put("primingEventsPublished", eventBridge.entries() - entriesBefore);
                List<Map<String, Object>> ops = new ArrayList<>();
                for (Op op : fn.ops()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("operation", op.name());
                    RuntimeApi.Answer first = api.invoke(op.payload().get(), 120);
                    check(fn, op, first);
                    double firstMs = first.millis();
                    if (ops.isEmpty()) {
                        List<Double> runs = new ArrayList<>(otherFirstRuns);
                        runs.add(first.millis());
                        firstMs = Stats.median(runs.stream().mapToDouble(Double::doubleValue).toArray());
                        row.put("firstMsRuns", runs);
                    }
                    row.put("firstMs", firstMs);
                    calls.take();
                    for (int i = 0; i < warmup; i++) {
                        check(fn, op, api.invoke(op.payload().get(), 120));
                    }
                    calls.take();
                    long putEvents = eventBridge.calls();
                    long entries = eventBridge.entries();
                    double[] millis = new double[measured];
                    for (int i = 0; i < measured; i++) {
                        RuntimeApi.Answer answer = api.invoke(op.payload().get(), 120);
                        check(fn, op, answer);
                        millis[i] = answer.millis();
                    }
                    row.put("warmP50Ms", Stats.percentile(millis, 50));
                    row.put("warmP99Ms", Stats.percentile(millis, 99));
                    row.put("warmMeanMs", Arrays.stream(millis).average().orElseThrow());
                    row.put("firstVsWarmP50", firstMs / Stats.percentile(millis, 50));
                    row.put("dynamodb", calls.take().summary(measured));
                    row.put("putEventsCallsPerRequest", (eventBridge.calls() - putEvents) / (double) measured);
                    row.put("eventsPerRequest", (eventBridge.entries() - entries) / (double) measured);
                    ops.add(row);
                }
                primed.put("operations", ops);
                return primed;
            } finally {
                stop(process);
            }
        }
    }

    /**
     * A separate primed launch with class loading logged (so the measured runs stay unlogged): the classes the first
     * request after priming loads are what priming did not reach.
     */
    private void primedClassList(Fn fn) throws Exception {
        Path taskRoot = taskRoot(fn, false);
        Path classLog = Files.createTempFile(work, fn.name() + "-primed", ".classes");
        try (RuntimeApi api = new RuntimeApi()) {
            long[] classesAtAnswer = {-1};
            api.onAnswer(nanos -> {
                if (classesAtAnswer[0] < 0) {
                    classesAtAnswer[0] = lines(classLog);
                }
            });
            Process process = launch(fn, api, taskRoot, Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"),
                    List.of("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
                            "-Xlog:class+load=info:file=" + classLog + ":none"));
            try {
                api.awaitRestorePoll(120);
                long primedClasses = lines(classLog);
                Op op = fn.ops().get(0);
                check(fn, op, api.invoke(op.payload().get(), 120));
                writeClassList(classLog, primedClasses, classesAtAnswer[0], fn.name() + "-first-after-priming.txt");
                System.out.printf("%s: %d classes to the end of priming, %d more by the first request%n",
                        fn.name(), primedClasses, classesAtAnswer[0] - primedClasses);
            } finally {
                stop(process);
            }
        }
    }

    private void writeClassList(Path classLog, long from, long to, String name) throws IOException {
        List<String> all = Files.readAllLines(classLog);
        Files.createDirectories(classLists);
        Files.write(classLists.resolve(name), all.subList((int) Math.min(from, all.size()), (int) Math.min(to, all.size())));
    }

    private Process launch(Fn fn, RuntimeApi api, Path taskRoot, Map<String, String> extraEnvironment,
                           List<String> extraJvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // As Lambda's java21 bootstrap starts the JVM: serial GC, a heap sized for 1024 MB, CDS on.
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:MaxHeapSize=445645k", "-Xshare:auto"));
        command.addAll(extraJvmOptions);
        command.addAll(List.of("-cp", ric.resolve("*").toString(), RIC_MAIN, fn.handler()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile());
        Map<String, String> environment = builder.environment();
        String path = environment.get("PATH");
        environment.clear();
        environment.put("PATH", path);
        environment.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        environment.put("_HANDLER", fn.handler());
        environment.put("AWS_LAMBDA_RUNTIME_API", api.address());
        environment.put("AWS_LAMBDA_FUNCTION_NAME", fn.name());
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        environment.put("AWS_REGION", "eu-west-1");
        environment.put("AWS_DEFAULT_REGION", "eu-west-1");
        environment.put("AWS_ACCESS_KEY_ID", "bench");
        environment.put("AWS_SECRET_ACCESS_KEY", "bench");
        environment.put("AWS_SESSION_TOKEN", "bench");
        environment.put("AWS_ENDPOINT_URL_DYNAMODB", endpoint);
        environment.put("AWS_ENDPOINT_URL_EVENTBRIDGE", eventBridge.endpoint());
        environment.put("TABLE_NAME", table);
        environment.put("EVENT_BUS_NAME", "bench-bus");
        environment.put(ApiKeys.OPERATOR_KEY_SHA256, ApiKeys.hash(OPERATOR_KEY));
        // card-issuance keys contact uniqueness with it (template.yaml's ContactHashKey); the local runtime's test key.
        environment.put(ContactHasher.KEY_SETTING, ContactHasher.TEST_KEY);
        environment.put("JAVA_TOOL_OPTIONS", javaToolOptions);
        environment.putAll(extraEnvironment);
        Path log = taskRoot.resolve("function.log");
        return builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private void check(Fn fn, Op op, RuntimeApi.Answer answer) throws IOException {
        JsonNode body = answer.error() ? null : JSON.readTree(answer.body());
        if (body == null || !op.ok().test(body)) {
            throw new IllegalStateException(fn.name() + " " + op.name() + " answered " + answer.body()
                    + (answer.error() ? " (as an error)" : "") + "; its log: " + taskRootOf(fn));
        }
    }

    private String taskRootOf(Fn fn) {
        return work.resolve(fn.name()).toString();
    }

    /** The task root Lambda would unpack the function into: its jar (and the probe, when asked) in lib/. */
    private Path taskRoot(Fn fn, boolean withProbe) throws IOException {
        Path taskRoot = work.resolve(fn.name() + (withProbe ? "-probe" : ""));
        Path lib = Files.createDirectories(taskRoot.resolve("lib"));
        Path jar = lib.resolve(fn.jar().getFileName());
        if (!Files.exists(jar)) {
            Files.copy(fn.jar(), jar);
        }
        if (withProbe && hasDynamoDbClient(fn.jar())) {   // the probe's classes link against the DynamoDB model
            Path probe = lib.resolve("bench-probe.jar");
            if (!Files.exists(probe)) {
                writeJar(probe, List.of(DynamoDbCallLog.class), Map.of(
                        "software/amazon/awssdk/global/handlers/execution.interceptors", DynamoDbCallLog.class.getName()));
            }
        }
        return taskRoot;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Functions and their operations
    // ----------------------------------------------------------------------------------------------------------

    private void defineFunctions() throws IOException {
        Path echoJar = work.resolve("echo.jar");
        writeJar(echoJar, List.of(EchoHandler.class, EchoPojoHandler.class), Map.of());
        String echoPayload = Files.readString(root.resolve("events/api/get-member.json"));
        Predicate<JsonNode> any = body -> true;
        functions.add(new Fn("echo", EchoHandler.class.getName(), echoJar,
                List.of(new Op("echo an API event", () -> echoPayload, any))));
        functions.add(new Fn("echo-pojo", EchoPojoHandler.class.getName(), echoJar,
                List.of(new Op("echo an API event (as a Map)", () -> echoPayload, any))));

        String authorizerEvent = Files.readString(root.resolve("events/authorizer/request.json"));
        functions.add(new Fn("authorizer", "app.loyalty.functions.authorizer.AuthorizerHandler::handleRequest",
                functionJar("authorizer"), List.of(new Op("merchant key (GetItem)",
                () -> authorizerEvent.replaceAll("lk_[A-Za-z0-9_-]{20,}", merchantKey),
                body -> body.path("isAuthorized").asBoolean()))));

        Caller operator = Caller.operator();
        functions.add(new Fn("program-admin", "app.loyalty.functions.programadmin.ProgramAdminHandler::handleRequest",
                functionJar("program-admin"), List.of(new Op("GET /v1/programs/{id}",
                () -> api("GET /v1/programs/{programId}", Map.of("programId", BenchData.PROGRAM_ID), operator, null, null),
                status(200)))));

        List<Op> cardOps = new ArrayList<>();
        for (var member : lotMembers.entrySet()) {
            cardOps.add(new Op("GET /v1/members/{id}, " + member.getKey(),
                    () -> api("GET /v1/members/{memberId}", Map.of("memberId", member.getValue()), BenchData.MERCHANT, null, null),
                    status(200)));
        }
        cardOps.add(new Op("POST /v1/members (enrol)",
                () -> {
                    long n = unique.incrementAndGet();
                    return api("POST /v1/members", Map.of(), BenchData.MERCHANT, "bench-enrol-" + n, BenchData.enrolBody(n));
                }, status(201)));
        functions.add(new Fn("card-issuance", "app.loyalty.functions.cardissuance.CardIssuanceHandler::handleRequest",
                functionJar("card-issuance"), cardOps));

        functions.add(new Fn("purchase-accrual", "app.loyalty.functions.purchaseaccrual.PurchaseAccrualHandler::handleRequest",
                functionJar("purchase-accrual"), List.of(new Op("POST /v1/purchases (10 lines, by card)", () -> {
                    long n = unique.incrementAndGet();
                    String card = purchaseCards.get((int) (n % purchaseCards.size()));
                    return api("POST /v1/purchases", Map.of(), BenchData.MERCHANT, "bench-purchase-" + n,
                            BenchData.purchaseBody(card, "ord-bench-" + n, 10));
                }, status(201)))));

        // The quote a checkout asks for before that purchase (same basket and code), by card and by member.
        functions.add(new Fn("discount-calculation",
                "app.loyalty.functions.discountcalculation.DiscountCalculationHandler::handleRequest",
                functionJar("discount-calculation"), List.of(
                new Op("POST /v1/discounts/quote (10 lines, by card)", () -> {
                    long n = unique.incrementAndGet();
                    String card = purchaseCards.get((int) (n % purchaseCards.size()));
                    return api("POST /v1/discounts/quote", Map.of(), BenchData.MERCHANT, null,
                            BenchData.quoteBody("cardNumber", card, "ord-quote-" + n, 10));
                }, status(200)),
                new Op("POST /v1/discounts/quote (10 lines, by member)", () -> {
                    long n = unique.incrementAndGet();
                    String member = purchaseMembers.get((int) (n % purchaseMembers.size()));
                    return api("POST /v1/discounts/quote", Map.of(), BenchData.MERCHANT, null,
                            BenchData.quoteBody("memberId", member, "ord-quote-" + n, 10));
                }, status(200)))));

        String streamBatch = Files.readString(root.resolve("events/dynamodb/outbox-insert.json"));
        int records = JSON.readTree(streamBatch).path("Records").size();
        functions.add(new Fn("event-relay", "app.loyalty.functions.eventrelay.EventRelayHandler::handleRequest",
                functionJar("event-relay"), List.of(new Op("stream batch of " + records + " outbox records",
                () -> streamBatch, body -> body.path("batchItemFailures").isEmpty()))));
        if (only != null) {
            functions.removeIf(fn -> !fn.name().startsWith("echo") && !only.contains(fn.name()));
        }
    }

    /** A copy of the function's jar taken at the start, so that a build during the run cannot change what is measured. */
    private Path functionJar(String name) throws IOException {
        Path jar = root.resolve("functions").resolve(name).resolve("target").resolve(name + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("Missing " + jar + ": build the functions first (bench/run-report.sh does)");
        }
        return Files.copy(jar, Files.createDirectories(work.resolve("jars")).resolve(jar.getFileName()));
    }

    private static Predicate<JsonNode> status(int expected) {
        return body -> body.path("statusCode").asInt() == expected;
    }

    /** An HTTP API (payload 2.0) event shaped like events/api/*.json, with the authorizer context of {@code caller}. */
    private String api(String routeKey, Map<String, String> pathParameters, Caller caller, String idempotencyKey, String body) {
        String path = routeKey.substring(routeKey.indexOf(' ') + 1);
        for (var parameter : pathParameters.entrySet()) {
            path = path.replace("{" + parameter.getKey() + "}", parameter.getValue());
        }
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0").put("routeKey", routeKey).put("rawPath", path).put("rawQueryString", "");
        ObjectNode headers = event.putObject("headers");
        headers.put("accept", "application/json").put("user-agent", "bench")
                .put("x-forwarded-proto", "https").put("host", "abc123.execute-api.eu-west-1.amazonaws.com");
        if (idempotencyKey != null) {
            headers.put("idempotency-key", idempotencyKey);
        }
        if (body != null) {
            headers.put("content-type", "application/json");
            event.put("body", body);
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012").put("apiId", "abc123").put("requestId", "bench-" + unique.incrementAndGet())
                .put("routeKey", routeKey).put("stage", "$default").put("timeEpoch", System.currentTimeMillis());
        context.putObject("http").put("method", routeKey.substring(0, routeKey.indexOf(' '))).put("path", path)
                .put("protocol", "HTTP/1.1").put("sourceIp", "203.0.113.10").put("userAgent", "bench");
        ObjectNode lambda = context.putObject("authorizer").putObject("lambda");
        caller.toAuthorizerContext().forEach((key, value) -> lambda.put(key, String.valueOf(value)));
        event.put("isBase64Encoded", false);
        if (!pathParameters.isEmpty()) {
            ObjectNode parameters = event.putObject("pathParameters");
            pathParameters.forEach(parameters::put);
        }
        return event.toString();
    }

    // ----------------------------------------------------------------------------------------------------------
    // Data
    // ----------------------------------------------------------------------------------------------------------

    private void seed(DynamoDbClient dynamo) {
        put(dynamo, BenchData.programItem());
        dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(ApiKeys.put(table,
                ApiKeys.hash(merchantKey), BenchData.MERCHANT_ID, BenchData.PROGRAM_ID, BenchData.NOW)).build());
        for (int lots : LOT_COUNTS) {
            String memberId = seedMember(dynamo, lots);
            lotMembers.put(lots + (lots == 1 ? " lot" : " lots"), memberId);
        }
        for (int i = 0; i < PURCHASE_MEMBERS; i++) {
            String memberId = seedMember(dynamo, PURCHASE_MEMBER_LOTS);
            purchaseCards.add(cardOf(memberId));
            purchaseMembers.add(memberId);
        }
    }

    private final Map<String, String> cards = new LinkedHashMap<>();

    private String seedMember(DynamoDbClient dynamo, int lots) {
        String memberId = Ids.newId("mbr");
        String cardNumber = BenchData.newCardNumber();
        Member member = BenchData.member(memberId, cardNumber);
        Card card = BenchData.card(memberId, cardNumber);
        var memberLots = BenchData.lots(memberId, lots);
        put(dynamo, BenchData.profileItem(member, memberLots));
        put(dynamo, BenchData.cardItem(card));
        batchPut(dynamo, BenchData.lotItems(memberLots));
        cards.put(memberId, cardNumber);
        return memberId;
    }

    private String cardOf(String memberId) {
        return cards.get(memberId);
    }

    private void put(DynamoDbClient dynamo, Map<String, AttributeValue> item) {
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).build());
    }

    private void batchPut(DynamoDbClient dynamo, List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> batch = items.subList(from, Math.min(items.size(), from + 25)).stream()
                    .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                    .toList();
            var response = dynamo.batchWriteItem(BatchWriteItemRequest.builder().requestItems(Map.of(table, batch)).build());
            if (!response.unprocessedItems().isEmpty()) {
                throw new IllegalStateException("DynamoDB Local left seeding items unprocessed");
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // Helpers
    // ----------------------------------------------------------------------------------------------------------

    /** Reads the DynamoDB call lines the probe appends, in slices: what happened since the last take. */
    private static final class CallLog {
        private final Path file;
        private int consumed;

        CallLog(Path file) {
            this.file = file;
        }

        Calls take() throws IOException {
            List<String> all = Files.exists(file) ? Files.readAllLines(file) : List.of();
            List<String> fresh = all.subList(Math.min(consumed, all.size()), all.size());
            consumed = all.size();
            return new Calls(fresh);
        }
    }

    private record Calls(List<String> lines) {
        /** Per request: calls by operation, failed calls, read and write units as DynamoDB reported them. */
        Map<String, Object> summary(int requests) {
            Map<String, Double> byOperation = new TreeMap<>();
            double read = 0;
            double write = 0;
            long failed = 0;
            for (String line : lines) {
                String[] parts = line.split(" ");
                byOperation.merge(parts[0], 1.0 / requests, Double::sum);
                failed += parts[1].equals("failed") ? 1 : 0;
                read += Double.parseDouble(parts[2]);
                write += Double.parseDouble(parts[3]);
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("calls", lines.size() / (double) requests);
            summary.put("byOperation", byOperation);
            summary.put("failedCalls", failed / (double) requests);
            summary.put("readUnits", read / requests);
            summary.put("writeUnits", write / requests);
            return summary;
        }
    }

    private static void writeJar(Path jar, List<Class<?>> classes, Map<String, String> resources) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> type : classes) {
                String entry = type.getName().replace('.', '/') + ".class";
                try (InputStream bytes = LambdaReport.class.getClassLoader().getResourceAsStream(entry)) {
                    if (bytes == null) {
                        throw new IllegalStateException("No class file for " + type.getName());
                    }
                    out.putNextEntry(new JarEntry(entry));
                    bytes.transferTo(out);
                }
            }
            for (var resource : resources.entrySet()) {
                out.putNextEntry(new JarEntry(resource.getKey()));
                out.write((resource.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static boolean hasDynamoDbClient(Path jar) throws IOException {
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.getEntry("software/amazon/awssdk/services/dynamodb/DynamoDbClient.class") != null;
        }
    }

    private static long jarClasses(Path jar) throws IOException {
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.stream().filter(e -> e.getName().endsWith(".class")).count();
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JAVA_TOOL_OPTIONS template.yaml gives every function, so the bench follows the template. */
    static String templateJavaToolOptions(Path template) throws IOException {
        Matcher matcher = Pattern.compile("(?m)^\\s*JAVA_TOOL_OPTIONS:\\s*(.+?)\\s*$").matcher(Files.readString(template));
        if (!matcher.find()) {
            throw new IllegalStateException("No JAVA_TOOL_OPTIONS in " + template);
        }
        return matcher.group(1);
    }

    private String git(String... args) {
        try {
            List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String dirty = new String(new ProcessBuilder("git", "-C", root.toString(), "status", "--porcelain", "--untracked-files=no")
                    .start().getInputStream().readAllBytes(), StandardCharsets.UTF_8).isBlank() ? "" : " (with uncommitted changes)";
            return process.waitFor() == 0 ? out + dirty : "unknown";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String cpuModel() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String javaVersion() {
        return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Boolean.getBoolean("report.keepWork")) {
            System.out.println("kept " + dir);
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
