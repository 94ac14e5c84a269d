package app.loyalty.local.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** What goes back on the wire. Multi-valued headers (Set-Cookie) keep every value. */
public record GatewayResponse(int status, Map<String, List<String>> headers, byte[] body) {

    /** API Gateway's own answers ({"message": "Not Found"} and friends), which are not problem+json. */
    public static GatewayResponse gatewayMessage(int status, String message, String requestId) {
        String body = "{\"message\":\"" + message + "\"}";
        return new GatewayResponse(status, Map.of("Content-Type", List.of("application/json"),
                "apigw-requestid", List.of(requestId)), body.getBytes(StandardCharsets.UTF_8));
    }
}
