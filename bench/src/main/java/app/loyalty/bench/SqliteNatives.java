package app.loyalty.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Points sqlite4java (DynamoDB Local's storage) at the native libraries bench/pom.xml copies to target/natives.
 * The shared fixture finds them next to the sqlite4java jar in the local Maven repository, which it cannot do
 * from inside target/benchmarks.jar. An explicit {@code -Dsqlite4java.library.path} always wins.
 */
public final class SqliteNatives {
    private static final String PROPERTY = "sqlite4java.library.path";

    private SqliteNatives() {
    }

    public static synchronized void configure() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        Path natives = besideTheCode().resolve("natives");
        if (!Files.isDirectory(natives)) {
            throw new IllegalStateException("No " + natives + ": build the module (./mvnw -f bench/pom.xml package), "
                    + "which copies sqlite4java's native libraries there, or pass -D" + PROPERTY + "=<dir>");
        }
        System.setProperty(PROPERTY, natives.toAbsolutePath().toString());
    }

    /** bench/target, whether this class runs from target/benchmarks.jar or from target/classes. */
    private static Path besideTheCode() {
        try {
            Path code = Path.of(SqliteNatives.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
