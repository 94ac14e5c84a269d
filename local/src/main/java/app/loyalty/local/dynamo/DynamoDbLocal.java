package app.loyalty.local.dynamo;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * DynamoDB Local (com.amazonaws:DynamoDBLocal) in this JVM, on a free port: in memory by default, or in a
 * directory (-dbPath) that survives restarts. -sharedDb makes every client see the same tables whatever
 * its credentials and region.
 */
public final class DynamoDbLocal implements AutoCloseable {
    private static final String SQLITE_PATH_PROPERTY = "sqlite4java.library.path";
    /** sqlite4java logs every connection at INFO; held here because JUL keeps loggers only weakly. */
    private static final Logger SQLITE_LOG = Logger.getLogger("com.almworks.sqlite4java");
    /** DynamoDB Local's SDK v1 warns that JAXB is missing and falls back to its own Base64: nothing to act on. */
    private static final Logger SDK_V1_BASE64_LOG = Logger.getLogger("com.amazonaws.util.Base64");

    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private DynamoDbLocal(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    public static DynamoDbLocal start(Optional<Path> dataDirectory) {
        SQLITE_LOG.setLevel(Level.WARNING);
        SDK_V1_BASE64_LOG.setLevel(Level.SEVERE);
        configureNativeLibraries();
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("-port", Integer.toString(port), "-sharedDb", "-disableTelemetry"));
        if (dataDirectory.isPresent()) {
            try {
                Files.createDirectories(dataDirectory.get());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the data directory " + dataDirectory.get(), e);
            }
            args.addAll(List.of("-dbPath", dataDirectory.get().toAbsolutePath().toString()));
        } else {
            args.add("-inMemory");
        }
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
            server.start();
            return new DynamoDbLocal(server, URI.create("http://127.0.0.1:" + port));
        } catch (Exception e) { // ServerRunner and Jetty declare Exception
            throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /**
     * sqlite4java loads its native library from sqlite4java.library.path. The build copies the .so/.dylib/.dll
     * artifacts to target/lib, next to loyalty-local.jar (and next to target/classes when run from the IDE or
     * tests), so a fresh checkout needs nothing installed.
     */
    static void configureNativeLibraries() {
        if (System.getProperty(SQLITE_PATH_PROPERTY) != null) {
            return;
        }
        Path lib = libDirectory();
        try (Stream<Path> files = Files.list(lib)) {
            if (files.noneMatch(file -> file.getFileName().toString().contains("sqlite4java"))) {
                throw new IllegalStateException("No sqlite4java native library in " + lib
                        + "; build with ./mvnw -pl local -am install, or set -D" + SQLITE_PATH_PROPERTY + "=DIR");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + lib + " for sqlite4java's native library", e);
        }
        System.setProperty(SQLITE_PATH_PROPERTY, lib.toString());
    }

    /** target/lib: beside the jar, or beside target/classes. */
    private static Path libDirectory() {
        try {
            Path codeSource = Path.of(DynamoDbLocal.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return codeSource.getParent().resolve("lib");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the local runtime's own code", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for DynamoDB Local", e);
        }
    }

    public static String describe(Optional<Path> dataDirectory) {
        return dataDirectory.map(dir -> "on disk in " + dir.toAbsolutePath() + File.separator).orElse("in memory");
    }
}
