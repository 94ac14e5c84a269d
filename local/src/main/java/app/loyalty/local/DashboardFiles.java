package app.loyalty.local;

import app.loyalty.local.api.Exchanges;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serves the operator dashboard's built files ({@code dashboard/dist}, next to template.yaml) at {@code /dashboard/},
 * as CloudFront serves them from the bucket in AWS. The page calls the API on the same origin ({@code /v1/...}).
 * Only GET and HEAD of files inside the directory; a missing build answers 404 with the command that makes it.
 */
final class DashboardFiles {
    static final String PREFIX = "/dashboard";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "json", "application/json", "svg", "image/svg+xml", "png", "image/png",
            "ico", "image/x-icon", "map", "application/json");

    private final Path root;

    DashboardFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    static boolean handles(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            Exchanges.send(exchange, 405, Map.of("Allow", List.of("GET, HEAD"), "Content-Type", List.of("text/plain")),
                    "GET or HEAD only\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.equals(PREFIX)) {
            Exchanges.send(exchange, 308, Map.of("Location", List.of(PREFIX + "/")), new byte[0]);
            return;
        }
        String relative = path.substring(PREFIX.length() + 1);
        Path file = root.resolve(relative.isEmpty() ? "index.html" : relative).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            String hint = Files.isDirectory(root) ? "No such file: " + path + "\n"
                    : "The dashboard is not built (" + root + " is missing): run `npm ci && npm run build` in dashboard/\n";
            Exchanges.send(exchange, 404, Map.of("Content-Type", List.of("text/plain; charset=utf-8")),
                    hint.getBytes(StandardCharsets.UTF_8));
            return;
        }
        String name = file.getFileName().toString();
        String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        byte[] body = method.equals("HEAD") ? new byte[0] : Files.readAllBytes(file);
        Exchanges.send(exchange, 200, Map.of("Content-Type", List.of(TYPES.getOrDefault(extension, "application/octet-stream")),
                "Cache-Control", List.of("no-cache")), body);
    }
}
