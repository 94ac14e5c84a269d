package app.loyalty.local;

import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9's "Done means" on the local runtime with the repository's template.yaml, over HTTP only: two members buy
 * (one with SMS consent and language "ro", one without); a week before the expiry date the DailyExpiry schedule
 * sends the consenting member one SMS reminder in Romanian and the other nothing; the next day's run sends no
 * second one; past the expiry date the points are gone with an EXPIRE entry and a PointsExpired event each; a rerun
 * changes nothing. Then the downgrade warning: a week before a member's discount level falls the same schedule sends
 * DiscountLevelFalling, which reaches the member as one SMS in Russian saying what to spend by when, and on the fall
 * day the level falls (TierChanged, reason lapse). Moving the clock may also fire the schedule by itself
 * (ScheduleRunner); every run is safe to repeat, so the assertions hold whichever run did the work.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalExpiryNotificationsIT {
    private static final String OPERATOR_KEY = "expiry-notify-operator-key-0123";
    private static final String CONSENTING_PHONE = "+37369555111";
    private static final String SILENT_PHONE = "+37369555222";
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
    @Order(1)
    void oneReminderSmsInTheMembersLanguage_onlyWithConsent_thenExpiryOnce() {
        clock("2026-03-01T12:00:00Z");
        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "exn-program-0001", """
                {"name":"Burning Club","currency":"EUR","rules":{"pendingDays":0,
                 "expiry":{"policy":"DAYS_AFTER_EARNING","days":30,"noticeDays":7}}}""");
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        String programId = program.json().get("programId").asText();
        String merchantKey = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "exn-merchant-0001",
                "{\"name\":\"Bean Bar\"}").json().get("apiKey").asText();
        LocalApi.Response consenting = api.post("/v1/members", merchantKey, "exn-enrol-0001", """
                {"profile":{"name":"Ion Popescu","phone":"%s","preferences":{"language":"ro"}},
                 "consents":{"sms":true,"email":false,"push":false},"kind":"customer"}""".formatted(CONSENTING_PHONE));
        LocalApi.Response silent = api.post("/v1/members", merchantKey, "exn-enrol-0002", """
                {"profile":{"name":"Ana Rusu","phone":"%s","preferences":{"language":"ro"}},
                 "consents":{"sms":false,"email":false,"push":false},"kind":"customer"}""".formatted(SILENT_PHONE));
        assertThat(consenting.status()).as(consenting.body()).isEqualTo(201);
        assertThat(silent.status()).as(silent.body()).isEqualTo(201);
        String consentingId = consenting.json().get("memberId").asText();
        String silentId = silent.json().get("memberId").asText();

        String expiresAt = null;
        for (LocalApi.Response member : List.of(consenting, silent)) {
            String card = member.json().at("/card/cardNumber").asText();
            LocalApi.Response purchase = api.post("/v1/purchases", merchantKey, "exn-buy-" + card,
                    "{\"cardNumber\":\"" + card + "\",\"orderId\":\"exn-" + card + "\",\"total\":{\"amount\":12500,\"currency\":\"EUR\"}}");
            assertThat(purchase.status()).as(purchase.body()).isEqualTo(201);
            assertThat(purchase.json().get("pointsEarned").asLong()).isEqualTo(125);
            expiresAt = purchase.json().get("expiresAt").asText();
        }
        assertThat(expiresAt).isEqualTo("2026-04-01T00:00:00Z");
        // the purchase's own SMS (PointsAccrued) is not what this test counts: wait for it so it cannot be mistaken
        LocalApi.await(Duration.ofSeconds(20), () -> smsTo(CONSENTING_PHONE).stream().findFirst(), "the purchase SMS");

        // a week before the expiry date: one reminder, in Romanian, to the consenting member only
        clock("2026-03-25T00:05:00Z");
        assertThat(runSchedule().at("/result/complete").asBoolean()).isTrue();
        JsonNode reminder = api.awaitEvent("PointsExpiringSoon", "memberId", consentingId);
        assertThat(reminder.at("/detail/points").asLong()).isEqualTo(125);
        api.awaitEvent("PointsExpiringSoon", "memberId", silentId);
        JsonNode sms = LocalApi.await(Duration.ofSeconds(20), () -> reminderSmsTo(CONSENTING_PHONE).stream().findFirst(),
                "the reminder SMS");
        assertThat(sms.path("message").asText())
                .isEqualTo("Puncte care expiră la 2026-04-01: 125. Folosiți-le până atunci!");

        // the next day: no second reminder
        clock("2026-03-26T00:05:00Z");
        JsonNode nextDay = runSchedule();
        assertThat(nextDay.at("/result/remindersSent").asInt()).isZero();

        // past the expiry date: the points are gone, with an EXPIRE entry and an event each
        clock("2026-04-01T00:05:00Z");
        assertThat(runSchedule().at("/result/complete").asBoolean()).isTrue();
        for (String memberId : List.of(consentingId, silentId)) {
            JsonNode expired = api.awaitEvent("PointsExpired", "memberId", memberId);
            assertThat(expired.at("/detail/points").asLong()).isEqualTo(125);
            assertThat(expired.at("/detail/entryId").asText()).as("the EXPIRE ledger entry").startsWith("expiry-");
            assertThat(api.get("/v1/members/" + memberId, merchantKey).json().at("/balance/available").asLong()).isZero();
        }
        // the expiry SMS (PointsExpired) reaches the consenting member too; wait for it before counting
        LocalApi.await(Duration.ofSeconds(20), () -> smsTo(CONSENTING_PHONE).stream()
                .filter(m -> m.path("message").asText().startsWith("Au expirat")).findFirst(), "the expiry SMS");

        // again: nothing changes
        JsonNode again = runSchedule();
        assertThat(again.at("/result/lotsExpired").asInt()).isZero();
        assertThat(again.at("/result/membersSettled").asInt()).isZero();
        for (String memberId : List.of(consentingId, silentId)) {
            JsonNode member = api.get("/v1/members/" + memberId, merchantKey).json();
            assertThat(member.at("/balance/available").asLong()).isZero();
            assertThat(events("PointsExpired", memberId)).as("one PointsExpired per lot").isEqualTo(1);
            assertThat(events("PointsExpiringSoon", memberId)).as("one reminder per member and date").isEqualTo(1);
        }
        assertThat(reminderSmsTo(CONSENTING_PHONE)).as("exactly one reminder SMS").hasSize(1);
        assertThat(smsTo(SILENT_PHONE)).as("no consent, no message").isEmpty();
    }

    @Test
    @Order(2)
    void downgradeWarning_oneSmsInRussian_aWeekBeforeTheLevelFalls_thenTheLevelFallsOnItsDay() {
        clock("2026-06-01T12:00:00Z");
        LocalApi.Response program = api.post("/v1/programs", OPERATOR_KEY, "exn-program-0002", """
                {"name":"Level Club","currency":"EUR","rules":{"pendingDays":0,
                 "discount":{"scheme":"CUMULATIVE","windowDays":30,"graceDays":0,"levelNoticeDays":7,
                  "steps":[{"minSpend":10000,"discountBp":500}]}}}""");
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        String programId = program.json().get("programId").asText();
        String merchantKey = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "exn-merchant-0002",
                "{\"name\":\"Tea Bar\"}").json().get("apiKey").asText();
        String phone = "+37369555333";
        LocalApi.Response enrolled = api.post("/v1/members", merchantKey, "exn-enrol-0003", """
                {"profile":{"name":"Oleg Rusu","phone":"%s","preferences":{"language":"ru"}},
                 "consents":{"sms":true,"email":false,"push":false},"kind":"customer"}""".formatted(phone));
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
        String memberId = enrolled.json().get("memberId").asText();
        String card = enrolled.json().at("/card/cardNumber").asText();
        LocalApi.Response purchase = api.post("/v1/purchases", merchantKey, "exn-buy-level",
                "{\"cardNumber\":\"" + card + "\",\"orderId\":\"exn-level-1\",\"total\":{\"amount\":12000,\"currency\":\"EUR\"}}");
        assertThat(purchase.status()).as(purchase.body()).isEqualTo(201);
        // 120.00 counts in the 30-day window 1-30 June: 5 % until 30 June, falling on 1 July, warned on 24 June
        assertThat(api.get("/v1/members/" + memberId, merchantKey).json().at("/discount/keep/fallsOn").asText())
                .isEqualTo("2026-07-01");

        clock("2026-06-24T00:05:00Z");
        runSchedule();
        JsonNode warning = api.awaitEvent("DiscountLevelFalling", "memberId", memberId);
        assertThat(warning.at("/detail/spendNeeded").asLong()).isEqualTo(10000);
        assertThat(warning.at("/detail/keepBy").asText()).isEqualTo("2026-06-30");
        JsonNode sms = LocalApi.await(Duration.ofSeconds(20), () -> warningSmsTo(phone).stream().findFirst(),
                "the downgrade warning SMS");
        assertThat(sms.path("message").asText())
                .isEqualTo("Чтобы сохранить скидку 5%, совершите покупки до 2026-06-30 на сумму: 100.00 EUR.");

        clock("2026-06-25T00:05:00Z");
        assertThat(runSchedule().at("/result/levelWarningsSent").asInt()).as("once per fall date").isZero();

        clock("2026-07-01T00:05:00Z");
        runSchedule();
        JsonNode fell = LocalApi.await(Duration.ofSeconds(20), () -> lapse(memberId), "the lapse's TierChanged");
        assertThat(fell.at("/detail/toLevelBp").asInt()).isZero();
        assertThat(events("DiscountLevelFalling", memberId)).isEqualTo(1);
        assertThat(warningSmsTo(phone)).as("one warning SMS").hasSize(1);
    }

    private static Optional<JsonNode> lapse(String memberId) {
        for (JsonNode event : api.get("/_local/events", null).json()) {
            if ("TierChanged".equals(event.path("detail-type").asText())
                    && memberId.equals(event.path("detail").path("memberId").asText())
                    && "lapse".equals(event.path("detail").path("reason").asText())) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }

    private static List<JsonNode> warningSmsTo(String phone) {
        return smsTo(phone).stream().filter(m -> m.path("message").asText().startsWith("Чтобы сохранить")).toList();
    }

    private static void clock(String now) {
        assertThat(api.post("/_local/clock", null, null, "{\"now\": \"" + now + "\"}").status()).isEqualTo(200);
    }

    private static JsonNode runSchedule() {
        LocalApi.Response run = api.post("/_local/schedules/DailyExpiry", null, null, "");
        assertThat(run.status()).as(run.body()).isEqualTo(200);
        return run.json();
    }

    private static long events(String detailType, String memberId) {
        long count = 0;
        for (JsonNode event : api.get("/_local/events", null).json()) {
            if (detailType.equals(event.path("detail-type").asText())
                    && memberId.equals(event.path("detail").path("memberId").asText())) {
                count++;
            }
        }
        return count;
    }

    private static List<JsonNode> reminderSmsTo(String phone) {
        return smsTo(phone).stream().filter(m -> m.path("message").asText().startsWith("Puncte care expiră")).toList();
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
