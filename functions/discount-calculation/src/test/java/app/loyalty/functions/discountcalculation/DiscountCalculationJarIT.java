package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.testing.DynamoDbJarProbe;
import app.loyalty.shared.testing.SdkJarCheck;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as Lambda loads it, in its own class loader: the handler class loads and the jar's own
 * {@link LambdaJson} reads the real API Gateway payload of a hold, with nothing but the jar (joda-time left out).
 * Runs after {@code package}, on target/discount-calculation.jar.
 */
class DiscountCalculationJarIT {

    @Test
    void shadedJar_readsTheRealHoldPayload_withoutJodaTime() throws Exception {
        URL jar = Path.of("target", "discount-calculation.jar").toUri().toURL();
        try (URLClassLoader function = new URLClassLoader(new URL[]{jar}, ClassLoader.getPlatformClassLoader());
             InputStream payload = getClass().getClassLoader().getResourceAsStream("api/hold-points.json")) {
            Class<?> eventType = function.loadClass(APIGatewayV2HTTPEvent.class.getName());
            function.loadClass(DiscountCalculationHandler.class.getName());
            Class<?> json = function.loadClass(LambdaJson.class.getName());

            Object event = json.getMethod("read", InputStream.class, Class.class).invoke(null, payload, eventType);

            assertThat(eventType.getMethod("getRouteKey").invoke(event)).isEqualTo("POST /v1/redemptions");
            assertThat(function.getResource("org/joda/time/DateTime.class")).isNull();
        }
    }

    /** What functions/unused-sdk-classes.txt left in the jar still serves the DynamoDB calls, within 8 MiB. */
    @Test
    void trimmedJar_callsTheDynamoDbOperations_andEveryServiceClassItKeepsInitializes() throws Exception {
        Path jar = Path.of("target", "discount-calculation.jar");
        assertThat(Files.size(jar)).as("jar size").isLessThanOrEqualTo(8L * 1024 * 1024);
        assertThat(SdkJarCheck.callDynamoDbThroughJar(jar)).isEqualTo(DynamoDbJarProbe.EXPECTED);
        assertThat(SdkJarCheck.classesThatDoNotInitialize(jar)).isEmpty();
        assertThat(SdkJarCheck.responsesOurCodeNamesButTheJarLacks(jar)).isEmpty();
    }
}
