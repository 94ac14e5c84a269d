package app.loyalty.functions.programadmin;

import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.SettlementItems;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

import java.util.Map;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/** PUT and GET /v1/programs/{programId}/agreement (docs/settlement.md), held to openapi.yaml. */
class AgreementRoutesTest {
    private static final String PUT = "PUT /v1/programs/{programId}/agreement";
    private static final String GET = "GET /v1/programs/{programId}/agreement";

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private String programId;
    private String coffee;
    private String books;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        handler = ContractChecked.handler(new ProgramAdminHandler(context));
        programId = json(handler.handleRequest(post("POST /v1/programs", Caller.operator(), "program-key-01",
                "{\"name\":\"Club\",\"currency\":\"EUR\"}"), null)).get("programId").asText();
        coffee = merchant("Coffee", "merchant-key-01");
        books = merchant("Books", "merchant-key-02");
    }

    private String merchant(String name, String key) {
        return json(handler.handleRequest(post("POST /v1/programs/{programId}/merchants", Map.of("programId", programId),
                Caller.operator(), key, "{\"name\":\"" + name + "\"}"), null)).get("merchantId").asText();
    }

    private APIGatewayV2HTTPResponse put(String key, String body) {
        return handler.handleRequest(post(PUT, Map.of("programId", programId), Caller.operator(), key, body), null);
    }

    private String terms(String merchantId, String more) {
        return "\"" + merchantId + "\":{\"issue\":true,\"redeem\":true,\"issueFeePer1000\":20,\"reimbursementPer1000\":500"
                + more + "}";
    }

    @Test
    void put_setsTheAgreement_registersTheProgramForSettlement_andGetShowsBudgets() {
        APIGatewayV2HTTPResponse set = put("agreement-key-1", "{\"merchants\":{" + terms(coffee, "") + ","
                + terms(books, ",\"prepaidPoints\":100000,\"lowBudgetPoints\":1000") + "}}");

        assertThat(set.getStatusCode()).as(set.getBody()).isEqualTo(200);
        assertThat(json(set).get("version").asLong()).isEqualTo(1);
        JsonNode read = json(handler.handleRequest(get(GET, Map.of("programId", programId), Map.of(), Caller.operator()), null));
        assertThat(read.at("/merchants/" + coffee + "/reimbursementPer1000").asLong()).isEqualTo(500);
        assertThat(read.at("/merchants/" + books + "/budget/remainingPoints").asLong()).isEqualTo(100_000);
        assertThat(read.at("/merchants/" + books + "/budget/low").asBoolean()).isFalse();
        assertThat(new ProgramRepository(context.dynamo(), context.tableName()).find(programId).orElseThrow()
                .agreement().mayRedeem(books)).isTrue();
        assertThat(context.dynamo().getItem(GetItemRequest.builder().tableName(context.tableName())
                .key(app.loyalty.shared.store.Attr.key(SettlementItems.REGISTRY_PK, "PROGRAM#" + programId)).build())
                .hasItem()).isTrue();

        APIGatewayV2HTTPResponse second = put("agreement-key-2", "{\"merchants\":{" + terms(coffee, "") + "}}");
        assertThat(json(second).get("version").asLong()).isEqualTo(2);
        assertThat(new ProgramRepository(context.dynamo(), context.tableName()).find(programId).orElseThrow()
                .agreement().mayRedeem(books)).as("a merchant the new agreement leaves out").isFalse();
    }

    @Test
    void withoutAnAgreement_getAnswersVersion0AndNoMerchants() {
        JsonNode read = json(handler.handleRequest(get(GET, Map.of("programId", programId), Map.of(), Caller.operator()), null));
        assertThat(read.get("version").asLong()).isZero();
        assertThat(read.has("merchants")).isFalse();
    }

    @Test
    void refusals_changeNothing() {
        assertProblem(put("agreement-key-3", "{\"merchants\":{\"mch_unknown\":{\"issue\":true,\"redeem\":true,"
                + "\"issueFeePer1000\":0,\"reimbursementPer1000\":0}}}"), 400, "validation-failed");
        assertProblem(put("agreement-key-4", "{\"merchants\":{" + terms(coffee, ",\"lowBudgetPoints\":5") + "}}"),
                400, "validation-failed");
        assertProblem(put("agreement-key-5", "{\"merchants\":{\"" + coffee + "\":{\"issue\":true,\"redeem\":true,"
                + "\"issueFeePer1000\":-1,\"reimbursementPer1000\":0}}}"), 400, "validation-failed");
        assertProblem(put("agreement-key-6", "{}"), 400, "validation-failed");
        assertProblem(handler.handleRequest(post(PUT, Map.of("programId", programId), Caller.merchant(coffee, programId),
                "agreement-key-7", "{\"merchants\":{}}"), null), 403, "forbidden");
        JsonNode read = json(handler.handleRequest(get(GET, Map.of("programId", programId), Map.of(), Caller.operator()), null));
        assertThat(read.get("version").asLong()).isZero();
    }
}
