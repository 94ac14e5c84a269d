package app.loyalty.functions.notifications;

import com.fasterxml.jackson.databind.JsonNode;

/** The part of a loyalty event a message needs: its ids, from the event's detail (which holds no personal data). */
record NotificationEvent(String type, String eventId, String occurredAt, String programId, String memberId, JsonNode detail) {

    static NotificationEvent of(String type, JsonNode detail) {
        return new NotificationEvent(type, required(detail, "eventId"), required(detail, "occurredAt"),
                required(detail, "programId"), required(detail, "memberId"), detail);
    }

    private static String required(JsonNode detail, String field) {
        JsonNode value = detail.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("The event's detail has no " + field + ": not a loyalty event");
        }
        return value.asText();
    }
}
