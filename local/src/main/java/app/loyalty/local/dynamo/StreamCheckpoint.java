package app.loyalty.local.dynamo;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a stream poller got to: the last sequence number it handled in each shard, kept in a file of the data
 * directory, so a runtime restarted on the same table resumes after it instead of relaying the whole stream
 * again (as Lambda's event source mapping keeps its position). Written after each batch: a stop between a
 * batch and its save hands that batch over again, so delivery stays at-least-once.
 * Without a data directory the table lives in memory and so does the position: nothing is written.
 */
public final class StreamCheckpoint {
    private static final String STREAM = "streamArn";
    private static final String SHARD = "shard.";

    private final Optional<Path> file;

    private StreamCheckpoint(Optional<Path> file) {
        this.file = file;
    }

    public static StreamCheckpoint inMemory() {
        return new StreamCheckpoint(Optional.empty());
    }

    /** The position of one event source, in {@code <dataDirectory>/stream-positions/<sourceName>.properties}. */
    public static StreamCheckpoint inDataDirectory(Path dataDirectory, String sourceName) {
        return new StreamCheckpoint(Optional.of(dataDirectory.resolve("stream-positions").resolve(sourceName + ".properties")));
    }

    /** Last handled sequence number per shard; empty when nothing was saved, or saved for another stream. */
    Map<String, String> load(String streamArn) {
        Map<String, String> positions = new LinkedHashMap<>();
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return positions;
        }
        Properties saved = new Properties();
        try (Reader reader = Files.newBufferedReader(file.get())) {
            saved.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the stream position in " + file.get(), e);
        }
        // A table created anew (its data directory emptied) has a new stream: the old positions mean nothing there.
        if (!streamArn.equals(saved.getProperty(STREAM))) {
            return positions;
        }
        for (String name : saved.stringPropertyNames()) {
            if (name.startsWith(SHARD)) {
                positions.put(name.substring(SHARD.length()), saved.getProperty(name));
            }
        }
        return positions;
    }

    /** Replaces the saved position; written to a temporary file first, so a stop mid-write leaves the old one. */
    void save(String streamArn, Map<String, String> lastSequenceByShard) {
        if (file.isEmpty()) {
            return;
        }
        Properties positions = new Properties();
        positions.setProperty(STREAM, streamArn);
        lastSequenceByShard.forEach((shard, sequence) -> positions.setProperty(SHARD + shard, sequence));
        Path target = file.get();
        try {
            Files.createDirectories(target.getParent());
            Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
            try (Writer writer = Files.newBufferedWriter(temporary)) {
                positions.store(writer, "Last stream record handled per shard, by the local runtime's event source mapping");
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the stream position in " + target, e);
        }
    }
}
