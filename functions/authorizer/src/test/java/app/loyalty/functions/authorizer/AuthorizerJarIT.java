package app.loyalty.functions.authorizer;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
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
 * from the function's jar. Runs after {@code package}, on target/authorizer.jar.
 */
class AuthorizerJarIT {

    @Test
    void shadedJar_letsTheLambdaRuntimeDeserializeTheRealAuthorizerPayload() throws Exception {
        URL jar = Path.of("target", "authorizer.jar").toUri().toURL();
        try (URLClassLoader function = new URLClassLoader(new URL[]{jar}, ClassLoader.getPlatformClassLoader());
             InputStream payload = getClass().getClassLoader().getResourceAsStream("authorizer/request.json")) {
            Class<?> eventType = function.loadClass(APIGatewayV2CustomAuthorizerEvent.class.getName());
            function.loadClass(AuthorizerHandler.class.getName());

            Object event = LambdaEventSerializers.serializerFor(eventType, function).fromJson(payload);

            assertThat(eventType.getMethod("getIdentitySource").invoke(event))
                    .isEqualTo(List.of("Bearer lk_d6wihNZy9lGHopcIuonGmwKqNaIlaTMLgU4gEe9QLq8"));
        }
    }
}
