package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.testing.DynamoDbJarProbe;
import app.loyalty.shared.testing.SdkJarCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar, after functions/unused-sdk-classes.txt took out the SDK classes of operations no function calls:
 * within 8 MiB, and what is left serves the DynamoDB calls (each operation and the errors the code reads, through the
 * jar's own classes) and initializes. Runs after {@code package}, on target/purchase-accrual.jar.
 */
class PurchaseAccrualJarIT {
    private static final Path JAR = Path.of("target", "purchase-accrual.jar");

    @Test
    void trimmedJar_callsTheDynamoDbOperations_andEveryServiceClassItKeepsInitializes() throws Exception {
        assertThat(Files.size(JAR)).as("jar size").isLessThanOrEqualTo(8L * 1024 * 1024);
        assertThat(SdkJarCheck.callDynamoDbThroughJar(JAR)).isEqualTo(DynamoDbJarProbe.EXPECTED);
        assertThat(SdkJarCheck.classesThatDoNotInitialize(JAR)).isEmpty();
        assertThat(SdkJarCheck.responsesOurCodeNamesButTheJarLacks(JAR)).isEmpty();
    }
}
