package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The bounds of a purchase's free-form {@code metadata} (openapi.yaml: PurchaseMetadata). The checkout's own data
 * (its session id, a channel, a gift message) is kept with the order and answered back, never interpreted, and never
 * put in events or logs: it may hold personal data. Bounded so one order stays a small item and one purchase a small
 * transaction. Refusals name the bound, never the content.
 */
final class PurchaseMetadata {
    /** The whole object written as compact UTF-8 JSON, the form it is stored in. */
    static final int MAX_BYTES = 4096;
    /** Keys over all its objects plus items over all its arrays. */
    static final int MAX_MEMBERS = 32;
    /** The metadata object itself is level 1: {"a":{"b":[1]}} is 3 levels deep. */
    static final int MAX_DEPTH = 3;
    static final int MAX_KEY = 64;
    static final int MAX_STRING = 512;

    private PurchaseMetadata() {
    }

    /** The metadata as sent, or null when absent or null; IllegalArgumentException (a 400) beyond the bounds. */
    static JsonNode checked(JsonNode metadata) {
        if (metadata == null || metadata.isNull() || metadata.isMissingNode()) {
            return null;
        }
        if (!metadata.isObject()) {
            throw new IllegalArgumentException("metadata must be a JSON object");
        }
        int members = countMembers(metadata, 1);
        if (members > MAX_MEMBERS) {
            throw new IllegalArgumentException("metadata may hold at most " + MAX_MEMBERS
                    + " keys and array items in all, it holds " + members);
        }
        int bytes;
        try {
            bytes = Json.MAPPER.writeValueAsString(metadata).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metadata that was just parsed cannot be written", e);
        }
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("metadata must be at most " + MAX_BYTES
                    + " bytes written as compact UTF-8 JSON, it is " + bytes);
        }
        return metadata;
    }

    private static int countMembers(JsonNode node, int depth) {
        if (!node.isContainerNode()) {
            if (node.isTextual()) {
                checkText("metadata string values", node.textValue(), MAX_STRING);
            }
            return 0;
        }
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("metadata may nest at most " + MAX_DEPTH
                    + " levels deep (the metadata object is level 1)");
        }
        int members = node.size();
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                checkText("metadata keys", field.getKey(), MAX_KEY);
                if (field.getKey().isEmpty()) {
                    throw new IllegalArgumentException("metadata keys must not be empty");
                }
                members += countMembers(field.getValue(), depth + 1);
            }
        } else {
            for (JsonNode item : node) {
                members += countMembers(item, depth + 1);
            }
        }
        return members;
    }

    /**
     * Free text, kept as sent (not normalized: it is answered back byte for byte), but well-formed: a lone surrogate
     * cannot be stored (DynamoDB's UTF-8 would turn it into "?"). Lengths count code points, as JSON Schema does.
     */
    private static void checkText(String what, String text, int maxCodePoints) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " must be well-formed Unicode (a lone surrogate was sent)");
            }
        }
        if (text.codePointCount(0, text.length()) > maxCodePoints) {
            throw new IllegalArgumentException(what + " must be at most " + maxCodePoints + " characters");
        }
    }
}
