package app.loyalty.shared.runtime;

import java.util.Optional;

/**
 * Reads a function's configuration. Lambda supplies it as environment variables; the local runtime hosts
 * every function in one JVM and cannot set environment variables, so it supplies the same names as system
 * properties. Environment variables win.
 */
public final class Environment {
    private Environment() {
    }

    public static Optional<String> optional(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(name);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public static String require(String name) {
        return optional(name).orElseThrow(() -> new IllegalStateException(
                "Missing configuration " + name + ": set it as an environment variable (template.yaml does on Lambda)"));
    }
}
