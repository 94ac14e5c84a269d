package app.loyalty.shared.testing;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract check can fail: each kind of disagreement with openapi.yaml is reported. */
class ContractValidatorTest {
    private static final ContractValidator CONTRACT = ContractValidator.repositoryContract();
    private static final String CARD = "{\"cardNumber\":\"8000123456789018\",\"memberId\":\"mbr_1\",\"status\":\"active\",\"kind\":\"standard\","
            + "\"issuedAt\":\"2026-11-23T09:30:00Z\"}";
    private static final String NOT_FOUND = "{\"type\":\"https://api.loyalty.example/problems/not-found\","
            + "\"title\":\"Not found\",\"status\":404,\"detail\":\"Card 8000123456789018 not found\"}";

    @Test
    void anExchangeTheContractDescribes_hasNoViolations() {
        assertThat(CONTRACT.violations(get("/v1/cards/8000123456789018", 200, "application/json", CARD))).isEmpty();
        assertThat(CONTRACT.violations(get("/v1/cards/{cardNumber}", 404, "application/problem+json", NOT_FOUND))).isEmpty();
    }

    @Test
    void anUndeclaredStatus_isAViolation() {
        assertThat(CONTRACT.violations(get("/v1/cards/8000123456789018", 418, "application/json", "{}")))
                .singleElement().asString().contains("status 418 is not declared");
    }

    @Test
    void aBodyBreakingItsSchema_orAnUndeclaredMediaType_isAViolation() {
        assertThat(CONTRACT.violations(get("/v1/cards/8000123456789018", 200, "application/json",
                CARD.replace("active", "lost")))).singleElement().asString().contains("enumeration");
        assertThat(CONTRACT.violations(get("/v1/cards/8000123456789018", 404, "application/json", NOT_FOUND)))
                .singleElement().asString().contains("Content-Type 'application/json' is not declared");
        assertThat(CONTRACT.violations(get("/v1/cards/8000123456789018", 404, "application/problem+json",
                NOT_FOUND.replace("not-found", "conflict")))).isNotEmpty();
    }

    @Test
    void anAcceptedRequestTheSchemaRefuses_isAViolation_butARefusedOneIsNot() {
        String both = "{\"cardNumber\":\"8000123456789018\",\"memberId\":\"mbr_1\",\"orderId\":\"o-1\","
                + "\"total\":{\"amount\":100,\"currency\":\"EUR\"}}";
        var accepted = new ContractValidator.Exchange("POST", "/v1/purchases", Map.of(), both, 201, "application/json", "{}");
        assertThat(CONTRACT.violations(accepted)).anySatisfy(v -> assertThat(v).contains("the accepted request body"));

        var refused = new ContractValidator.Exchange("POST", "/v1/purchases", Map.of(), both, 400, "application/problem+json",
                "{\"type\":\"https://api.loyalty.example/problems/validation-failed\",\"title\":\"t\",\"status\":400,\"detail\":\"d\"}");
        assertThat(CONTRACT.violations(refused)).isEmpty();
    }

    @Test
    void anUnknownRoute_isHeldToTheDefaultRoute_andTheGatewaysOwnAnswers() {
        String routeNotFound = "{\"type\":\"https://api.loyalty.example/problems/route-not-found\",\"title\":\"t\","
                + "\"status\":404,\"detail\":\"d\"}";
        assertThat(CONTRACT.violations(get("/v1/nowhere", 404, "application/problem+json", routeNotFound))).isEmpty();
        assertThat(CONTRACT.violations(get("/v1/nowhere", 401, "application/json", "{\"message\":\"Unauthorized\"}"))).isEmpty();
        assertThat(CONTRACT.violations(get("/v1/nowhere", 404, "application/json", "{\"message\":\"Not Found\"}"))).isNotEmpty();
        assertThat(CONTRACT.violations(get("/v1/cards/8000123456789018", 403, "application/json", "{\"message\":\"Nope\"}")))
                .isNotEmpty();
    }

    private static ContractValidator.Exchange get(String path, int status, String contentType, String body) {
        return new ContractValidator.Exchange("GET", path, Map.of(), null, status, contentType, body);
    }
}
