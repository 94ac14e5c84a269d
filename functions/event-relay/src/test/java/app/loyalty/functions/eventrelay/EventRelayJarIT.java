package app.loyalty.functions.eventrelay;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as Lambda loads it: its own class loader, and the runtime's event deserializer (the same
 * aws-lambda-java-serialization the tests' {@code @Event} uses), which resolves types such as Joda's DateTime
 * from the function's jar. Runs after {@code package}, on target/event-relay.jar.
 */
class EventRelayJarIT {

    @Test
    void shadedJar_letsTheLambdaRuntimeDeserializeTheRealStreamPayload() throws Exception {
        URL jar = Path.of("target", "event-relay.jar").toUri().toURL();
        try (URLClassLoader function = new URLClassLoader(new URL[]{jar}, ClassLoader.getPlatformClassLoader());
             InputStream payload = getClass().getClassLoader().getResourceAsStream("dynamodb/outbox-insert.json")) {
            Class<?> eventType = function.loadClass(DynamodbEvent.class.getName());
            function.loadClass(EventRelayHandler.class.getName());

            Object event = LambdaEventSerializers.serializerFor(eventType, function).fromJson(payload);

            assertThat((List<?>) eventType.getMethod("getRecords").invoke(event)).hasSize(5);
        }
    }
}
