package app.loyalty.shared.http;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON line per request: request id, route, merchant, status, latency. Never PII: only ids and the
 * route key go in, never bodies, headers or path values other than the route template.
 */
public final class RequestLog {
    public static final RequestLog STDOUT = new RequestLog(System.out);

    private final PrintStream out;

    public RequestLog(PrintStream out) {
        this.out = out;
    }

    void request(ApiRequest request, int status, long latencyMs, Throwable unexpected) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", unexpected == null ? "INFO" : "ERROR");
        line.put("requestId", request.requestId());
        line.put("route", request.routeKey());
        line.put("principal", request.caller() == null ? null : request.caller().principal());
        line.put("status", status);
        line.put("latencyMs", latencyMs);
        if (unexpected != null) {
            // The exception and stack carry class names and ids; request bodies never reach exception messages.
            line.put("error", unexpected.getClass().getName());
            line.put("message", unexpected.getMessage());
            StringWriter stack = new StringWriter();
            unexpected.printStackTrace(new PrintWriter(stack));
            line.put("stack", stack.toString());
        }
        write(line);
    }

    public void write(Map<String, Object> line) {
        try {
            out.println(Json.MAPPER.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Log line not serializable", e);
        }
    }
}
