package app.loyalty.shared.testing;

import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.regex.JoniRegularExpressionFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event catalogue as a check: an event's bus detail ({@link Outbox#detail}) must match
 * docs/events/&lt;detail-type&gt;.schema.json, which must exist. Tests call it on every event they made.
 */
public final class EventSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Schema> BY_TYPE = new ConcurrentHashMap<>();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true)
                    .regularExpressionFactory(JoniRegularExpressionFactory.getInstance()).build()));

    private EventSchemas() {
    }

    /** The violations of each event (empty: all match), naming the event and the broken rule. */
    public static List<String> violations(List<DomainEvent> events) {
        List<String> violations = new ArrayList<>();
        for (DomainEvent event : events) {
            Schema schema = BY_TYPE.computeIfAbsent(event.detailType(), EventSchemas::load);
            try {
                for (Error error : schema.validate(JSON.readTree(Outbox.detail(event)))) {
                    violations.add(event.detailType() + ": " + error);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return violations;
    }

    private static Schema load(String detailType) {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null) {
            Path file = directory.resolve("docs/events/" + detailType + ".schema.json");
            if (Files.isRegularFile(file)) {
                try {
                    return REGISTRY.getSchema(Files.readString(file));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            directory = directory.getParent();
        }
        throw new IllegalStateException("No docs/events/" + detailType + ".schema.json: every event needs a schema");
    }
}
