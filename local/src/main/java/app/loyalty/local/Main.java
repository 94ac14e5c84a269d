package app.loyalty.local;

import app.loyalty.local.dynamo.DynamoDbLocal;
import app.loyalty.local.template.Template;
import app.loyalty.shared.runtime.Environment;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code java -jar local/target/loyalty-local.jar [--port N] [--host H] [--data-dir DIR] [--template FILE]}
 * (bin/local builds and runs it). Environment: LOYALTY_PORT (default 3000), LOYALTY_HOST (default 127.0.0.1),
 * LOYALTY_DATA_DIR (keep the table on disk; in memory when unset), LOYALTY_TEMPLATE (default: template.yaml in
 * the working directory or a parent), LOYALTY_OPERATOR_KEY (else one is generated and printed), AWS_REGION.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LocalRuntime.Options options;
        try {
            options = options(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("Usage: java -jar local/target/loyalty-local.jar [--port N] [--host H] [--data-dir DIR] [--template FILE]");
            System.exit(2);
            return;
        }
        LocalRuntime runtime;
        try {
            runtime = LocalRuntime.start(options);
        } catch (LocalRuntime.PortTakenException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException | LinkageError e) {
            // DynamoDB Local's threads would keep a half-started JVM alive: report and leave.
            System.err.println("The local runtime did not start: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "local-shutdown"));
        printBanner(runtime, options);
    }

    static LocalRuntime.Options options(String[] args) {
        Optional<String> port = Environment.optional("LOYALTY_PORT");
        Optional<String> host = Environment.optional("LOYALTY_HOST");
        Optional<String> dataDirectory = Environment.optional("LOYALTY_DATA_DIR");
        Optional<String> template = Environment.optional("LOYALTY_TEMPLATE");
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException("The loyalty platform on this machine: HTTP API, DynamoDB Local, events, schedules.");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Missing value after " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--port" -> port = Optional.of(value);
                case "--host" -> host = Optional.of(value);
                case "--data-dir" -> dataDirectory = Optional.of(value);
                case "--template" -> template = Optional.of(value);
                default -> throw new IllegalArgumentException("Unknown option " + flag);
            }
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port.orElse("3000"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("The port must be a number, not " + port.get());
        }
        return new LocalRuntime.Options(host.orElse("127.0.0.1"), portNumber, dataDirectory.map(Path::of),
                template.map(Path::of).orElseGet(Main::findTemplate),
                Environment.optional("LOYALTY_OPERATOR_KEY"),
                Environment.optional("AWS_REGION").orElse("eu-west-1"));
    }

    /** template.yaml in the working directory or the nearest parent (bin/local runs from the repository root). */
    private static Path findTemplate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("No template.yaml here or in a parent directory; pass --template FILE");
    }

    /** The key as one shell word: generated keys need no quotes, a chosen one may. */
    static String shellQuoted(String value) {
        return value.matches("[A-Za-z0-9_.,:/@%+=-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    private static void printBanner(LocalRuntime runtime, LocalRuntime.Options options) {
        double startSeconds = runtime.startTime().toMillis() / 1000.0;
        double jvmSeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nLoyalty local runtime ready in %.1f s (JVM start to ready %.1f s)%n",
                startSeconds, jvmSeconds));
        out.append("  API            ").append(runtime.url()).append('\n');
        out.append("  Operator key   ").append(runtime.operatorKey())
                .append(options.operatorKey().isPresent() ? "  (from LOYALTY_OPERATOR_KEY)" : "  (generated; set LOYALTY_OPERATOR_KEY to keep one)")
                .append('\n');
        out.append("  Paste this where you run curl:  export LOYALTY_OPERATOR_KEY=")
                .append(shellQuoted(runtime.operatorKey())).append('\n');
        out.append("  Template       ").append(options.template()).append('\n');
        out.append("  DynamoDB Local ").append(runtime.dynamoEndpoint()).append(", ")
                .append(DynamoDbLocal.describe(options.dataDirectory())).append(", table ")
                .append(runtime.template().table().name()).append('\n');
        out.append("  AWS endpoint   ").append(runtime.awsEndpoint()).append("  (EventBridge PutEvents, SNS Publish)\n");
        out.append("  Routes\n");
        for (Template.Route route : runtime.template().routes()) {
            out.append(String.format(Locale.ROOT, "    %-40s -> %s%n", route.routeKey(), route.functionId()));
        }
        out.append("  Developer      GET /_local/events, GET /_local/notifications, GET|POST /_local/clock,\n")
                .append("                 GET /_local/schedules, POST /_local/schedules/{name}, GET /_local/routes\n");
        out.append("  Try            curl -s -X POST ").append(runtime.url()).append("/v1/programs -H 'Authorization: Bearer ")
                .append(runtime.operatorKey()).append("' -H 'Idempotency-Key: first-program-1' -H 'Content-Type: application/json'")
                .append(" -d '{\"name\":\"Coffee Club\",\"currency\":\"EUR\"}'\n");
        System.out.println(out);
    }
}
