package app.loyalty.local.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings and figures of one reliability run, shared by the fault, history, fuzz and sweep tests.
 * <p>
 * Settings come from system properties so that one seed reproduces a failure and one switch turns the quick form
 * (run by {@code bin/test}) into the soak ({@code bin/soak}):
 * {@code reliability.seed} (default {@value #DEFAULT_SEED}) and {@code reliability.scale} ({@code quick}, the
 * default, or {@code soak}, which multiplies every test's operation count by {@value #SOAK_FACTOR}).
 * <p>
 * Each test records its figures under its own name; they are written to
 * {@code local/target/reliability/<name>.json} and printed in one line, so docs/reliability.md can report the
 * figures of one run and a reader can compare a rerun with another seed.
 */
public final class ReliabilityRun {
    public static final long DEFAULT_SEED = 20261203L;
    public static final int SOAK_FACTOR = 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReliabilityRun() {
    }

    /** The run's seed; a test derives its own random sources from it (e.g. {@code new Random(seed() ^ salt)}). */
    public static long seed() {
        return Long.getLong("reliability.seed", DEFAULT_SEED);
    }

    /** True when the soak was asked for. */
    public static boolean soak() {
        return "soak".equals(System.getProperty("reliability.scale", "quick").toLowerCase(Locale.ROOT));
    }

    /** A test's operation count: its quick figure, or that times {@value #SOAK_FACTOR} in the soak. */
    public static int operations(int quick) {
        return soak() ? quick * SOAK_FACTOR : quick;
    }

    /** Figures of one test, kept in insertion order of their names (counts, never timings). */
    public static final class Figures {
        private final String name;
        private final Map<String, Object> values = new TreeMap<>();

        private Figures(String name) {
            this.name = name;
        }

        public synchronized Figures add(String figure, long amount) {
            values.merge(figure, amount, (a, b) -> ((Number) a).longValue() + ((Number) b).longValue());
            return this;
        }

        public synchronized Figures set(String figure, Object value) {
            values.put(figure, value);
            return this;
        }

        public synchronized long get(String figure) {
            Object value = values.get(figure);
            return value instanceof Number number ? number.longValue() : 0;
        }

        /** Writes local/target/reliability/&lt;name&gt;.json and prints the figures in one line. */
        public synchronized void write() {
            Map<String, Object> document = new TreeMap<>(values);
            document.put("seed", seed());
            document.put("scale", soak() ? "soak" : "quick");
            try {
                Path directory = Path.of("target", "reliability");
                Files.createDirectories(directory);
                JSON.writeValue(directory.resolve(name + ".json").toFile(), document);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the reliability figures of " + name, e);
            }
            System.out.println("reliability " + name + " " + document);
        }
    }

    public static Figures figures(String name) {
        return new Figures(name);
    }
}
