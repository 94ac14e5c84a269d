package app.loyalty.shared.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ApiFunctionTest {
    private static final String PII_BODY = "{\"name\":\"Ada Lovelace\",\"phone\":\"+447700900123\"}";

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final ApiFunction function = new ApiFunction(Map.of(
            "POST /v1/echo", Route.merchant(request -> ApiResponse.json(201, Map.of("ok", true))),
            "POST /v1/boom", Route.merchant(request -> {
                throw new IllegalStateException("store unreachable");
            }),
            "POST /v1/refuse", Route.merchant(request -> {
                throw ApiException.validation("amount must be positive");
            }),
            "GET /v1/admin", Route.operator(request -> ApiResponse.json(200, Map.of())),
            ApiFunction.DEFAULT_ROUTE_KEY, ApiFunction.routeNotFound()),
            new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8))) {
    };
    private final Caller merchant = Caller.merchant("mch_a", "prg_a");

    @Test
    void handleRequest_logsOneJsonLinePerRequest_withIdsAndWithoutBodyOrPii() throws Exception {
        var event = TestRequests.post("POST /v1/echo", merchant, "key-000001", PII_BODY);

        APIGatewayV2HTTPResponse response = function.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        List<String> lines = logLines();
        assertThat(lines).hasSize(1);
        JsonNode line = Json.MAPPER.readTree(lines.getFirst());
        assertThat(line.get("requestId").asText()).isEqualTo(event.getRequestContext().getRequestId());
        assertThat(line.get("route").asText()).isEqualTo("POST /v1/echo");
        assertThat(line.get("principal").asText()).isEqualTo("mch_a");
        assertThat(line.get("status").asInt()).isEqualTo(201);
        assertThat(line.has("latencyMs")).isTrue();
        assertThat(lines.getFirst()).doesNotContain("Ada", "+447700900123", "key-000001");
    }

    @Test
    void handleRequest_answers500ProblemWithRequestId_andLogsTheErrorOnce_whenUnexpectedExceptionEscapes() throws Exception {
        var event = TestRequests.post("POST /v1/boom", merchant, "key-000002", "{}");

        APIGatewayV2HTTPResponse response = function.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
        JsonNode problem = Json.MAPPER.readTree(response.getBody());
        assertThat(problem.get("type").asText()).isEqualTo(ProblemType.INTERNAL.uri());
        assertThat(problem.get("instance").asText()).isEqualTo(event.getRequestContext().getRequestId());
        assertThat(response.getBody()).doesNotContain("store unreachable");
        List<String> lines = logLines();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).contains("\"level\":\"ERROR\"", "store unreachable", event.getRequestContext().getRequestId());
    }

    @Test
    void handleRequest_rendersApiExceptionAsProblemJson_withoutErrorLog() throws Exception {
        APIGatewayV2HTTPResponse response = function.handleRequest(TestRequests.post("POST /v1/refuse", merchant, "key-000003", "{}"), null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        JsonNode problem = Json.MAPPER.readTree(response.getBody());
        assertThat(problem.get("type").asText()).isEqualTo(ProblemType.VALIDATION.uri());
        assertThat(problem.get("detail").asText()).isEqualTo("amount must be positive");
        assertThat(logLines().getFirst()).contains("\"level\":\"INFO\"");
    }

    @Test
    void handleRequest_is401_whenNoAuthorizerContext_and403_forWrongRole_and404_forUnknownRoute() throws Exception {
        assertThat(function.handleRequest(TestRequests.post("POST /v1/echo", null, "key-000004", "{}"), null).getStatusCode()).isEqualTo(401);
        assertThat(function.handleRequest(TestRequests.get("GET /v1/admin", Map.of(), Map.of(), merchant), null).getStatusCode()).isEqualTo(403);
        APIGatewayV2HTTPResponse unknown = function.handleRequest(TestRequests.get("GET /v1/nothing", Map.of(), Map.of(), merchant), null);
        assertThat(Json.MAPPER.readTree(unknown.getBody()).get("type").asText()).isEqualTo(ProblemType.ROUTE_NOT_FOUND.uri());
    }

    @Test
    void defaultRoute_answersRouteNotFoundProblem_namingMethodAndPath_forEitherRole() throws Exception {
        for (Caller caller : List.of(merchant, Caller.operator())) {
            APIGatewayV2HTTPResponse response = function.handleRequest(TestRequests.unmatched("DELETE", "/v1/nowhere", caller), null);

            TestResponses.assertProblem(response, 404, "route-not-found");
            assertThat(Json.MAPPER.readTree(response.getBody()).get("detail").asText()).contains("DELETE /v1/nowhere");
        }
    }

    private List<String> logLines() {
        return logged.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
