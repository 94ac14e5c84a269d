package app.loyalty.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's "done means" for the expiry job (without the SMS part, which the notifications function adds), over HTTP
 * on the local runtime as the README tour does it: buy, move the clock past the expiry date, run the template's
 * DailyExpiry schedule: the points are gone with an EXPIRE entry and a PointsExpired event; run it again: nothing
 * changes. The clock jump may also fire the schedule by itself (ScheduleRunner); the job is safe to run twice, so
 * the assertions hold whichever run wrote the expiry.
 */
class LocalBonusExpiryIT {
    private static final String OPERATOR_KEY = "expiry-operator-key-0123456789";
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
    void pointsBurnAtTheirExpiryDate_withAnEntryAndAnEvent_andASecondRunChangesNothing() {
        assertThat(api.post("/_local/clock", null, null, "{\"now\": \"2026-03-01T12:00:00Z\"}").status()).isEqualTo(200);
        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "expiry-program-0001", """
                {"name":"Burning Club","currency":"EUR","rules":{"pendingDays":0,
                 "expiry":{"policy":"DAYS_AFTER_EARNING","days":30,"noticeDays":7}}}""");
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        String programId = program.json().get("programId").asText();
        String merchantKey = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "expiry-merchant-001",
                "{\"name\":\"Bean Bar\"}").json().get("apiKey").asText();
        LocalApi.Response enrolled = api.post("/v1/members", merchantKey, "expiry-enrol-0001",
                "{\"profile\":{\"name\":\"Ada Lovelace\",\"phone\":\"+447700900123\"}}");
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
        String memberId = enrolled.json().get("memberId").asText();
        String card = enrolled.json().at("/card/cardNumber").asText();
        LocalApi.Response purchase = api.post("/v1/purchases", merchantKey, "expiry-purchase-01",
                "{\"cardNumber\":\"" + card + "\",\"orderId\":\"expiry-1\",\"total\":{\"amount\":12500,\"currency\":\"EUR\"}}");
        assertThat(purchase.status()).as(purchase.body()).isEqualTo(201);
        assertThat(purchase.json().get("pointsEarned").asLong()).isEqualTo(125);
        String expiresAt = purchase.json().get("expiresAt").asText();
        assertThat(expiresAt).isEqualTo("2026-04-01T00:00:00Z");

        // past the expiry date: run the daily schedule now
        api.post("/_local/clock", null, null, "{\"now\": \"2026-04-01T00:05:00Z\"}");
        LocalApi.Response firstRun = api.post("/_local/schedules/DailyExpiry", null, null, "");
        assertThat(firstRun.status()).as(firstRun.body()).isEqualTo(200);
        assertThat(firstRun.json().at("/result/complete").asBoolean()).isTrue();

        JsonNode expired = api.awaitEvent("PointsExpired", "memberId", memberId);
        assertThat(expired.at("/detail/points").asLong()).isEqualTo(125);
        assertThat(expired.at("/detail/expiresAt").asText()).isEqualTo(expiresAt);
        assertThat(expired.at("/detail/entryId").asText()).as("the EXPIRE ledger entry").startsWith("expiry-");
        JsonNode burnt = api.get("/v1/members/" + memberId, merchantKey).json();
        assertThat(burnt.at("/balance/available").asLong()).isZero();

        // again the same day: nothing changes
        LocalApi.Response secondRun = api.post("/_local/schedules/DailyExpiry", null, null, "");
        assertThat(secondRun.status()).as(secondRun.body()).isEqualTo(200);
        assertThat(secondRun.json().at("/result/lotsExpired").asInt()).isZero();
        assertThat(secondRun.json().at("/result/membersSettled").asInt()).isZero();
        JsonNode after = api.get("/v1/members/" + memberId, merchantKey).json();
        assertThat(after.at("/balance/available").asLong()).isZero();
        assertThat(after.at("/balance/pending").asLong()).isZero();
        long expiredEvents = StreamSupport.stream(api.events().spliterator(), false)
                .filter(e -> e.path("detail-type").asText().equals("PointsExpired"))
                .filter(e -> e.at("/detail/memberId").asText().equals(memberId)).count();
        assertThat(expiredEvents).as("one PointsExpired, whichever run wrote it").isEqualTo(1);
    }
}
