package app.loyalty.local;

import app.loyalty.local.api.ApiGateway;
import app.loyalty.local.api.Exchanges;
import app.loyalty.local.api.GatewayRequest;
import app.loyalty.local.api.GatewayResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one port developers use: /_local/* developer endpoints, /dashboard/ the operator page, everything else the HTTP API. */
final class LocalServer implements HttpHandler {
    private final ApiGateway gateway;
    private final DevEndpoints dev;
    private final DashboardFiles dashboard;

    LocalServer(ApiGateway gateway, DevEndpoints dev, DashboardFiles dashboard) {
        this.gateway = gateway;
        this.dev = dev;
        this.dashboard = dashboard;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals("/_local") || path.startsWith("/_local/")) {
                dev.handle(exchange);
                return;
            }
            if (DashboardFiles.handles(path)) {
                dashboard.handle(exchange);
                return;
            }
            byte[] body = Exchanges.body(exchange);
            if (body == null) {
                GatewayResponse tooLarge = GatewayResponse.gatewayMessage(413, "Request Entity Too Large", "local");
                Exchanges.send(exchange, tooLarge.status(), tooLarge.headers(), tooLarge.body());
                return;
            }
            Map<String, List<String>> headers = new LinkedHashMap<>(exchange.getRequestHeaders());
            GatewayResponse response = gateway.handle(new GatewayRequest(exchange.getRequestMethod(), path,
                    exchange.getRequestURI().getRawQuery(), headers, body,
                    exchange.getRemoteAddress().getAddress().getHostAddress(), exchange.getProtocol()));
            Exchanges.send(exchange, response.status(), response.headers(), response.body());
        } catch (IOException | RuntimeException e) {
            System.err.println("[local] " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " failed");
            e.printStackTrace(System.err);
            Exchanges.send(exchange, 500, "application/json", "{\"message\":\"Internal Server Error\"}");
        }
    }
}
