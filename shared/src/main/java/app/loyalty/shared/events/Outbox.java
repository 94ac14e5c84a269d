package app.loyalty.shared.events;

import app.loyalty.shared.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbox encoding: events travel as JSON strings in the {@code outbox} attribute of the append-only item
 * of each transaction, and the relay turns each into one bus entry whose detail is {@link #detail(DomainEvent)}.
 */
public final class Outbox {
    private Outbox() {
    }

    public static List<String> encode(List<DomainEvent> events) {
        return events.stream().map(Outbox::encode).toList();
    }

    public static String encode(DomainEvent event) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("eventId", event.eventId());
        record.put("detailType", event.detailType());
        record.put("occurredAt", event.occurredAt().toString());
        record.put("programId", event.programId());
        record.put("data", event.data());
        return write(record);
    }

    @SuppressWarnings("unchecked")
    public static DomainEvent decode(String encoded) {
        try {
            JsonNode node = Json.MAPPER.readTree(encoded);
            Map<String, Object> data = Json.MAPPER.convertValue(node.get("data"), Map.class);
            return new DomainEvent(node.get("eventId").asText(), node.get("detailType").asText(),
                    Instant.parse(node.get("occurredAt").asText()), node.get("programId").asText(), data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not an outbox record", e);
        }
    }

    /** The bus event's detail: ids first, then the event's own data. */
    public static String detail(DomainEvent event) {
        ObjectNode detail = Json.MAPPER.createObjectNode();
        detail.put("eventId", event.eventId());
        detail.put("occurredAt", event.occurredAt().toString());
        detail.put("programId", event.programId());
        detail.setAll((ObjectNode) Json.MAPPER.valueToTree(event.data()));
        return write(detail);
    }

    private static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
