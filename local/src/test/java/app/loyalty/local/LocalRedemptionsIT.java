package app.loyalty.local;

import app.loyalty.shared.testing.ContractValidator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redemptions on the bundle as bin/local runs it, with the calls the README's checkout tour makes with curl: hold ->
 * purchase capturing the hold -> return; hold -> cancel; hold -> timeout (clock moved through /_local/clock).
 */
class LocalRedemptionsIT {
    private static final String OPERATOR_KEY = "redeem-operator-key-0123456789";
    private static LocalRuntime runtime;
    private static LocalApi api;
    private static String merchantKey;
    private static String memberId;

    @BeforeAll
    static void start() {
        runtime = LocalApi.startRuntime(OPERATOR_KEY);
        api = new LocalApi(runtime.url(), ContractValidator.repositoryContract());
        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "redeem-program-0001",
                "{\"name\":\"Coffee Club\",\"currency\":\"EUR\",\"rules\":{\"pendingDays\":0}}");
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        LocalApi.Response merchant = api.post("/v1/programs/" + program.json().get("programId").asText() + "/merchants",
                OPERATOR_KEY, "redeem-merchant-0001", "{\"name\":\"Bean Bar\"}");
        merchantKey = merchant.json().get("apiKey").asText();
        LocalApi.Response member = api.post("/v1/members", merchantKey, "redeem-enrol-0001",
                """
                {"profile":{"name":"Ada Lovelace","phone":"+447700900123","email":"ada@example.com","birthDate":"1990-12-10"},
                 "consents":{"sms":true,"email":true,"push":false},"kind":"customer"}""");
        assertThat(member.status()).as(member.body()).isEqualTo(201);
        memberId = member.json().get("memberId").asText();
        LocalApi.Response earn = api.post("/v1/purchases", merchantKey, "redeem-earn-0001",
                "{\"memberId\":\"" + memberId + "\",\"orderId\":\"earn-1\",\"total\":{\"amount\":50000,\"currency\":\"EUR\"}}");
        assertThat(earn.json().at("/balance/available").asLong()).as(earn.body()).isEqualTo(500);
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void hold_thenPurchaseCapturingIt_thenReturnOfHalf() {
        LocalApi.Response hold = api.post("/v1/redemptions", merchantKey, "redeem-hold-0001",
                "{\"memberId\":\"" + memberId + "\",\"orderId\":\"order-1\",\"amount\":200,\"orderAmount\":1000}");
        assertThat(hold.status()).as(hold.body()).isEqualTo(201);
        String redemptionId = hold.json().get("redemptionId").asText();

        LocalApi.Response purchase = api.post("/v1/purchases", merchantKey, "redeem-purchase-0001",
                "{\"memberId\":\"" + memberId + "\",\"orderId\":\"order-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},"
                        + "\"paidWithPoints\":200,\"redemptionId\":\"" + redemptionId + "\"}");
        assertThat(purchase.status()).as(purchase.body()).isEqualTo(201);
        assertThat(purchase.json().at("/pointsPayment/points").asLong()).isEqualTo(200);
        assertThat(api.get("/v1/redemptions/" + redemptionId, merchantKey).json().get("status").asText())
                .isEqualTo("captured");

        LocalApi.Response returned = api.post("/v1/purchases/order-1/returns", merchantKey, "redeem-return-0001",
                "{\"returnId\":\"r-1\",\"amount\":500}");
        assertThat(returned.status()).as(returned.body()).isEqualTo(201);
        assertThat(returned.json().at("/pointsRefund/points").asLong()).isEqualTo(100);
        assertThat(returned.json().at("/pointsRefund/money/amount").asLong()).isEqualTo(400);

        assertThat(api.awaitEvent("PointsHeld", "redemptionId", redemptionId).at("/detail/points").asLong()).isEqualTo(200);
        assertThat(api.awaitEvent("PointsRedeemed", "redemptionId", redemptionId).at("/detail/orderId").asText())
                .isEqualTo("order-1");
    }

    @Test
    void hold_thenCancel_freesThePoints() {
        long availableBefore = balance().get("available").asLong();
        LocalApi.Response hold = api.post("/v1/redemptions", merchantKey, "redeem-hold-0002",
                "{\"memberId\":\"" + memberId + "\",\"orderId\":\"order-2\",\"points\":50}");
        String redemptionId = hold.json().get("redemptionId").asText();
        // GET member shows the hold: the 50 points are held and no longer available to spend elsewhere
        assertThat(balance().get("held").asLong()).isEqualTo(50);
        assertThat(balance().get("available").asLong()).isEqualTo(availableBefore - 50);

        LocalApi.Response cancelled = api.post("/v1/redemptions/" + redemptionId + "/cancel", merchantKey,
                "redeem-cancel-0002", "");

        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
        assertThat(api.post("/v1/redemptions/" + redemptionId + "/capture", merchantKey, "redeem-capture-0002", "")
                .status()).isEqualTo(409);
        assertThat(api.awaitEvent("HoldReleased", "redemptionId", redemptionId).at("/detail/reason").asText())
                .isEqualTo("cancelled");
        assertThat(balance().get("held").asLong()).isZero();
        assertThat(balance().get("available").asLong()).isEqualTo(availableBefore);
    }

    private com.fasterxml.jackson.databind.JsonNode balance() {
        LocalApi.Response member = api.get("/v1/members/" + memberId, merchantKey);
        assertThat(member.status()).as(member.body()).isEqualTo(200);
        return member.json().get("balance");
    }

    @Test
    void hold_lapsesWhenTheClockPassesExpiresAt() {
        LocalApi.Response hold = api.post("/v1/redemptions", merchantKey, "redeem-hold-0003",
                "{\"memberId\":\"" + memberId + "\",\"orderId\":\"order-3\",\"points\":60}");
        String redemptionId = hold.json().get("redemptionId").asText();

        assertThat(api.post("/_local/clock", null, null, "{\"advance\": \"PT16M\"}").status()).isEqualTo(200);

        assertThat(api.get("/v1/redemptions/" + redemptionId, merchantKey).json().get("status").asText())
                .isEqualTo("expired");
        LocalApi.Response capture = api.post("/v1/redemptions/" + redemptionId + "/capture", merchantKey,
                "redeem-capture-0003", "");
        assertThat(capture.status()).as(capture.body()).isEqualTo(409);
        assertThat(capture.json().get("redemptionStatus").asText()).isEqualTo("expired");
    }
}
