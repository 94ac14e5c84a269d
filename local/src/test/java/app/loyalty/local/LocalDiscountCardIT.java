package app.loyalty.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's "done means" for the cumulative card, over HTTP on the local runtime as the README's curl tour does it:
 * a card climbs a level after enough spend and falls back after a quiet window (clock moved with POST /_local/clock),
 * with TierChanged on the bus. The numbers are docs/discount-cards.md's (30-day window, 7 days of grace).
 */
class LocalDiscountCardIT {
    private static final String OPERATOR_KEY = "cards-operator-key-0123456789";
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
    void cumulativeCard_climbsALevelAfterEnoughSpend_andFallsBackAfterAQuietWindow() {
        assertThat(api.post("/_local/clock", null, null, "{\"now\": \"2026-03-01T12:00:00Z\"}").status()).isEqualTo(200);
        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "cards-program-0001", """
                {"name":"Cumulative Club","currency":"EUR","rules":{"discount":{"scheme":"CUMULATIVE","windowDays":30,
                 "graceDays":7,"steps":[{"minSpend":10000,"discountBp":500},{"minSpend":20000,"discountBp":1000},
                 {"minSpend":30000,"discountBp":1500},{"minSpend":50000,"discountBp":2000},
                 {"minSpend":75000,"discountBp":2500},{"minSpend":100000,"discountBp":3000}]},
                 "tiers":[{"name":"base","minSpend":0},{"name":"silver","minSpend":30000}]}}""");
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        String programId = program.json().get("programId").asText();
        String merchantKey = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "cards-merchant-001",
                "{\"name\":\"Bean Bar\"}").json().get("apiKey").asText();
        LocalApi.Response enrolled = api.post("/v1/members", merchantKey, "cards-enrol-0001",
                "{\"profile\":{\"name\":\"Ada Lovelace\",\"phone\":\"+447700900123\"}}");
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
        String memberId = enrolled.json().get("memberId").asText();
        String card = enrolled.json().at("/card/cardNumber").asText();

        LocalApi.Response purchase = api.post("/v1/purchases", merchantKey, "cards-purchase-01",
                "{\"cardNumber\":\"" + card + "\",\"orderId\":\"cards-1\",\"total\":{\"amount\":31000,\"currency\":\"EUR\"}}");
        assertThat(purchase.status()).as(purchase.body()).isEqualTo(201);

        JsonNode climbed = api.get("/v1/members/" + memberId, merchantKey).json();
        assertThat(climbed.get("discountBp").asInt()).isEqualTo(1500);
        assertThat(climbed.get("tier").asText()).isEqualTo("silver");
        assertThat(climbed.at("/discount/keep/fallsOn").asText()).isEqualTo("2026-04-07");
        JsonNode tierChanged = api.awaitEvent("TierChanged", "memberId", memberId);
        assertThat(tierChanged.path("detail").path("toLevelBp").asInt()).isEqualTo(1500);
        assertThat(tierChanged.path("detail").path("reason").asText()).isEqualTo("purchase");

        // 31 days on, the purchase has left the window: the grace holds the level
        api.post("/_local/clock", null, null, "{\"now\": \"2026-04-01T12:00:00Z\"}");
        JsonNode inGrace = api.get("/v1/members/" + memberId, merchantKey).json();
        assertThat(inGrace.get("discountBp").asInt()).isEqualTo(1500);
        assertThat(inGrace.at("/discount/graceUntil").asText()).isEqualTo("2026-04-07");

        // the grace over: back to 0 %, shown before anything is written
        api.post("/_local/clock", null, null, "{\"advance\": \"P7D\"}");
        JsonNode fallen = api.get("/v1/members/" + memberId, merchantKey).json();
        assertThat(fallen.get("discountBp").asInt()).isZero();
        assertThat(fallen.get("tier").asText()).isEqualTo("base");
        assertThat(fallen.at("/discount/next/spend").asLong()).isEqualTo(10_000);
    }
}
