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
 * The notifications on the local runtime with the repository's template.yaml: a purchase's PointsAccrued goes from
 * the outbox through the relay and the template's rule to NotificationsFunction, whose SNS publish lands in the
 * capture (GET /_local/notifications): one SMS, in the member's language, for the member with SMS consent; nothing
 * for the member without.
 */
class LocalNotificationsIT {
    private static final String OPERATOR_KEY = "notify-operator-key-0123456789";
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
    void aPurchase_sendsOneSmsInTheMembersLanguage_onlyToTheMemberWithConsent() {
        String programId = api.post("/v1/programs", OPERATOR_KEY, "notify-program-0001",
                "{\"name\":\"Coffee Club\",\"currency\":\"EUR\"}").json().get("programId").asText();
        String merchantKey = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "notify-merchant-0001",
                "{\"name\":\"Bean Bar\"}").json().get("apiKey").asText();
        LocalApi.Response consenting = api.post("/v1/members", merchantKey, "notify-enrol-0001", """
                {"profile":{"name":"Ion Popescu","phone":"+37369111222","preferences":{"language":"ro"}},
                 "consents":{"sms":true,"email":false,"push":false},"kind":"customer"}""");
        LocalApi.Response silent = api.post("/v1/members", merchantKey, "notify-enrol-0002", """
                {"profile":{"name":"Ana Rusu","phone":"+37369333444","preferences":{"language":"ro"}},
                 "consents":{"sms":false,"email":false,"push":false},"kind":"customer"}""");
        assertThat(consenting.status()).as(consenting.body()).isEqualTo(201);
        assertThat(silent.status()).as(silent.body()).isEqualTo(201);
        String consentingId = consenting.json().get("memberId").asText();
        String silentId = silent.json().get("memberId").asText();

        for (LocalApi.Response member : List.of(consenting, silent)) {
            String card = member.json().at("/card/cardNumber").asText();
            LocalApi.Response purchase = api.post("/v1/purchases", merchantKey, "notify-buy-" + card,
                    "{\"cardNumber\":\"" + card + "\",\"orderId\":\"notify-" + card + "\",\"total\":{\"amount\":11200,\"currency\":\"EUR\"}}");
            assertThat(purchase.status()).as(purchase.body()).isEqualTo(201);
        }
        JsonNode accrued = api.awaitEvent("PointsAccrued", "memberId", consentingId);
        api.awaitEvent("PointsAccrued", "memberId", silentId);
        long points = accrued.path("detail").path("points").asLong();

        JsonNode sms = LocalApi.await(Duration.ofSeconds(20), () -> smsTo("+37369111222").stream().findFirst(),
                "an SMS to the consenting member");
        assertThat(sms.path("message").asText()).isEqualTo("Pentru cumpărătură ați primit puncte: " + points + ". Vă mulțumim!");
        assertThat(sms.path("messageAttributes").path("channel").path("StringValue").asText()).isEqualTo("sms");

        // The operator sees it in the member's message log; the silent member's log stays empty.
        JsonNode log = LocalApi.await(Duration.ofSeconds(20), () -> {
            JsonNode page = api.get("/v1/programs/" + programId + "/members/" + consentingId + "/messages", OPERATOR_KEY).json();
            return page.path("items").size() == 1 && page.at("/items/0/outcome").asText().equals("sent")
                    ? Optional.of(page) : Optional.empty();
        }, "the message in the log");
        assertThat(log.at("/items/0/channel").asText()).isEqualTo("sms");
        assertThat(log.at("/items/0/language").asText()).isEqualTo("ro");
        assertThat(api.get("/v1/programs/" + programId + "/members/" + silentId + "/messages", OPERATOR_KEY)
                .json().path("items").size()).isZero();
        assertThat(smsTo("+37369333444")).as("no consent, no message").isEmpty();
        assertThat(smsTo("+37369111222")).as("one message, not one per delivery").hasSize(1);
    }

    private static List<JsonNode> smsTo(String phone) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode message : api.get("/_local/notifications", null).json()) {
            if (phone.equals(message.path("phoneNumber").asText())) {
                found.add(message);
            }
        }
        return found;
    }
}
