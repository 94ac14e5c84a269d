package app.loyalty.bench.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * EventBridge's PutEvents (JSON 1.1) on loopback, for the event relay: accepts every entry whose detail is a JSON
 * object, refuses the others one by one with EventBridge's MalformedDetail (the relay's priming sends only such
 * entries), and answers a call with no entries with EventBridge's ValidationException. Counts calls and the entries
 * accepted, i.e. the events published.
 */
final class FakeEventBridge implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong entries = new AtomicLong();

    FakeEventBridge() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "fake-eventbridge");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long calls() {
        return calls.get();
    }

    long entries() {
        return entries.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            if (!"AWSEvents.PutEvents".equals(target)) {
                reply(exchange, 400, "{\"__type\":\"UnknownOperationException\"}");
                return;
            }
            calls.incrementAndGet();
            int count = request.path("Entries").size();
            if (count == 0) {
                reply(exchange, 400, "{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: "
                        + "Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1\"}");
                return;
            }
            StringBuilder answer = new StringBuilder();
            int failed = 0;
            for (JsonNode entry : request.path("Entries")) {
                answer.append(answer.isEmpty() ? "" : ",");
                if (isJsonObject(entry.path("Detail").asText())) {
                    entries.incrementAndGet();
                    answer.append("{\"EventId\":\"").append(UUID.randomUUID()).append("\"}");
                } else {
                    failed++;
                    answer.append("{\"ErrorCode\":\"MalformedDetail\",\"ErrorMessage\":\"Detail is malformed.\"}");
                }
            }
            answer.insert(0, "{\"FailedEntryCount\":" + failed + ",\"Entries\":[").append("]}");
            reply(exchange, 200, answer.toString());
        }
    }

    private static boolean isJsonObject(String detail) {
        try {
            return JSON.readTree(detail).isObject();
        } catch (IOException malformed) {
            return false;
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
