package app.loyalty.functions.eventrelay;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import app.loyalty.shared.runtime.LambdaJson;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as Lambda loads it, in its own class loader: the handler reads its events with the jar's own
 * {@link LambdaJson}, and that must work on the real stream payload with nothing but the jar, joda-time (left out
 * of the jar) included. Runs after {@code package}, on target/event-relay.jar.
 */
class EventRelayJarIT {

    @Test
    void shadedJar_readsTheRealStreamPayload_withoutJodaTime() throws Exception {
        URL jar = Path.of("target", "event-relay.jar").toUri().toURL();
        try (URLClassLoader function = new URLClassLoader(new URL[]{jar}, ClassLoader.getPlatformClassLoader());
             InputStream payload = getClass().getClassLoader().getResourceAsStream("dynamodb/outbox-insert.json")) {
            Class<?> eventType = function.loadClass(DynamodbEvent.class.getName());
            function.loadClass(EventRelayHandler.class.getName());
            Class<?> json = function.loadClass(LambdaJson.class.getName());

            Object event = json.getMethod("read", InputStream.class, Class.class).invoke(null, payload, eventType);

            assertThat((List<?>) eventType.getMethod("getRecords").invoke(event)).hasSize(5);
            assertThat(function.getResource("org/joda/time/DateTime.class")).isNull();
        }
    }
}
