package app.loyalty.shared.testing;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.InetAddress;
import java.net.URI;

/**
 * DynamoDB Local (com.amazonaws:DynamoDBLocal) running in this JVM, in memory, on an ephemeral loopback port:
 * started on first use, shared by every test of the JVM, stopped at exit. Fast enough for handler tests
 * ({@code *Test}); integration tests ({@code *IT}) use {@link Emulator} instead.
 * <pre>{@code
 * DynamoDbClient dynamo = DynamoDbLocal.client();
 * String table = TestTables.create(dynamo);        // or TestContexts.appContext(clock) for a handler
 * }</pre>
 * Tests isolate themselves by creating their own table ({@link TestTables}), never by restarting the server.
 * A module using it needs {@code com.amazonaws:DynamoDBLocal} as a test dependency (the function modules have it);
 * the sqlite4java native library is then found in the local Maven repository, no build step needed.
 * <p>
 * DynamoDB Local keeps non-daemon threads, so the server stops from a shutdown hook: surefire, failsafe and IDE
 * runners end their JVMs with System.exit, which runs it; a plain {@code main} using this must do the same.
 */
public final class DynamoDbLocal {
    private static URI endpoint;
    private static DynamoDbClient client;

    private DynamoDbLocal() {
    }

    /** The server's endpoint, http://127.0.0.1:port, starting it on first use. */
    public static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = start();
        }
        return endpoint;
    }

    /**
     * The JVM's shared client of the server (URLConnection HTTP client, dummy credentials, eu-west-1).
     * Shared by all tests: do not close it.
     */
    public static synchronized DynamoDbClient client() {
        if (client == null) {
            client = configure(DynamoDbClient.builder()).build();
        }
        return client;
    }

    /** Points any DynamoDB (or DynamoDB Streams) client builder at the server, configured like {@link #client()}. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder) {
        return LocalClients.configure(builder, endpoint());
    }

    private static URI start() {
        Sqlite4javaNatives.ensureLibraryPath();
        try {
            // Assembled from DynamoDB Local's own handlers instead of ServerRunner, whose Jetty listens on every
            // interface and needs a port chosen up front (racy); this listens on loopback only, on a port the OS
            // picks. Telemetry stays off: ServerRunner is what would configure it.
            LocalDynamoDBRequestHandler requests = new LocalDynamoDBRequestHandler(
                    0, /* inMemory */ true, /* dbPath */ null, /* sharedDb */ true, /* delayTransientStatuses */ false);
            LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(requests, /* cors */ null);
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            String host = InetAddress.getLoopbackAddress().getHostAddress();
            connector.setHost(host);
            connector.setPort(0);
            jetty.addConnector(connector);
            ContextHandler context = new ContextHandler();
            context.setHandler(handler);
            jetty.setHandler(context);
            jetty.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(jetty, handler), "dynamodb-local-stop"));
            return URI.create("http://" + host + ":" + connector.getLocalPort());
        } catch (Exception e) {
            throw new IllegalStateException("Could not start DynamoDB Local in-process: " + e.getMessage(), e);
        }
    }

    private static void stop(Server jetty, LocalDynamoDBServerHandler handler) {
        try {
            jetty.stop();
            handler.close();
        } catch (Exception e) {
            // The JVM is exiting and the database lives in memory: nothing is lost.
        }
    }
}
