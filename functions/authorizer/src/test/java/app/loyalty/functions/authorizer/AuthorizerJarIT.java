package app.loyalty.functions.authorizer;

import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.testing.DynamoDbJarProbe;
import app.loyalty.shared.testing.SdkJarCheck;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as Lambda loads it, in its own class loader: the handler reads its events with the jar's own
 * {@link LambdaJson}, and that must work on the real authorizer payload with nothing but the jar, joda-time (left
 * out of the jar, and the type of the event's requestContext.time) included. Runs after {@code package}, on
 * target/authorizer.jar.
 */
class AuthorizerJarIT {

    @Test
    void shadedJar_readsTheRealAuthorizerPayload_withoutJodaTime() throws Exception {
        URL jar = Path.of("target", "authorizer.jar").toUri().toURL();
        try (URLClassLoader function = new URLClassLoader(new URL[]{jar}, ClassLoader.getPlatformClassLoader());
             InputStream payload = getClass().getClassLoader().getResourceAsStream("authorizer/request.json")) {
            Class<?> eventType = function.loadClass(APIGatewayV2CustomAuthorizerEvent.class.getName());
            function.loadClass(AuthorizerHandler.class.getName());
            Class<?> json = function.loadClass(LambdaJson.class.getName());

            Object event = json.getMethod("read", InputStream.class, Class.class).invoke(null, payload, eventType);

            assertThat(eventType.getMethod("getIdentitySource").invoke(event))
                    .isEqualTo(List.of("Bearer lk_d6wihNZy9lGHopcIuonGmwKqNaIlaTMLgU4gEe9QLq8"));
            assertThat(function.getResource("org/joda/time/DateTime.class")).isNull();
        }
    }

    /** What functions/unused-sdk-classes.txt left in the jar still serves the DynamoDB calls, within 8 MiB. */
    @Test
    void trimmedJar_callsTheDynamoDbOperations_andEveryServiceClassItKeepsInitializes() throws Exception {
        Path jar = Path.of("target", "authorizer.jar");
        assertThat(Files.size(jar)).as("jar size").isLessThanOrEqualTo(8L * 1024 * 1024);
        assertThat(SdkJarCheck.callDynamoDbThroughJar(jar)).isEqualTo(DynamoDbJarProbe.EXPECTED);
        assertThat(SdkJarCheck.classesThatDoNotInitialize(jar)).isEmpty();
        assertThat(SdkJarCheck.responsesOurCodeNamesButTheJarLacks(jar)).isEmpty();
    }
}
