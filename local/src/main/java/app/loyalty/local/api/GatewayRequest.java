package app.loyalty.local.api;

import java.util.List;
import java.util.Map;

/** An HTTP request as it reached the local API: header names as sent, values in arrival order. */
public record GatewayRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                             byte[] body, String sourceIp, String protocol) {
}
