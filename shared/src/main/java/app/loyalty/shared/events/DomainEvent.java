package app.loyalty.shared.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An event for the bus (source {@value #SOURCE}). Carries ids and amounts, never PII. The event id is fixed
 * when the state change is written, so every redelivery carries the same id and consumers can deduplicate.
 * docs/events.md catalogues the detail types with a JSON Schema each.
 */
public record DomainEvent(String eventId, String detailType, Instant occurredAt, String programId, Map<String, Object> data) {
    public static final String SOURCE = "loyalty";

    public DomainEvent {
        Objects.requireNonNull(eventId);
        Objects.requireNonNull(detailType);
        Objects.requireNonNull(occurredAt);
        Objects.requireNonNull(programId);
        data = Map.copyOf(data);
    }
}
