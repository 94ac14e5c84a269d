package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/** What purchases and returns both need to answer: events, stored answers and content fingerprints. */
final class Answers {
    private Answers() {
    }

    static DomainEvent event(String type, Instant at, String programId, Map<String, Object> data) {
        return new DomainEvent(UUID.randomUUID().toString(), type, at, programId, data);
    }

    static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An answer stored on a marker, given again for the same order or return sent under another key: 200. */
    static ApiResponse original(String storedJson) {
        return new ApiResponse(200, storedJson, Map.of("Content-Type", "application/json"));
    }

    /** Fingerprint of a request's content as sent (records serialize in declaration order, nulls left out). */
    static String hash(Object body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(write(body).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
