package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.notify.NotificationSettings;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.testing.DynamoDbJarProbe;
import app.loyalty.shared.testing.SdkJarCheck;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as Lambda loads it, in its own class loader: both handlers load, and the settings the API takes
 * (records read by Jackson's reflection, which minimizeJar cannot see) parse with the jar's classes alone.
 * Runs after {@code package}, on target/notifications.jar.
 */
class NotificationsJarIT {
    private static final Path JAR = Path.of("target", "notifications.jar");

    @Test
    void shadedJar_loadsBothHandlers_andParsesSettings_withinItsSizeBound() throws Exception {
        // Within the design's 8 MiB since functions/unused-sdk-classes.txt drops the SDK classes of operations no
        // function calls (9.9 MB before: the SNS and Scheduler clients on top of DynamoDB's).
        assertThat(Files.size(JAR)).as("jar size").isLessThanOrEqualTo(8L * 1024 * 1024);
        try (URLClassLoader function = new URLClassLoader(new URL[]{JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            function.loadClass(NotificationsHandler.class.getName());
            function.loadClass(NotificationsApiHandler.class.getName());
            Class<?> settings = function.loadClass(NotificationSettings.class.getName());
            Object mapper = function.loadClass(Json.class.getName()).getField("MAPPER").get(null);

            Object parsed = mapper.getClass().getMethod("readValue", String.class, Class.class).invoke(mapper, """
                    {"timeZone":"Europe/Chisinau","quietHours":{"start":"21:00","end":"09:00"},"channels":{"PointsAccrued":["sms"]},
                     "templates":{"PointsAccrued":{"ru":{"subject":"Баллы","body":"+{points}"}}}}""", settings);

            assertThat(settings.getMethod("timeZone").invoke(parsed)).isEqualTo("Europe/Chisinau");
        }
    }

    @Test
    void trimmedJar_callsSnsSchedulerAndDynamoDb_andEveryServiceClassItKeepsInitializes() throws Exception {
        URL probes = getClass().getProtectionDomain().getCodeSource().getLocation();
        assertThat(SdkJarCheck.callThroughJar(JAR, probes, "app.loyalty.functions.notifications.NotificationsSdkJarProbe",
                NotificationsSdkJarProbe::answer)).isEqualTo(NotificationsSdkJarProbe.EXPECTED);
        assertThat(SdkJarCheck.callDynamoDbThroughJar(JAR)).isEqualTo(DynamoDbJarProbe.EXPECTED);
        assertThat(SdkJarCheck.classesThatDoNotInitialize(JAR)).isEmpty();
        assertThat(SdkJarCheck.responsesOurCodeNamesButTheJarLacks(JAR)).isEmpty();
    }
}
