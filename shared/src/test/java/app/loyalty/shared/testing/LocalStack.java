package app.loyalty.shared.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * LocalStack through Testcontainers. The only class that links against Testcontainers, and {@link Emulator} loads
 * it only after checking Testcontainers is there, so modules without it still resolve an emulator (they skip
 * this option and say so).
 */
final class LocalStack {
    /** A pinned community tag: recent {@code latest} images refuse to start without an auth token. */
    static final String IMAGE = "localstack/localstack:3.8";
    /** Docker discovery normally answers in well under a second; a misconfigured DOCKER_HOST must not hang the run. */
    private static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofSeconds(20);

    private LocalStack() {
    }

    /** Whether Testcontainers reaches a Docker engine, asked with a bounded wait. */
    static boolean dockerAvailable() {
        CompletableFuture<Boolean> probe = CompletableFuture.supplyAsync(() -> DockerClientFactory.instance().isDockerAvailable());
        try {
            return probe.get(DOCKER_PROBE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            probe.cancel(true);
            return false;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the container (Testcontainers' Ryuk removes it after the JVM; the hook stops it sooner). */
    static URI start() {
        LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(IMAGE));
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "localstack-stop"));
        return container.getEndpoint();
    }
}
