package app.loyalty.local;

import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundle as bin/local runs it: the repository's template.yaml and the real functions, driven over HTTP the
 * way the README's tour does. Enrolling a member must surface MemberEnrolled and CardIssued on the bus, which
 * proves the whole path: transaction with outbox, table stream, filter, relay, PutEvents.
 */
class LocalRuntimeEndToEndIT {
    private static final String OPERATOR_KEY = "e2e-operator-key-0123456789";
    private static LocalRuntime runtime;
    private static LocalApi api;

    @BeforeAll
    static void start() {
        runtime = LocalApi.startRuntime(OPERATOR_KEY);
        api = new LocalApi(runtime.url(), ContractValidator.repositoryContract());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void enrolment_issuesACard_andPublishesMemberEnrolledAndCardIssued() {
        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "e2e-program-0001",
                "{\"name\":\"Coffee Club\",\"currency\":\"EUR\"}");
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        String programId = program.json().get("programId").asText();

        LocalApi.Response merchant = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "e2e-merchant-0001",
                "{\"name\":\"Bean Bar\"}");
        assertThat(merchant.status()).as(merchant.body()).isEqualTo(201);
        String merchantKey = merchant.json().get("apiKey").asText();
        String merchantId = merchant.json().get("merchantId").asText();
        assertThat(merchantKey).isNotBlank();

        String enrolment = """
                {"profile":{"name":"Ada Lovelace","phone":"+447700900123","email":"ada@example.com","birthDate":"1990-12-10"},
                 "consents":{"sms":true,"email":true,"push":false},"kind":"customer"}""";
        LocalApi.Response member = api.post("/v1/members", merchantKey, "e2e-enrol-0001", enrolment);
        assertThat(member.status()).as(member.body()).isEqualTo(201);
        String memberId = member.json().get("memberId").asText();
        String cardNumber = member.json().path("card").path("cardNumber").asText();
        assertThat(cardNumber).isNotBlank();

        LocalApi.Response replay = api.post("/v1/members", merchantKey, "e2e-enrol-0001", enrolment);
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.json().get("memberId").asText()).as("the same Idempotency-Key replays").isEqualTo(memberId);

        LocalApi.Response card = api.get("/v1/cards/" + cardNumber, merchantKey);
        assertThat(card.status()).as(card.body()).isEqualTo(200);
        assertThat(card.json().get("memberId").asText()).isEqualTo(memberId);

        JsonNode enrolled = api.awaitEvent("MemberEnrolled", "memberId", memberId);
        JsonNode issued = api.awaitEvent("CardIssued", "cardNumber", cardNumber);
        assertThat(enrolled.path("source").asText()).isEqualTo("loyalty");
        assertThat(enrolled.path("detail").path("merchantId").asText()).isEqualTo(merchantId);
        assertThat(enrolled.path("detail").toString()).as("no PII on the bus").doesNotContain("Ada", "ada@example.com");
        assertThat(issued.path("detail").path("memberId").asText()).isEqualTo(memberId);
        assertThat(issued.path("bus").asText()).isEqualTo("loyalty-local-loyalty");
    }

    @Test
    void aBodyThatIsNotUtf8_isRefusedByTheFunction_andStoresNothing() {
        // "Caf\xe9": Latin-1, as a misconfigured till sends it. Decoded leniently it would be stored as "Caf\ufffd".
        byte[] latin1 = "{\"name\":\"Caf\u00e9\",\"currency\":\"EUR\"}".getBytes(StandardCharsets.ISO_8859_1);

        LocalApi.Response refused = api.post("/v1/programs", OPERATOR_KEY, "e2e-latin1-0001", latin1);

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.json().get("type").asText()).endsWith("/malformed-json");
        assertThat(refused.json().get("detail").asText()).contains("UTF-8");
        // Nothing was stored under the key: the same key with the body in UTF-8 creates the program, no 422.
        LocalApi.Response created = api.post("/v1/programs", OPERATOR_KEY, "e2e-latin1-0001",
                "{\"name\":\"Caf\u00e9\",\"currency\":\"EUR\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("name").asText()).isEqualTo("Caf\u00e9");
    }

    @Test
    void aBlockedCard_answers200WithItsReplacement_throughTheGateway() {
        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "e2e-program-block",
                "{\"name\":\"Tea Club\",\"currency\":\"EUR\"}");
        String merchantKey = api.post("/v1/programs/" + program.json().get("programId").asText() + "/merchants",
                OPERATOR_KEY, "e2e-merchant-block", "{\"name\":\"Leaf\"}").json().get("apiKey").asText();
        String oldCard = api.post("/v1/members", merchantKey, "e2e-enrol-block",
                "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\"}}").json().path("card").path("cardNumber").asText();
        String newCard = api.post("/v1/cards/" + oldCard + "/replace", merchantKey, "e2e-replace-block",
                "{\"reason\":\"damaged\"}").json().get("cardNumber").asText();

        LocalApi.Response card = api.get("/v1/cards/" + oldCard, merchantKey);

        assertThat(card.status()).as(card.body()).isEqualTo(200);
        assertThat(card.json().get("status").asText()).isEqualTo("blocked");
        assertThat(card.json().get("blockReason").asText()).isEqualTo("damaged");
        assertThat(card.json().get("replacedBy").asText()).isEqualTo(newCard);
        assertThat(card.json().has("blockedAt")).isTrue();
    }

    @Test
    void merchantRoutes_refuseTheOperator_andUnknownKeys() {
        assertThat(api.get("/v1/cards/8000000000000003", null).status()).isEqualTo(401);
        assertThat(api.get("/v1/cards/8000000000000003", "lk_not-a-real-key").status()).isEqualTo(403);
        LocalApi.Response operator = api.get("/v1/cards/8000000000000003", OPERATOR_KEY);
        assertThat(operator.status()).isEqualTo(403);
        assertThat(operator.contentType()).as("the function's own refusal").isEqualTo("application/problem+json");
    }

    @Test
    void authorizerRefusals_areApiGatewaysOwnAnswers_exactly() {
        LocalApi.Response missing = api.get("/v1/cards/8000000000000003", null);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.contentType()).isEqualTo("application/json");
        assertThat(missing.body()).isEqualTo("{\"message\":\"Unauthorized\"}");

        LocalApi.Response denied = api.get("/v1/cards/8000000000000003", "lk_not-a-real-key");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.contentType()).isEqualTo("application/json");
        assertThat(denied.body()).isEqualTo("{\"message\":\"Forbidden\"}");
    }

    @Test
    void unknownRoutes_reachTheDefaultRoute_behindTheAuthorizer() {
        LocalApi.Response unknownPath = api.get("/v1/nowhere", OPERATOR_KEY);
        assertThat(unknownPath.status()).isEqualTo(404);
        assertThat(unknownPath.contentType()).isEqualTo("application/problem+json");
        assertThat(unknownPath.json().get("type").asText()).endsWith("/route-not-found");

        LocalApi.Response unknownMethod = api.post("/v1/cards/8000000000000003", OPERATOR_KEY, null, "{}");
        assertThat(unknownMethod.json().get("type").asText()).as("a known path with another method").endsWith("/route-not-found");

        assertThat(api.get("/v1/nowhere", null).body()).as("no key: the gateway's 401, as on every route")
                .isEqualTo("{\"message\":\"Unauthorized\"}");
        assertThat(api.get("/v1/nowhere", "lk_not-a-real-key").status()).isEqualTo(403);
    }

    @Test
    void clock_isSetAndAdvanced_forEveryHandler() {
        LocalApi.Response set = api.post("/_local/clock", null, null, "{\"now\": \"2026-12-01T00:00:00Z\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body()).as("read in a terminal: the prompt goes on the next line").endsWith("}\n");
        assertThat(api.get("/_local/clock", null).body()).endsWith("}\n");
        assertThat(Instant.parse(set.json().get("now").asText())).isBetween(
                Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-01T00:01:00Z"));

        LocalApi.Response advanced = api.post("/_local/clock", null, null, "{\"advance\": \"P30D\"}");
        assertThat(Instant.parse(advanced.json().get("now").asText())).isAfterOrEqualTo(Instant.parse("2026-12-31T00:00:00Z"));
        assertThat(runtime.clock().instant()).isAfterOrEqualTo(Instant.parse("2026-12-31T00:00:00Z"));

        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "e2e-program-clock", "{\"name\":\"Later\",\"currency\":\"EUR\"}");
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        assertThat(program.json().path("createdAt").asText()).as("handlers read the runtime clock").startsWith("2026-12-31");

        assertThat(api.post("/_local/clock", null, null, "{\"advance\": \"soon\"}").status()).isEqualTo(400);
    }
}
