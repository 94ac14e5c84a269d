package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.domain.notify.NotificationSettings;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.sns.model.PublishRequest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static app.loyalty.functions.notifications.NotificationsFixture.event;
import static app.loyalty.functions.notifications.NotificationsFixture.invoke;
import static app.loyalty.functions.notifications.NotificationsFixture.sendDeferred;
import static app.loyalty.functions.notifications.NotificationsFixture.withDetail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationsHandlerTest {
    static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:loyalty-notifications";
    private static final Consents SMS_ONLY = new Consents(true, false, false);

    /** Noon in Chisinau (UTC+2 in winter): outside any quiet hours the tests set. */
    final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    AppContext context;
    RecordingSns sns;
    NotificationsHandler handler;
    NotificationsFixture fixture;
    String programId;

    /** The table the handler runs on: in-process DynamoDB Local here; the IT runs the same on the emulator. */
    AppContext newContext(java.time.Clock clock) {
        return TestContexts.appContext(clock);
    }

    @BeforeEach
    void setUp() {
        context = newContext(clock);
        sns = new RecordingSns();
        handler = new NotificationsHandler(context, sns, TOPIC, new RequestLog(new PrintStream(new ByteArrayOutputStream())));
        fixture = new NotificationsFixture(context);
        programId = fixture.program();
    }

    @Test
    void pointsAccrued_sendsOneSmsToThePhone_inTheMembersLanguage() {
        String memberId = fixture.member(programId, SMS_ONLY, "ro");

        invoke(handler, event("points-accrued.json", programId, memberId));

        assertThat(sns.published).hasSize(1);
        PublishRequest sms = sns.published.get(0);
        assertThat(sms.phoneNumber()).isEqualTo(NotificationsFixture.PHONE);
        assertThat(sms.topicArn()).isNull();
        assertThat(sms.message()).isEqualTo("Pentru cumpărătură ați primit puncte: 112. Vă mulțumim!");
        assertThat(sms.messageAttributes().get("channel").stringValue()).isEqualTo("sms");
        assertThat(messages(memberId)).singleElement().satisfies(item -> {
            assertThat(Attr.string(item, "outcome")).isEqualTo("sent");
            assertThat(Attr.string(item, "channel")).isEqualTo("sms");
            assertThat(Attr.string(item, "eventType")).isEqualTo("PointsAccrued");
            assertThat(Attr.string(item, "language")).isEqualTo("ro");
            assertThat(item.values().stream().map(AttributeValue::s))
                    .as("the log keeps no phone, email or text").doesNotContain(NotificationsFixture.PHONE, NotificationsFixture.EMAIL, sms.message());
        });
    }

    @Test
    void emailAndPush_goToTheTopic_withTheChannelAttribute_andOnlyEmailCarriesTheAddress() throws Exception {
        String memberId = fixture.member(programId, new Consents(false, true, true), "en");

        invoke(handler, event("points-expiring-soon.json", programId, memberId));

        assertThat(sns.published).hasSize(2).allSatisfy(request -> {
            assertThat(request.topicArn()).isEqualTo(TOPIC);
            assertThat(request.phoneNumber()).isNull();
        });
        Map<String, JsonNode> byChannel = new java.util.HashMap<>();
        for (PublishRequest request : sns.published) {
            JsonNode body = Json.MAPPER.readTree(request.message());
            assertThat(body.get("channel").asText()).isEqualTo(request.messageAttributes().get("channel").stringValue());
            byChannel.put(body.get("channel").asText(), body);
        }
        assertThat(byChannel.keySet()).containsExactlyInAnyOrder("email", "push");
        assertThat(byChannel.get("email").get("to").asText()).isEqualTo(NotificationsFixture.EMAIL);
        assertThat(byChannel.get("email").get("subject").asText()).isEqualTo("112 points expire on 2027-11-24");
        assertThat(byChannel.get("push").has("to")).isFalse();
        assertThat(byChannel.get("push").get("memberId").asText()).isEqualTo(memberId);
    }

    @Test
    void withoutConsent_nothingIsSent_andNothingRecorded() {
        String memberId = fixture.member(programId, new Consents(false, false, false), "en");

        invoke(handler, event("points-accrued.json", programId, memberId));

        assertThat(sns.published).isEmpty();
        assertThat(messages(memberId)).isEmpty();
    }

    @Test
    void language_russianForRu_programDefaultForAnUnsupportedOne() {
        String russian = fixture.member(programId, SMS_ONLY, "ru-MD");
        String german = fixture.member(programId, SMS_ONLY, "de");
        new SettingsRepository(context.dynamo(), context.tableName(), clock, context.json())
                .replace(programId, new NotificationSettings(null, "ro", null, null, null));

        invoke(handler, event("points-expired.json", programId, russian));
        invoke(handler, event("points-expired.json", programId, german));

        assertThat(sns.published).extracting(PublishRequest::message)
                .containsExactly("Сгорели баллы: 112.", "Au expirat puncte: 112.");
    }

    @Test
    void quietHours_deferToTheirEndInTheProgramsZone_andTheSweepSendsOnceThen() {
        new SettingsRepository(context.dynamo(), context.tableName(), clock, context.json()).replace(programId,
                new NotificationSettings("Europe/Chisinau", null, new NotificationSettings.QuietHoursSetting("21:00", "09:00"), null, null));
        String memberId = fixture.member(programId, SMS_ONLY, "en");
        clock.set(Instant.parse("2026-11-23T20:30:00Z")); // 22:30 in Chisinau

        invoke(handler, event("points-accrued.json", programId, memberId));

        assertThat(sns.published).isEmpty();
        assertThat(messages(memberId)).singleElement().satisfies(item -> {
            assertThat(Attr.string(item, "outcome")).isEqualTo("deferred");
            assertThat(Attr.string(item, "sendAfter")).isEqualTo("2026-11-24T07:00:00Z"); // 09:00 local
        });

        clock.set(Instant.parse("2026-11-24T06:59:59Z"));
        assertThat(sendDeferred(handler).get("sent").asInt()).isZero();
        clock.set(Instant.parse("2026-11-24T07:00:00Z"));
        assertThat(sendDeferred(handler).get("sent").asInt()).isEqualTo(1);
        assertThat(sendDeferred(handler).get("sent").asInt()).isZero();

        assertThat(sns.published).singleElement().satisfies(sms ->
                assertThat(sms.message()).isEqualTo("You earned 112 points with your purchase. Thank you!"));
        assertThat(messages(memberId)).singleElement().satisfies(item -> {
            assertThat(Attr.string(item, "outcome")).isEqualTo("sent");
            assertThat(item).doesNotContainKeys("detail", TableSchema.GSI1_PK);
        });
    }

    @Test
    void quietHours_consentWithdrawnWhileDeferred_sendsNothing() {
        new SettingsRepository(context.dynamo(), context.tableName(), clock, context.json()).replace(programId,
                new NotificationSettings("UTC", null, new NotificationSettings.QuietHoursSetting("08:00", "12:00"), null, null));
        String memberId = fixture.member(programId, SMS_ONLY, "en");
        invoke(handler, event("points-accrued.json", programId, memberId));
        context.dynamo().updateItem(r -> r.tableName(context.tableName())
                .key(app.loyalty.shared.store.MemberRepository.profileKey(memberId))
                .updateExpression("SET consents.sms = :no").expressionAttributeValues(Map.of(":no", Attr.bool(false))));

        clock.advance(Duration.ofHours(3));
        sendDeferred(handler);

        assertThat(sns.published).isEmpty();
        assertThat(messages(memberId)).singleElement().satisfies(item ->
                assertThat(Attr.string(item, "outcome")).isEqualTo("skipped-no-consent"));
    }

    @Test
    void duplicateDelivery_sendsOneMessage() {
        String memberId = fixture.member(programId, SMS_ONLY, "en");
        ObjectNode accrued = event("points-accrued.json", programId, memberId);

        invoke(handler, accrued);
        JsonNode second = invoke(handler, accrued);
        clock.advance(Duration.ofHours(1));
        invoke(handler, accrued);

        assertThat(sns.published).hasSize(1);
        assertThat(second.at("/outcomes/sms").asText()).isEqualTo("duplicate");
        assertThat(messages(memberId)).hasSize(1);
    }

    @Test
    void outOfOrder_anOlderTierChangeAfterANewerOne_isNotSent() {
        String memberId = fixture.member(programId, SMS_ONLY, "en");
        ObjectNode newer = withDetail(withDetail(event("tier-changed.json", programId, memberId),
                "eventId", "11111111-1111-4111-8111-111111111111"), "at", "2026-03-21T12:00:00Z");
        ObjectNode older = event("tier-changed.json", programId, memberId); // at 2026-03-20

        invoke(handler, newer);
        invoke(handler, older);
        invoke(handler, newer); // a redelivery of the newest is a duplicate, not stale

        assertThat(sns.published).singleElement().satisfies(sms ->
                assertThat(sms.message()).isEqualTo("Your card now gives 15% off (level silver)."));
        assertThat(messages(memberId)).extracting(item -> Attr.string(item, "outcome"))
                .containsExactlyInAnyOrder("sent", "skipped-stale");
    }

    @Test
    void outOfOrder_anExpiryWarningArrivingAfterTheExpiry_isNotSent() {
        String memberId = fixture.member(programId, SMS_ONLY, "en");
        clock.set(Instant.parse("2027-11-24T00:00:00Z")); // exactly expiresAt: the points are gone

        invoke(handler, event("points-expiring-soon.json", programId, memberId));

        assertThat(sns.published).isEmpty();
        assertThat(messages(memberId)).singleElement().satisfies(item ->
                assertThat(Attr.string(item, "outcome")).isEqualTo("skipped-stale"));
    }

    @Test
    void failedPublish_failsTheInvocation_andTheRetrySendsItOnce() {
        String memberId = fixture.member(programId, SMS_ONLY, "en");
        ObjectNode accrued = event("points-accrued.json", programId, memberId);
        sns.failing = true;

        assertThatThrownBy(() -> invoke(handler, accrued)).isInstanceOf(Notifier.NotificationFailedException.class);
        assertThat(messages(memberId)).singleElement().satisfies(item -> {
            assertThat(Attr.string(item, "outcome")).isEqualTo("failed");
            assertThat(Attr.string(item, "error")).isEqualTo("InternalError");
        });

        sns.failing = false;
        invoke(handler, accrued); // Lambda's retry
        invoke(handler, accrued); // and a late duplicate

        assertThat(sns.published).hasSize(1);
        assertThat(messages(memberId)).singleElement().satisfies(item -> {
            assertThat(Attr.string(item, "outcome")).isEqualTo("sent");
            assertThat(Attr.number(item, "attempts")).isEqualTo(2);
        });
    }

    @Test
    void programTemplatesAndChannels_overrideTheDefaults() {
        new SettingsRepository(context.dynamo(), context.tableName(), clock, context.json()).replace(programId,
                new NotificationSettings(null, null, null,
                        Map.of("PointsAccrued", List.of("sms")),
                        Map.of("PointsAccrued", Map.of("en", new app.loyalty.shared.domain.notify.MessageTemplate(
                                "Points!", "+{points} at Coffee Club")))));
        String memberId = fixture.member(programId, new Consents(true, true, true), "en");

        invoke(handler, event("points-accrued.json", programId, memberId));

        assertThat(sns.published).singleElement().satisfies(sms -> assertThat(sms.message()).isEqualTo("+112 at Coffee Club"));
        assertThat(messages(memberId)).singleElement().satisfies(item ->
                assertThat(Attr.string(item, "templateSource")).isEqualTo("program"));
    }

    @Test
    void everyConsumedSample_rendersAMessage() {
        String memberId = fixture.member(programId, SMS_ONLY, "en");
        clock.set(Instant.parse("2026-11-23T10:00:00Z"));
        for (String sample : List.of("points-accrued.json", "points-redeemed.json", "points-activated.json",
                "points-expiring-soon.json", "points-expired.json", "tier-changed.json")) {
            invoke(handler, event(sample, programId, memberId));
        }
        assertThat(sns.published).hasSize(6).allSatisfy(sms -> assertThat(sms.message()).doesNotContain("{", "}"));
    }

    @Test
    void otherEvents_areIgnored() {
        String memberId = fixture.member(programId, SMS_ONLY, "en");
        ObjectNode held = event("points-accrued.json", programId, memberId).put("detail-type", "PointsHeld");

        invoke(handler, held);

        assertThat(sns.published).isEmpty();
    }

    List<Map<String, AttributeValue>> messages(String memberId) {
        return context.dynamo().query(QueryRequest.builder().tableName(context.tableName())
                .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", Attr.s(MessageLog.partition(memberId))))
                .consistentRead(true).build()).items().stream()
                .filter(item -> Attr.string(item, TableSchema.SK).startsWith(MessageLog.PREFIX)).toList();
    }
}
