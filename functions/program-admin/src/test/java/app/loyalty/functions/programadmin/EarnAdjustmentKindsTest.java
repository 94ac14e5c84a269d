package app.loyalty.functions.programadmin;

import app.loyalty.shared.http.Caller;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/** earn.adjustmentKinds through the operator routes (issue 8): defaulted, normalized, validated, held to openapi.yaml. */
class EarnAdjustmentKindsTest {
    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private int keys;

    @BeforeEach
    void setUp() {
        handler = ContractChecked.handler(new ProgramAdminHandler(TestContexts.appContext(clock)));
    }

    @Test
    void newProgram_countsCouponsOnly_andReplacedRulesAnswerTheKindsInTheirOwnOrder() {
        String programId = json(create("{\"name\":\"Coffee Club\",\"currency\":\"EUR\"}")).get("programId").asText();
        assertThat(json(read(programId)).at("/rules/earn/adjustmentKinds").toString()).isEqualTo("[\"coupon\"]");

        APIGatewayV2HTTPResponse replaced = handler.handleRequest(post("PUT /v1/programs/{programId}/rules",
                Map.of("programId", programId), Caller.operator(), null,
                "{\"earn\":{\"adjustmentKinds\":[\"fee\",\"shipping\"]},\"staffEarn\":{\"adjustmentKinds\":[]}}"), null);

        assertThat(replaced.getStatusCode()).as(replaced.getBody()).isEqualTo(200);
        assertThat(json(read(programId)).at("/rules/earn/adjustmentKinds").toString()).isEqualTo("[\"shipping\",\"fee\"]");
        assertThat(json(read(programId)).at("/rules/staffEarn/adjustmentKinds").toString()).isEqualTo("[]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"coupon\",\"coupon\"]", "[\"COUPON\"]", "[\"discount\"]", "[null]", "\"coupon\""})
    void createProgram_is400_forAdjustmentKindsThatAreNotDistinctKinds(String kinds) {
        assertProblem(create("{\"name\":\"Coffee Club\",\"currency\":\"EUR\",\"rules\":{\"earn\":{\"adjustmentKinds\":" + kinds + "}}}"),
                400, "validation-failed");
    }

    private APIGatewayV2HTTPResponse create(String body) {
        return handler.handleRequest(post("POST /v1/programs", Caller.operator(), "kinds-key-" + (++keys) + "-" + System.nanoTime(), body), null);
    }

    private APIGatewayV2HTTPResponse read(String programId) {
        return handler.handleRequest(get("GET /v1/programs/{programId}", Map.of("programId", programId), Map.of(), Caller.operator()), null);
    }
}
