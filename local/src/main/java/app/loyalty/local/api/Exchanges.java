package app.loyalty.local.api;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Reading and answering JDK HttpServer exchanges. */
public final class Exchanges {
    /** API Gateway's payload limit for HTTP APIs. */
    public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

    private Exchanges() {
    }

    /** The request body, or null when it is larger than {@link #MAX_BODY_BYTES}. */
    public static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            return body.length > MAX_BODY_BYTES ? null : body;
        }
    }

    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, Map.of("Content-Type", List.of(contentType)), body.getBytes(StandardCharsets.UTF_8));
    }

    public static void send(HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        headers.forEach((name, values) -> exchange.getResponseHeaders().put(name, List.copyOf(values)));
        boolean empty = body.length == 0 || status == 204 || status == 304 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }
}
