package app.loyalty.local;

import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Drives a running local runtime over HTTP, as a developer or a checkout would. Built with a contract, it holds
 * every exchange with the API (not the /_local developer endpoints) to openapi.yaml and fails the calling test at
 * the first exchange the contract does not describe.
 */
final class LocalApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final ContractValidator contract;

    /** Unchecked: for runtimes hosting a test template whose routes openapi.yaml does not describe. */
    LocalApi(URI base) {
        this(base, null);
    }

    LocalApi(URI base, ContractValidator contract) {
        this.base = base;
        this.contract = contract;
    }

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON (" + status + "): " + body, e);
            }
        }
    }

    Response get(String path, String bearerKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (bearerKey != null) {
            request.header("Authorization", "Bearer " + bearerKey);
        }
        return send(request, "GET", path, null);
    }

    /** A DELETE, without a body. */
    Response delete(String path, String bearerKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).DELETE();
        if (bearerKey != null) {
            request.header("Authorization", "Bearer " + bearerKey);
        }
        return send(request, "DELETE", path, null);
    }

    Response post(String path, String bearerKey, String idempotencyKey, String jsonBody) {
        return post(path, bearerKey, idempotencyKey, jsonBody.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A PUT of a JSON body (idempotencyKey null: none), e.g. a program's partner agreement. */
    Response put(String path, String bearerKey, String idempotencyKey, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(jsonBody));
        if (bearerKey != null) {
            request.header("Authorization", "Bearer " + bearerKey);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request, "PUT", path, jsonBody);
    }

    /** A POST of these exact bytes as application/json, for bodies a String cannot hold (bytes that are not UTF-8). */
    Response post(String path, String bearerKey, String idempotencyKey, byte[] jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jsonBody));
        if (bearerKey != null) {
            request.header("Authorization", "Bearer " + bearerKey);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        // The contract check reads the request body only when the server accepted it, and an accepted body is
        // UTF-8; bytes that are not decode lossily here, for a check that then only looks at the refusal.
        return send(request, "POST", path, new String(jsonBody, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A PATCH with a JSON body and an Idempotency-Key, as PATCH /v1/members/{memberId} takes them. */
    Response patch(String path, String bearerKey, String idempotencyKey, String jsonBody) {
        return send("PATCH", path, bearerKey, idempotencyKey, jsonBody);
    }

    /** A request of any method (PUT, PATCH ...) with a JSON body. */
    Response send(String method, String path, String bearerKey, String idempotencyKey, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        if (bearerKey != null) {
            request.header("Authorization", "Bearer " + bearerKey);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request, method, path, jsonBody);
    }

    /** The whole bundle from the repository's template.yaml on a free loopback port, with this operator key. */
    static LocalRuntime startRuntime(String operatorKey) {
        return LocalRuntime.start(new LocalRuntime.Options("127.0.0.1", 0, java.util.Optional.empty(),
                java.nio.file.Path.of("..", "template.yaml").toAbsolutePath().normalize(), java.util.Optional.of(operatorKey),
                "eu-west-1"));
    }

    /** The events recorded at /_local/events. */
    JsonNode events() {
        return get("/_local/events", null).json();
    }

    /** The first recorded event of that detail-type whose detail has field = value, once it is there. */
    JsonNode awaitEvent(String detailType, String field, String value) {
        return await(Duration.ofSeconds(20), () -> {
            for (JsonNode event : events()) {
                if (event.path("detail-type").asText().equals(detailType)
                        && event.path("detail").path(field).asText().equals(value)) {
                    return Optional.of(event);
                }
            }
            return Optional.empty();
        }, detailType + " with " + field + "=" + value + " at /_local/events");
    }

    /**
     * Probes until the probe finds something or the time is up. Events travel asynchronously (stream poll,
     * relay, rule delivery), so a test waits for an outcome, bounded, instead of sleeping a fixed time.
     */
    static <T> T await(Duration timeout, Supplier<Optional<T>> probe, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // between probes, not a synchronisation
        }
    }

    private Response send(HttpRequest.Builder request, String method, String path, String body) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Response answer = new Response(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), response.body());
            if (contract != null && !path.startsWith("/_local/")) {
                String rawPath = URI.create(path).getRawPath();
                ContractChecked.assertHolds(contract, new ContractValidator.Exchange(method, rawPath,
                        Map.of(), body, answer.status(), answer.contentType(), answer.body()));
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
