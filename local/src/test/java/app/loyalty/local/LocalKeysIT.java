package app.loyalty.local;

import app.loyalty.shared.testing.ContractValidator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key rotation and revocation end to end on the local runtime, as the README tour does with curl: the gateway caches
 * the authorizer's decision for ReauthorizeEvery (300 s) on the runtime clock, so a revoked key still works until the
 * cached decision is older than that, and is refused (403) from then on.
 */
class LocalKeysIT {
    private static final String OPERATOR_KEY = "keys-operator-key-0123456789";
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
    void rotatedKeysBothWork_andRevokedKeysAreRefusedOnceTheGatewayCacheHasAgedOut() {
        String programId = api.post("/v1/programs", OPERATOR_KEY, "keys-program-01",
                "{\"name\":\"Keys Club\",\"currency\":\"EUR\"}").json().get("programId").asText();
        var merchant = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "keys-merchant-01",
                "{\"name\":\"Key Shop\"}").json();
        String merchantPath = "/v1/programs/" + programId + "/merchants/" + merchant.get("merchantId").asText();
        String oldKey = merchant.get("apiKey").asText();
        String member = api.post("/v1/members", oldKey, "keys-enrol-01",
                "{\"profile\":{\"name\":\"Ada\",\"phone\":\"+447700900123\"},\"kind\":\"customer\"}").json()
                .get("memberId").asText();

        LocalApi.Response rotated = api.post(merchantPath + "/keys", OPERATOR_KEY, "keys-rotate-01", "{\"graceSeconds\":3600}");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        String newKey = rotated.json().get("apiKey").asText();
        assertThat(api.get("/v1/members/" + member, newKey).status()).isEqualTo(200);
        assertThat(api.get("/v1/members/" + member, oldKey).status()).isEqualTo(200);

        LocalApi.Response revoked = api.post(merchantPath + "/keys/revoke", OPERATOR_KEY, "keys-revoke-01", "{\"keys\":\"ALL\"}");
        assertThat(revoked.json().get("revokedKeys").asInt()).as(revoked.body()).isEqualTo(2);
        assertThat(api.get("/v1/members/" + member, newKey).status()).as("served from the gateway's cached decision")
                .isEqualTo(200);

        api.post("/_local/clock", null, null, "{\"advance\":\"PT5M\"}");

        assertThat(api.get("/v1/members/" + member, newKey).status()).isEqualTo(403);
        assertThat(api.get("/v1/members/" + member, oldKey).status()).isEqualTo(403);
    }
}
