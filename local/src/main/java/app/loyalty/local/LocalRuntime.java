package app.loyalty.local;

import app.loyalty.local.api.ApiGateway;
import app.loyalty.local.dynamo.DynamoDbLocal;
import app.loyalty.local.dynamo.StreamCheckpoint;
import app.loyalty.local.dynamo.StreamPoller;
import app.loyalty.local.events.AwsEmulator;
import app.loyalty.local.events.EventBus;
import app.loyalty.local.events.Notifications;
import app.loyalty.local.events.SchedulerApi;
import app.loyalty.local.lambda.FunctionHost;
import app.loyalty.local.schedule.ScheduleRunner;
import app.loyalty.local.template.Template;
import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.domain.member.ContactHasher;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.AwsClients;
import app.loyalty.shared.store.TableSchema;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The whole bundle in one JVM: DynamoDB Local, the template's functions, API Gateway in front of them, the
 * table's stream feeding the event relay, EventBridge rules, schedules and a captured SNS.
 * <p>
 * Functions reach the emulators only through the SDK's standard endpoint settings, set here as system
 * properties before any handler exists: aws.endpointUrlDynamoDb (and ...DynamoDbStreams) for DynamoDB Local,
 * aws.endpointUrlEventBridge and aws.endpointUrlSns for this runtime's own AWS endpoint, and aws.endpointUrl
 * (every other service) also there, so a call to anything not emulated fails loudly instead of reaching AWS.
 * The functions' template environment is set as system properties too (Environment reads them), which is why
 * one JVM hosts one runtime at a time.
 */
public final class LocalRuntime implements AutoCloseable {
    private final List<AutoCloseable> resources;
    private final URI url;
    private final URI awsEndpoint;
    private final URI dynamoEndpoint;
    private final String operatorKey;
    private final SettableClock clock;
    private final Template template;
    private final Duration startTime;

    /**
     * {@code dynamoInterceptors} are added to the DynamoDB client the functions share (their AppContext's), after
     * the table exists: empty for bin/local; the reliability tests pass a fault injector here, so handlers meet
     * throttling, 500s and lost answers through the real SDK client, retries included.
     */
    public record Options(String host, int port, Optional<Path> dataDirectory, Path template,
                          Optional<String> operatorKey, String region, List<ExecutionInterceptor> dynamoInterceptors) {
        public Options {
            dynamoInterceptors = List.copyOf(dynamoInterceptors);
        }

        public Options(String host, int port, Optional<Path> dataDirectory, Path template,
                       Optional<String> operatorKey, String region) {
            this(host, port, dataDirectory, template, operatorKey, region, List.of());
        }
    }

    private LocalRuntime(List<AutoCloseable> resources, URI url, URI awsEndpoint, URI dynamoEndpoint, String operatorKey,
                         SettableClock clock, Template template, Duration startTime) {
        this.resources = resources;
        this.url = url;
        this.awsEndpoint = awsEndpoint;
        this.dynamoEndpoint = dynamoEndpoint;
        this.operatorKey = operatorKey;
        this.clock = clock;
        this.template = template;
        this.startTime = startTime;
    }

    public static LocalRuntime start(Options options) {
        long started = System.nanoTime();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Template template = Template.load(options.template(), options.region());
            SettableClock clock = new SettableClock(Clock.systemUTC());
            String operatorKey = options.operatorKey().orElseGet(ApiKeys::generateOperatorKey);

            // The API port first: a taken one (often a bin/local already running) is then reported at once.
            HttpServer apiServer = bindApi(options.host(), options.port());
            resources.add(() -> apiServer.stop(0));
            URI url = URI.create("http://" + options.host() + ":" + apiServer.getAddress().getPort());
            DynamoDbLocal dynamoLocal = DynamoDbLocal.start(options.dataDirectory());
            resources.add(dynamoLocal);
            // Bound now, served later: the functions need its address before they are created, and it needs them.
            HttpServer awsServer = bind(options.host(), 0, "the AWS endpoint");
            resources.add(() -> awsServer.stop(0));
            URI awsEndpoint = URI.create("http://" + options.host() + ":" + awsServer.getAddress().getPort());

            Template.Table table = template.table();
            configureSdk(options.region(), dynamoLocal.endpoint(), awsEndpoint);
            configureFunctions(template, Map.of(
                    "TABLE_NAME", table.name(),
                    ApiKeys.OPERATOR_KEY_SHA256, ApiKeys.hash(operatorKey),
                    // A fixed, documented key: local data is test data (docs/members.md); Lambda takes ContactHashKey.
                    ContactHasher.KEY_SETTING, ContactHasher.TEST_KEY));

            DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder());
            resources.add(dynamo);
            TableDescription description = createTable(dynamo, table);
            DynamoDbClient functionsDynamo = dynamo;
            if (!options.dynamoInterceptors().isEmpty()) {
                functionsDynamo = AwsClients.build(DynamoDbClient.builder().overrideConfiguration(override ->
                        options.dynamoInterceptors().forEach(override::addExecutionInterceptor)));
                resources.add(functionsDynamo);
            }

            FunctionHost functions = FunctionHost.start(template, new AppContext(functionsDynamo, table.name(), clock, Json.MAPPER));
            EventBus bus = new EventBus(template, functions, clock);
            resources.add(bus);
            Notifications notifications = new Notifications(template, clock);
            // Created here (started below) because the emulated Scheduler API adds the one-time schedules it runs.
            ScheduleRunner schedules = new ScheduleRunner(template.schedules(), functions, clock, options.region());
            resources.add(schedules);
            Map<String, String> functionsByArn = new LinkedHashMap<>();
            template.functions().keySet().forEach(id ->
                    template.intrinsics().getAtt(id, "Arn").ifPresent(arn -> functionsByArn.put(arn, id)));
            awsServer.createContext("/", new AwsEmulator(bus, notifications,
                    new SchedulerApi(schedules, functionsByArn, clock, options.region())));
            awsServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            awsServer.start();

            DynamoDbStreamsClient streams = AwsClients.build(DynamoDbStreamsClient.builder());
            resources.add(streams);
            for (Template.StreamSource source : template.streamSources()) {
                if (!source.enabled()) {
                    continue;
                }
                StreamCheckpoint checkpoint = options.dataDirectory()
                        .map(dir -> StreamCheckpoint.inDataDirectory(dir, source.name()))
                        .orElseGet(StreamCheckpoint::inMemory);
                StreamPoller poller = new StreamPoller(streams, description.latestStreamArn(), source,
                        functions.get(source.functionId()), options.region(), checkpoint);
                poller.start();
                resources.add(poller);
            }

            schedules.start();

            ApiGateway gateway = new ApiGateway(template.routes(), functions, clock, options.region());
            apiServer.createContext("/", new LocalServer(gateway, new DevEndpoints(clock, bus, notifications, schedules, template),
                    new DashboardFiles(options.template().toAbsolutePath().getParent().resolve("dashboard").resolve("dist"))));
            apiServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            apiServer.start();

            return new LocalRuntime(List.copyOf(resources), url, awsEndpoint, dynamoLocal.endpoint(), operatorKey, clock,
                    template, Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    private static HttpServer bindApi(String host, int port) {
        try {
            return HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (BindException e) {
            throw new PortTakenException(host, port, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + host + ":" + port + " for the API: " + e.getMessage(), e);
        }
    }

    /** The API port is in use: a user's situation, not a bug, so its message is all that needs saying. */
    public static final class PortTakenException extends RuntimeException {
        PortTakenException(String host, int port, BindException cause) {
            super("Port " + port + " on " + host + " is already in use (another bin/local?): stop that, or pick "
                    + "another port with LOYALTY_PORT=" + (port + 1) + " or --port " + (port + 1) + ".", cause);
        }
    }

    private static HttpServer bind(String host, int port, String purpose) {
        try {
            return HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + host + ":" + port + " for " + purpose + ": " + e.getMessage(), e);
        }
    }

    /**
     * The SDK's standard settings, as system properties (which the SDK reads before environment variables):
     * region, dummy credentials and the endpoints. Service-specific names as SDK 2.40.2's client builders read them.
     */
    private static void configureSdk(String region, URI dynamoEndpoint, URI awsEndpoint) {
        System.setProperty("aws.region", region);
        System.setProperty("AWS_REGION", region); // AwsClients reads it through Environment
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        System.setProperty("aws.endpointUrl", awsEndpoint.toString());
        System.setProperty("aws.endpointUrlDynamoDb", dynamoEndpoint.toString());
        System.setProperty("aws.endpointUrlDynamoDbStreams", dynamoEndpoint.toString());
        System.setProperty("aws.endpointUrlEventBridge", awsEndpoint.toString());
        System.setProperty("aws.endpointUrlSns", awsEndpoint.toString());
    }

    /**
     * Every function's template environment, as system properties. They share one JVM, so a name two functions
     * set differently cannot hold both values: the first function's wins and the clash is reported.
     */
    private static void configureFunctions(Template template, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> setBy = new LinkedHashMap<>();
        for (Template.Function function : template.functions().values()) {
            function.environment().forEach((name, value) -> {
                String previous = values.putIfAbsent(name, value);
                setBy.putIfAbsent(name, function.logicalId());
                if (previous != null && !previous.equals(value) && !overrides.containsKey(name)) {
                    System.err.println("[local] " + name + " differs between " + setBy.get(name) + " (" + previous + ") and "
                            + function.logicalId() + " (" + value + "); all functions see " + previous);
                }
            });
            function.unresolvedVariables().stream().filter(name -> !overrides.containsKey(name)).forEach(name ->
                    System.err.println("[local] " + function.logicalId() + ": environment variable " + name
                            + " cannot be resolved locally and is left unset"));
        }
        // Tells the webhook routes they run locally, where a loopback http:// receiver (a test's) may subscribe.
        values.put("LOYALTY_LOCAL_RUNTIME", "true");
        values.putAll(overrides);
        values.forEach(System::setProperty);
    }

    /** Creates the table from TableSchema (the key schema's one source of truth) unless the data directory has it. */
    private static TableDescription createTable(DynamoDbClient dynamo, Template.Table table) {
        try {
            return dynamo.describeTable(r -> r.tableName(table.name())).table();
        } catch (ResourceNotFoundException absent) {
            dynamo.createTable(TableSchema.createTableRequest(table.name()));
            if (table.properties().path("TimeToLiveSpecification").path("Enabled").asBoolean(false)) {
                // DynamoDB Local records the setting but never deletes expired items; readers check ttl themselves.
                dynamo.updateTimeToLive(r -> r.tableName(table.name()).timeToLiveSpecification(
                        ttl -> ttl.attributeName(TableSchema.TTL).enabled(true)));
            }
            return dynamo.describeTable(r -> r.tableName(table.name())).table();
        }
    }

    public URI url() {
        return url;
    }

    public URI awsEndpoint() {
        return awsEndpoint;
    }

    public URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    public String operatorKey() {
        return operatorKey;
    }

    public SettableClock clock() {
        return clock;
    }

    public Template template() {
        return template;
    }

    public Duration startTime() {
        return startTime;
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    /** Closes in reverse order of opening; every failure is reported, none stops the others from closing. */
    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("[local] closing " + resources.get(i) + " failed");
                e.printStackTrace(System.err);
            }
        }
    }
}
