package app.loyalty.shared.testing;

import app.loyalty.shared.runtime.Environment;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The AWS API emulator integration tests ({@code *IT}) run the real SDK against, resolved once per JVM in the
 * order of DESIGN section 8:
 * <ol>
 *   <li>{@value #ENDPOINT_VARIABLE} (environment variable, or system property of that name), when set: an
 *       emulator someone already runs, used as is;</li>
 *   <li>LocalStack ({@value LocalStack#IMAGE}) through Testcontainers, when a Docker engine is reachable and
 *       Testcontainers is on the test classpath;</li>
 *   <li>{@code moto_server} (Python moto in server mode) from PATH, started on a free loopback port and
 *       destroyed when the JVM exits.</li>
 * </ol>
 * With none of them the first use fails with a message naming all three: integration tests never skip.
 * The choice is printed once per JVM.
 * <pre>{@code
 * DynamoDbClient dynamo = Emulator.dynamoDb();
 * EventBridgeClient events = Emulator.configure(EventBridgeClient.builder()).build();
 * }</pre>
 * Clients get the emulator's endpoint, region eu-west-1, dummy static credentials and the URLConnection client.
 */
public final class Emulator {
    public static final String ENDPOINT_VARIABLE = "LOYALTY_TEST_ENDPOINT";

    /** {@code detail} is for the line printed at resolution: where it came from and how long it took. */
    record Resolved(String name, URI endpoint, String detail) {
    }

    /** One way to get an emulator: either says why it cannot be used here, or starts (or finds) it. */
    interface Candidate {
        Optional<String> unavailableBecause();

        Resolved start();
    }

    private static Resolved resolved;
    private static IllegalStateException failure;
    private static DynamoDbClient dynamoDb;

    private Emulator() {
    }

    /** The emulator's endpoint, resolving (and if need be starting) it on first use. */
    public static URI endpoint() {
        return resolve().endpoint();
    }

    /** What serves {@link #endpoint()}: "LOYALTY_TEST_ENDPOINT", "LocalStack (localstack/localstack:3.8)" or "moto_server". */
    public static String name() {
        return resolve().name();
    }

    /** Points any synchronous AWS client builder at the emulator; call {@code build()} on the result. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder) {
        return LocalClients.configure(builder, endpoint());
    }

    /** The JVM's shared DynamoDB client of the emulator. Shared by all tests: do not close it. */
    public static synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = configure(DynamoDbClient.builder()).build();
        }
        return dynamoDb;
    }

    private static synchronized Resolved resolve() {
        if (resolved != null) {
            return resolved;
        }
        if (failure != null) {
            // Fail every later test with the same message, without retrying a resolution that already failed.
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        try {
            long started = System.nanoTime();
            resolved = firstAvailable(List.of(configuredEndpoint(), localStack(), motoServer()));
            System.out.printf("[loyalty tests] AWS API emulator: %s at %s (%s; resolved in %d ms)%n",
                    resolved.name(), resolved.endpoint(), resolved.detail(), (System.nanoTime() - started) / 1_000_000);
            return resolved;
        } catch (IllegalStateException e) {
            failure = e;
            throw e;
        }
    }

    /** Starts the first candidate that can run here; a candidate that can run but fails to start fails the run. */
    static Resolved firstAvailable(List<Candidate> candidates) {
        List<String> notUsed = new ArrayList<>();
        for (Candidate candidate : candidates) {
            Optional<String> reason = candidate.unavailableBecause();
            if (reason.isEmpty()) {
                Resolved found = candidate.start();
                String skipped = notUsed.isEmpty() ? "" : "; not used: " + String.join("; ", notUsed);
                return new Resolved(found.name(), found.endpoint(), found.detail() + skipped);
            }
            notUsed.add(reason.get());
        }
        throw new IllegalStateException("No AWS API emulator for the integration tests (*IT). Provide one of:\n"
                + "  1. " + ENDPOINT_VARIABLE + "=http://127.0.0.1:4566 (environment variable or -D system property)"
                + " pointing at a running emulator (LocalStack, moto_server, ...);\n"
                + "  2. a Docker engine Testcontainers can reach, to run " + LocalStack.IMAGE + ";\n"
                + "  3. moto_server on PATH (pip install 'moto[server]').\n"
                + "Not used here: " + String.join("; ", notUsed) + ".");
    }

    private static Candidate configuredEndpoint() {
        Optional<String> configured = Environment.optional(ENDPOINT_VARIABLE);
        return new Candidate() {
            @Override
            public Optional<String> unavailableBecause() {
                return configured.isPresent() ? Optional.empty() : Optional.of(ENDPOINT_VARIABLE + " is not set");
            }

            @Override
            public Resolved start() {
                return new Resolved(ENDPOINT_VARIABLE, parseEndpoint(configured.orElseThrow()), "already running");
            }
        };
    }

    private static Candidate localStack() {
        return new Candidate() {
            @Override
            public Optional<String> unavailableBecause() {
                if (!testcontainersPresent()) {
                    return Optional.of("Testcontainers is not on this module's test classpath"
                            + " (add org.testcontainers:testcontainers-localstack with test scope)");
                }
                return LocalStack.dockerAvailable() ? Optional.empty()
                        : Optional.of("Testcontainers reached no Docker engine");
            }

            @Override
            public Resolved start() {
                long started = System.nanoTime();
                URI endpoint = LocalStack.start();
                return new Resolved("LocalStack (" + LocalStack.IMAGE + ")", endpoint,
                        "container started in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            }
        };
    }

    private static Candidate motoServer() {
        Optional<Path> executable = MotoServer.executable();
        return new Candidate() {
            @Override
            public Optional<String> unavailableBecause() {
                return executable.isPresent() ? Optional.empty() : Optional.of(MotoServer.EXECUTABLE + " is not on PATH");
            }

            @Override
            public Resolved start() {
                MotoServer.Started server = MotoServer.start(executable.orElseThrow());
                return new Resolved(MotoServer.EXECUTABLE, server.endpoint(), "started in " + server.startup().toMillis()
                        + " ms from " + executable.get() + ", log " + server.log().toAbsolutePath());
            }
        };
    }

    /**
     * Checked here, not in {@link LocalStack}: that class links against Testcontainers, which modules without it
     * must never load.
     */
    private static boolean testcontainersPresent() {
        try {
            ClassLoader loader = Emulator.class.getClassLoader();
            Class.forName("org.testcontainers.DockerClientFactory", false, loader);
            Class.forName("org.testcontainers.localstack.LocalStackContainer", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static URI parseEndpoint(String value) {
        try {
            URI uri = URI.create(value.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("it needs a scheme and a host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(ENDPOINT_VARIABLE + "='" + value + "' is not an endpoint URL such as"
                    + " http://127.0.0.1:4566: " + e.getMessage(), e);
        }
    }
}
