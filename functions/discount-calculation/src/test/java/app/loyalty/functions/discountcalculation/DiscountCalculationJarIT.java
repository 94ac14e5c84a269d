package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.runtime.LambdaJson;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
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
}
