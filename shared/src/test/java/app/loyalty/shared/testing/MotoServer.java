package app.loyalty.shared.testing;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Python moto in server mode ({@code moto_server}), started by the tests on a free loopback port and destroyed
 * when the JVM exits. Its output goes to target/moto-server.log (or a temp file), which failures quote.
 */
final class MotoServer {
    static final String EXECUTABLE = "moto_server";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    /** A port picked free can be taken before moto binds it; a fresh pick then almost surely works. */
    private static final int PORT_ATTEMPTS = 3;

    record Started(URI endpoint, Duration startup, Path log) {
    }

    private MotoServer() {
    }

    /** moto_server from PATH, if installed. */
    static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, EXECUTABLE);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Started start(Path executable) {
        Path log = logFile();
        String host = InetAddress.getLoopbackAddress().getHostAddress();
        long started = System.nanoTime();
        String lastFailure = "";
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int port = freeLoopbackPort();
            Process process;
            try {
                process = new ProcessBuilder(List.of(executable.toString(), "-H", host, "-p", Integer.toString(port)))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("Could not run " + executable + ": " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> destroy(process), "moto-server-stop"));
            URI endpoint = URI.create("http://" + host + ":" + port);
            if (awaitReady(process, endpoint)) {
                return new Started(endpoint, Duration.ofNanos(System.nanoTime() - started), log);
            }
            if (process.isAlive()) {
                destroy(process);
                throw new IllegalStateException(EXECUTABLE + " did not answer on " + endpoint + " within "
                        + STARTUP_TIMEOUT.toSeconds() + " s; its output is in " + log + ":\n" + tail(log));
            }
            lastFailure = EXECUTABLE + " exited with status " + process.exitValue() + " on port " + port;
        }
        throw new IllegalStateException(lastFailure + " (after " + PORT_ATTEMPTS + " attempts); its output is in "
                + log + ":\n" + tail(log));
    }

    /** True once moto answers HTTP; false if the process exits first or the bounded wait runs out. */
    private static boolean awaitReady(Process process, URI endpoint) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            if (answers(endpoint)) {
                return true;
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + EXECUTABLE, e);
            }
        }
        return false;
    }

    /** Any HTTP status from moto's own API means the server is serving. */
    private static boolean answers(URI endpoint) {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint.resolve("/moto-api/").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            try {
                return connection.getResponseCode() > 0;
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    private static void destroy(Process process) {
        // The PATH entry may be a wrapper (a pyenv shim, a venv script) that forks the Python process.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free loopback port for " + EXECUTABLE, e);
        }
    }

    private static Path logFile() {
        try {
            Path target = Path.of("target");
            return Files.isDirectory(target)
                    ? target.resolve("moto-server.log")
                    : Files.createTempFile("moto-server", ".log");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a log file for " + EXECUTABLE, e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
