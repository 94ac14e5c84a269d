package app.loyalty.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A taken API port (usually a bin/local already running) is a user's situation, not a bug: it is reported in one
 * line, before DynamoDB Local or anything else starts, and without a stack trace.
 */
class PortTakenTest {
    private static final Path TEMPLATE = Path.of("..", "template.yaml").toAbsolutePath().normalize();

    @Test
    void start_refusesATakenPort_withOneLineNamingItAndAnotherOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> LocalRuntime.start(new LocalRuntime.Options("127.0.0.1", port, Optional.empty(),
                    TEMPLATE, Optional.empty(), "eu-west-1")))
                    .isInstanceOf(LocalRuntime.PortTakenException.class)
                    .hasMessageContaining("Port " + port + " on 127.0.0.1 is already in use")
                    .hasMessageContaining("LOYALTY_PORT=" + (port + 1))
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void main_saysSoInOneLine_andExitsWithoutAStackTrace() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process main = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "--port", Integer.toString(taken.getLocalPort()), "--template", TEMPLATE.toString()))
                    .redirectErrorStream(true)
                    .start();
            assertThat(main.waitFor(60, TimeUnit.SECONDS)).as("Main exits").isTrue();
            String output = new String(main.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

            assertThat(main.exitValue()).isEqualTo(1);
            assertThat(output).as(output).startsWith("Port " + taken.getLocalPort()).doesNotContain("\n", "Exception");
        }
    }
}
