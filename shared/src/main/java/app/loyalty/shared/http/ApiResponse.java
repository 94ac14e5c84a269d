package app.loyalty.shared.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/** Status, JSON body and headers of an answer; the body is already serialized so it can be stored for replays. */
public record ApiResponse(int status, String body, Map<String, String> headers) {

    public static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, write(Json.MAPPER, body), Map.of("Content-Type", "application/json"));
    }

    public static ApiResponse problem(ProblemType type, String detail, String instance, Map<String, Object> extensions) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", type.uri());
        problem.put("title", type.title());
        problem.put("status", type.status());
        problem.put("detail", detail);
        if (instance != null) {
            problem.put("instance", instance);
        }
        problem.putAll(extensions);
        return new ApiResponse(type.status(), write(Json.MAPPER, problem), Map.of("Content-Type", "application/problem+json"));
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new ApiResponse(status, body, Map.copyOf(all));
    }

    private static String write(ObjectMapper mapper, Object body) {
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Response not serializable: " + body.getClass(), e);
        }
    }
}
