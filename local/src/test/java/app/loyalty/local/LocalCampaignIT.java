package app.loyalty.local;

import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A campaign on the local runtime with the repository's template.yaml: members enrolled through the API (three in the
 * segment, one of them without SMS consent, and one outside it), a dry run that counts them, a campaign whose
 * one-time schedule is created through the (emulated) Scheduler API, the runtime clock moved past its send time so
 * the schedule fires, and the captured SMS (GET /_local/notifications): exactly one per consenting segment member, in
 * their language, with their preferred product; a repeated create, the sweep and a second clock move change nothing.
 */
class LocalCampaignIT {
    private static final String OPERATOR_KEY = "campaign-operator-key-0123456789";
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

    private static String enrol(String merchantKey, String key, String phone, String preferences, boolean sms) {
        LocalApi.Response member = api.post("/v1/members", merchantKey, key, """
                {"profile":{"name":"Member %s","phone":"%s","preferences":%s},
                 "consents":{"sms":%s,"email":false,"push":false},"kind":"customer"}""".formatted(key, phone, preferences, sms));
        assertThat(member.status()).as(member.body()).isEqualTo(201);
        return member.json().get("memberId").asText();
    }

    @Test
    void aScheduledCampaign_reachesEachConsentingSegmentMemberOnce_whenTheClockPassesItsTime() {
        assertThat(api.post("/_local/clock", null, null, "{\"now\": \"2026-12-01T10:00:00Z\"}").status()).isEqualTo(200);
        String programId = api.post("/v1/programs", OPERATOR_KEY, "campaign-program-0001",
                "{\"name\":\"Coffee Club\",\"currency\":\"EUR\"}").json().get("programId").asText();
        String merchantKey = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "campaign-merchant-0001",
                "{\"name\":\"Bean Bar\"}").json().get("apiKey").asText();
        enrol(merchantKey, "campaign-enrol-0001", "+37369100001", "{\"city\":\"chisinau\",\"language\":\"ro\",\"preferredProducts\":\"latte\"}", true);
        enrol(merchantKey, "campaign-enrol-0002", "+37369100002", "{\"city\":\"chisinau\",\"language\":\"ru\"}", true);
        enrol(merchantKey, "campaign-enrol-0003", "+37369100003", "{\"city\":\"chisinau\"}", false);
        enrol(merchantKey, "campaign-enrol-0004", "+37369100004", "{\"city\":\"balti\"}", true);

        LocalApi.Response dryRun = api.post("/v1/programs/" + programId + "/campaigns/dry-run", OPERATOR_KEY, null,
                "{\"segment\": {\"preferences\": {\"city\": \"chisinau\"}}, \"channels\": [\"sms\"]}");
        assertThat(dryRun.status()).as(dryRun.body()).isEqualTo(200);
        assertThat(dryRun.json().get("targeted").asLong()).isEqualTo(3);
        assertThat(dryRun.json().get("reachable").asLong()).isEqualTo(2);
        assertThat(dryRun.json().get("skippedNoConsent").asLong()).isEqualTo(1);
        assertThat(dryRun.json().at("/byChannel/sms").asLong()).isEqualTo(2);
        assertThat(dryRun.json().get("membersRead").asLong()).isEqualTo(4);

        String campaign = """
                {"name": "Latte week", "segment": {"preferences": {"city": "chisinau"}}, "sendAt": "2026-12-01T11:00:00Z",
                 "channels": ["sms"], "personalOffer": {"fallback": "cafea"},
                 "messages": {"ro": {"subject": "Săptămâna latte", "body": "{products} cu -20%"},
                              "ru": {"subject": "Неделя латте", "body": "{products}: -20%"}}}""";
        LocalApi.Response created = api.post("/v1/programs/" + programId + "/campaigns", OPERATOR_KEY, "campaign-create-0001", campaign);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String campaignId = created.json().get("campaignId").asText();
        JsonNode schedules = api.get("/_local/schedules", null).json();
        assertThat(schedules.findValuesAsText("name")).contains("campaign-" + campaignId);
        assertThat(smsTo("+373691000")).as("nothing before the send time").isEmpty();

        api.post("/_local/clock", null, null, "{\"now\": \"2026-12-01T11:00:30Z\"}");
        JsonNode sent = LocalApi.await(Duration.ofSeconds(30), () -> {
            JsonNode read = api.get("/v1/programs/" + programId + "/campaigns/" + campaignId, OPERATOR_KEY).json();
            return read.path("status").asText().equals("sent") ? Optional.of(read) : Optional.empty();
        }, "the campaign sent once the clock passed its time");
        assertThat(sent.at("/results/targeted").asLong()).isEqualTo(3);
        assertThat(sent.at("/results/sent").asLong()).isEqualTo(2);
        assertThat(sent.at("/results/skippedNoConsent").asLong()).isEqualTo(1);
        assertThat(sent.at("/results/failed").asLong()).isZero();

        assertThat(smsTo("+37369100001")).extracting(sms -> sms.path("message").asText()).containsExactly("latte cu -20%");
        assertThat(smsTo("+37369100002")).extracting(sms -> sms.path("message").asText()).containsExactly("cafea: -20%");
        assertThat(smsTo("+37369100003")).as("in the segment, no consent").isEmpty();
        assertThat(smsTo("+37369100004")).as("consent, not in the segment").isEmpty();

        // Re-running changes nothing: the same create (a replay, no new schedule), the sweep, another clock move.
        LocalApi.Response again = api.post("/v1/programs/" + programId + "/campaigns", OPERATOR_KEY, "campaign-create-0001", campaign);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("campaignId").asText()).isEqualTo(campaignId);
        assertThat(api.post("/_local/schedules/SendDeferred", null, null, "").status()).isEqualTo(200);
        api.post("/_local/clock", null, null, "{\"now\": \"2026-12-01T12:00:00Z\"}");
        assertThat(api.post("/_local/schedules/SendDeferred", null, null, "").status()).isEqualTo(200);
        assertThat(smsTo("+373691000")).as("exactly one message per consenting member, however often it runs").hasSize(2);
        assertThat(api.get("/v1/programs/" + programId + "/campaigns/" + campaignId, OPERATOR_KEY).json()).isEqualTo(sent);
    }

    /** SMS captured so far whose number starts with {@code phonePrefix}. */
    private static List<JsonNode> smsTo(String phonePrefix) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode message : api.get("/_local/notifications", null).json()) {
            if (message.path("phoneNumber").asText().startsWith(phonePrefix)) {
                found.add(message);
            }
        }
        return found;
    }
}
