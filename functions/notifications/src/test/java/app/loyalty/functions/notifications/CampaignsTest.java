package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.member.MemberProfile;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sns.model.PublishRequest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static app.loyalty.functions.notifications.NotificationsFixture.invoke;
import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Campaign routes and sends against the in-memory table, with an injected clock, a recording SNS and scheduler. */
class CampaignsTest {
    static final String CAMPAIGNS = "/v1/programs/{programId}/campaigns";

    final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    final Caller operator = Caller.operator();
    AppContext context;
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> api;
    NotificationsHandler notifications;
    RecordingSns sns;
    RecordingScheduler scheduler;
    NotificationsFixture fixture;
    String programId;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        scheduler = new RecordingScheduler();
        api = ContractChecked.handler(new NotificationsApiHandler(context, scheduler));
        sns = new RecordingSns();
        notifications = new NotificationsHandler(context, sns, NotificationsHandlerTest.TOPIC,
                new RequestLog(new PrintStream(new ByteArrayOutputStream())));
        fixture = new NotificationsFixture(context);
        programId = fixture.program();
    }

    /** A member with a phone, the consents and preferences given, and the profile figures a purchase history leaves. */
    String member(Consents consents, Map<String, String> preferences, List<String> tags, String lastPurchaseDay, long purchases,
                  long spend) {
        return member(consents, preferences, tags, lastPurchaseDay, purchases, spend, "1990-12-15");
    }

    String member(Consents consents, Map<String, String> preferences, List<String> tags, String lastPurchaseDay, long purchases,
                  long spend, String birthDate) {
        String memberId = "mbr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Member member = new Member(memberId, programId, MemberKind.CUSTOMER,
                new MemberProfile("Ana", "+37369000001", "ana@example.md", LocalDate.parse(birthDate), preferences),
                consents, Member.Status.ACTIVE, "8000000000000011", clock.instant(), "mch_test");
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder()
                .transactItems(new MemberRepository(context.dynamo(), context.tableName()).enrol(member)).build());
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(":count", Attr.n(purchases), ":spend", Attr.n(spend),
                ":days", AttributeValue.fromM(lastPurchaseDay == null ? Map.of() : Map.of(lastPurchaseDay, Attr.n(spend)))));
        String update = "SET purchaseCount = :count, totalSpend = :spend, spendByDay = :days";
        if (!tags.isEmpty()) {
            update += ", tags = :tags";
            values.put(":tags", AttributeValue.fromSs(tags));
        }
        context.dynamo().updateItem(UpdateItemRequest.builder().tableName(context.tableName())
                .key(MemberRepository.profileKey(memberId)).updateExpression(update).expressionAttributeValues(values).build());
        return memberId;
    }

    static final Consents SMS = new Consents(true, false, false);

    static String campaign(String sendAt, String segment, String extra) {
        return """
                {"name": "Winter latte", "segment": %s, "sendAt": "%s", "channels": ["sms"],
                 "messages": {"en": {"subject": "Latte week", "body": "Your {products} is 20%% off, {points} points waiting"},
                              "ro": {"subject": "Săptămâna latte", "body": "{products} -20%%, puncte: {points}"}}%s}
                """.formatted(segment, sendAt, extra);
    }

    static final String OFFER = ", \"personalOffer\": {\"fallback\": \"coffee\"}";

    APIGatewayV2HTTPResponse create(String key, String body) {
        return api.handleRequest(post("POST " + CAMPAIGNS, Map.of("programId", programId), operator, key, body), null);
    }

    JsonNode read(String campaignId) {
        APIGatewayV2HTTPResponse response = api.handleRequest(get("GET " + CAMPAIGNS + "/{campaignId}",
                Map.of("programId", programId, "campaignId", campaignId), Map.of(), operator), null);
        assertThat(response.getStatusCode()).isEqualTo(200);
        return json(response);
    }

    JsonNode runScheduled(String campaignId) {
        RecordingScheduler.Scheduled scheduled = scheduler.schedules.get(Campaigns.scheduleName(campaignId));
        assertThat(scheduled).as("the campaign's one-time schedule").isNotNull();
        try {
            return invoke(notifications, LambdaJson.MAPPER.readTree(scheduled.input()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<String> smsTo(String memberPhone) {
        return sns.published.stream().filter(p -> memberPhone.equals(p.phoneNumber())).map(PublishRequest::message).toList();
    }

    @Test
    void create_schedulesAOneTimeSend_andARetryWithTheKeyChangesNothing() {
        String body = campaign("2026-12-02T12:00:00Z", "{\"tags\": [\"coffee\"]}", OFFER);
        APIGatewayV2HTTPResponse first = create("campaign-key-0001", body);
        assertThat(first.getStatusCode()).isEqualTo(201);
        JsonNode created = json(first);
        String campaignId = created.get("campaignId").asText();
        assertThat(created.get("status").asText()).isEqualTo("scheduled");
        assertThat(scheduler.schedules).containsOnlyKeys(Campaigns.scheduleName(campaignId));
        assertThat(scheduler.schedules.get(Campaigns.scheduleName(campaignId)).at()).isEqualTo(Instant.parse("2026-12-02T12:00:00Z"));
        assertThat(SdkCampaignScheduler.expression(Instant.parse("2026-12-02T12:00:00Z"))).isEqualTo("at(2026-12-02T12:00:00)");

        APIGatewayV2HTTPResponse replay = create("campaign-key-0001", body);
        assertThat(replay.getStatusCode()).isEqualTo(201);
        assertThat(json(replay)).isEqualTo(created);
        assertThat(scheduler.schedules).hasSize(1);
        assertProblem(create("campaign-key-0001", body.replace("Winter latte", "Summer")), 422, "idempotency-key-reused");
        String soon = campaign("2026-12-01T11:00:00Z", "{}", OFFER);
        JsonNode soonCreated = json(create("campaign-key-0100", soon));
        clock.set(Instant.parse("2026-12-01T12:00:00Z"));
        assertThat(json(create("campaign-key-0100", soon))).as("a retry after sendAt replays, it is not refused").isEqualTo(soonCreated);
        assertThat(scheduler.schedules).as("and makes no new schedule").hasSize(2);
        clock.set(Instant.parse("2026-12-02T13:00:00Z"));
        assertProblem(create("campaign-key-0001", body), 409, "conflict"); // the key's record is gone after 24 h; the campaign stays
        clock.set(Instant.parse("2026-12-01T10:00:00Z"));

        APIGatewayV2HTTPResponse list = api.handleRequest(get("GET " + CAMPAIGNS, Map.of("programId", programId), Map.of(), operator), null);
        assertThat(json(list).get("items")).hasSize(2);
        assertThat(read(campaignId).get("results").get("targeted").asLong()).isZero();
    }

    @Test
    void invalidCampaigns_areRefusedWith400_andNothingIsScheduledOrStored() {
        assertProblem(create("campaign-key-0002", campaign("2026-12-01T10:00:30Z", "{}", OFFER)), 400, "validation-failed");
        assertProblem(create("campaign-key-0003", campaign("2026-12-02T12:00:00Z", "{}", "")), 400, "validation-failed");
        assertProblem(create("campaign-key-0004", campaign("2026-12-02T12:00:00Z", "{\"birthdayMonth\": 13}", OFFER)), 400, "validation-failed");
        assertProblem(create("campaign-key-0005", campaign("2026-12-02T12:00:00Z", "{}", OFFER).replace("{points}", "{pionts}")), 400,
                "validation-failed");
        assertProblem(create("campaign-key-0006", campaign("2026-12-02T12:00:00Z", "{\"colour\": \"red\"}", OFFER)), 400, "validation-failed");
        assertThat(scheduler.schedules).isEmpty();
        APIGatewayV2HTTPResponse list = api.handleRequest(get("GET " + CAMPAIGNS, Map.of("programId", programId), Map.of(), operator), null);
        assertThat(json(list).get("items")).isEmpty();
    }

    @Test
    void aCampaignForAProgramThatDoesNotExist_is404_andItsScheduleIsDeletedAgain() {
        programId = "prg_doesnotexist0000000";
        assertProblem(create("campaign-key-0007", campaign("2026-12-02T12:00:00Z", "{}", OFFER)), 404, "not-found");
        assertThat(scheduler.schedules).isEmpty();
    }

    @Test
    void dryRun_countsTheSegment_andPerChannelThoseWithConsent() {
        member(SMS, Map.of(), List.of("coffee"), "2026-11-20", 3, 9_000);
        member(new Consents(true, true, false), Map.of(), List.of("coffee"), null, 0, 0);
        member(Consents.NONE, Map.of(), List.of("coffee"), "2026-11-01", 1, 500);
        member(SMS, Map.of(), List.of("tea"), "2026-11-20", 3, 9_000);

        APIGatewayV2HTTPResponse response = api.handleRequest(post("POST " + CAMPAIGNS + "/dry-run", Map.of("programId", programId),
                operator, null, "{\"segment\": {\"tags\": [\"coffee\"]}, \"channels\": [\"sms\", \"email\"]}"), null);
        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode counts = json(response);
        assertThat(counts.get("targeted").asLong()).isEqualTo(3);
        assertThat(counts.get("reachable").asLong()).isEqualTo(2);
        assertThat(counts.get("skippedNoConsent").asLong()).isEqualTo(1);
        assertThat(counts.get("byChannel").get("sms").asLong()).isEqualTo(2);
        assertThat(counts.get("byChannel").get("email").asLong()).isEqualTo(1);
        assertThat(counts.get("membersRead").asLong()).isEqualTo(4);

        JsonNode recent = json(api.handleRequest(post("POST " + CAMPAIGNS + "/dry-run", Map.of("programId", programId), operator,
                null, "{\"segment\": {\"lastPurchaseAfter\": \"2026-11-10\", \"minRfm\": {\"frequency\": 2}}}"), null));
        assertThat(recent.get("targeted").asLong()).as("bought after 10 Nov, at least 2 purchases").isEqualTo(2);
    }

    @Test
    void theScheduledSend_reachesEachConsentingSegmentMemberOnce_inTheirLanguage_andARerunChangesNothing() {
        String latteLover = member(SMS, Map.of("language", "ro", "preferredProducts", "latte"), List.of("coffee"), "2026-11-20", 3, 9_000);
        String plain = member(SMS, Map.of(), List.of("coffee"), "2026-11-20", 1, 100);
        member(Consents.NONE, Map.of(), List.of("coffee"), "2026-11-20", 1, 100);
        member(SMS, Map.of(), List.of("tea"), "2026-11-20", 1, 100);
        String campaignId = json(create("campaign-key-0010", campaign("2026-12-02T12:00:00Z", "{\"tags\": [\"coffee\"]}", OFFER)))
                .get("campaignId").asText();

        JsonNode early = runScheduled(campaignId);
        assertThat(early.get("outcome").asText()).as("a fire before sendAt sends nothing").startsWith("not-run");
        assertThat(sns.published).isEmpty();

        clock.set(Instant.parse("2026-12-02T12:00:05Z"));
        JsonNode run = runScheduled(campaignId);
        assertThat(run.get("outcome").asText()).isEqualTo("sent");
        assertThat(sns.published).hasSize(2);
        assertThat(sns.published).extracting(PublishRequest::message)
                .containsExactlyInAnyOrder("latte -20%, puncte: 0", "Your coffee is 20% off, 0 points waiting");

        JsonNode campaign = read(campaignId);
        assertThat(campaign.get("status").asText()).isEqualTo("sent");
        assertThat(campaign.get("results").get("targeted").asLong()).isEqualTo(3);
        assertThat(campaign.get("results").get("sent").asLong()).isEqualTo(2);
        assertThat(campaign.get("results").get("skippedNoConsent").asLong()).isEqualTo(1);
        assertThat(campaign.get("results").get("failed").asLong()).isZero();

        Map<String, AttributeValue> item = new CampaignStore(context.dynamo(), context.tableName()).read(programId, campaignId).orElseThrow();
        List<app.loyalty.shared.events.DomainEvent> outbox = item.get(app.loyalty.shared.store.TableSchema.OUTBOX).l().stream()
                .map(AttributeValue::s).map(app.loyalty.shared.events.Outbox::decode).toList();
        assertThat(outbox).singleElement().satisfies(event -> {
            assertThat(event.detailType()).isEqualTo("CampaignSent");
            assertThat(event.data()).containsEntry("campaignId", campaignId);
        });
        assertThat(app.loyalty.shared.testing.EventSchemas.violations(outbox)).isEmpty();

        runScheduled(campaignId);
        clock.advance(Duration.ofHours(1));
        invoke(notifications, LambdaJson.MAPPER.createObjectNode().put("job", NotificationsHandler.SEND_DEFERRED));
        assertThat(sns.published).as("a repeated run or a sweep sends nothing more").hasSize(2);
        assertThat(read(campaignId)).isEqualTo(campaign);
        assertThat(latteLover).isNotEqualTo(plain);
    }

    @Test
    void aSendThatDiesMidway_isResumedByTheSweep_andNobodyGetsTwoMessages() {
        for (int i = 0; i < 5; i++) {
            member(SMS, Map.of(), List.of(), "2026-11-20", 1, 100);
        }
        String campaignId = json(create("campaign-key-0011", campaign("2026-12-02T12:00:00Z", "{}", OFFER))).get("campaignId").asText();
        clock.set(Instant.parse("2026-12-02T12:00:00Z"));
        CrashingSns crashing = new CrashingSns(2);
        NotificationsHandler dying = new NotificationsHandler(context, crashing, NotificationsHandlerTest.TOPIC,
                new RequestLog(new PrintStream(new ByteArrayOutputStream())));
        try {
            runScheduledWith(dying, campaignId);
        } catch (IllegalStateException crash) {
            assertThat(crash).hasMessageContaining("crash");
        }
        assertThat(crashing.published).hasSize(2);
        assertThat(read(campaignId).get("status").asText()).isEqualTo("sending");

        // While the dead run's lease lasts, the sweep leaves it alone; after, it resumes from the checkpoint.
        invoke(notifications, LambdaJson.MAPPER.createObjectNode().put("job", NotificationsHandler.SEND_DEFERRED));
        assertThat(sns.published).isEmpty();
        clock.advance(CampaignStore.LEASE.plusSeconds(1));
        invoke(notifications, LambdaJson.MAPPER.createObjectNode().put("job", NotificationsHandler.SEND_DEFERRED));

        // 2 sent before the crash, 1 claimed and cut short (never sent twice), 2 sent by the resumed run.
        assertThat(sns.published).hasSize(2);
        JsonNode campaign = read(campaignId);
        assertThat(campaign.get("status").asText()).isEqualTo("sent");
        assertThat(campaign.get("results").get("targeted").asLong()).isEqualTo(5);
        assertThat(campaign.get("results").get("sent").asLong()).isEqualTo(5);
    }

    @Test
    void theDailyJob_sendsBirthdayAndWeMissYou_oncePerYearAndLapse() {
        String birthdayMember = member(SMS, Map.of(), List.of(), "2026-11-30", 1, 100); // born 1990-12-15
        String lapsed = member(SMS, Map.of("preferredProducts", "croissant"), List.of(), "2026-09-01", 2, 900, "1985-06-01");
        member(SMS, Map.of(), List.of(), "2026-10-16", 1, 100, "1985-06-01"); // exactly 60 days before 15 Dec: lapsed today
        member(SMS, Map.of(), List.of(), "2026-10-17", 1, 100, "1985-06-01"); // 59 days: not yet
        member(SMS, Map.of(), List.of(), null, 0, 0, "1985-06-01"); // never bought: no lapse
        APIGatewayV2HTTPResponse put = api.handleRequest(post("PUT /v1/programs/{programId}/auto-campaigns",
                Map.of("programId", programId), operator, null, """
                {"birthday": {"channels": ["sms"], "messages": {"en": {"subject": "Happy birthday", "body": "Happy birthday!"}}},
                 "weMissYou": {"afterDays": 60, "channels": ["sms"], "personalOffer": {"fallback": "coffee"},
                               "messages": {"en": {"subject": "We miss you", "body": "A {products} is waiting"}}}}"""), null);
        assertThat(put.getStatusCode()).as(put.getBody()).isEqualTo(200);

        clock.set(Instant.parse("2026-12-15T09:00:00Z"));
        JsonNode daily = LambdaJson.MAPPER.createObjectNode().put("job", Campaigns.DAILY_CAMPAIGNS);
        invoke(notifications, daily);
        assertThat(sns.published).extracting(PublishRequest::message)
                .containsExactlyInAnyOrder("Happy birthday!", "A croissant is waiting", "A coffee is waiting");

        invoke(notifications, daily);
        clock.set(Instant.parse("2026-12-16T09:00:00Z"));
        invoke(notifications, daily);
        assertThat(sns.published).as("the same day again; the next day only the member lapsed since").hasSize(4);

        clock.set(Instant.parse("2027-12-15T09:00:00Z"));
        invoke(notifications, daily);
        assertThat(sns.published).as("next year: the birthday again, and the birthday member (last bought 30 Nov 2026) has lapsed by now; the other lapses are the same lapses").hasSize(6);
        assertThat(birthdayMember).isNotEqualTo(lapsed);
    }

    /** events/scheduler holds what the one-time and the daily schedules deliver, and the handler takes exactly that. */
    @Test
    void theSchedulerSamples_areWhatTheSchedulesDeliver() throws java.io.IOException {
        JsonNode sample;
        try (java.io.InputStream in = CampaignsTest.class.getResourceAsStream("/scheduler/campaign-send.json")) {
            sample = LambdaJson.MAPPER.readTree(in);
        }
        JsonNode made = LambdaJson.MAPPER.readTree(Campaigns.scheduleInput(LambdaJson.MAPPER,
                sample.get("programId").asText(), sample.get("campaignId").asText()));
        assertThat(made).isEqualTo(sample);
        try (java.io.InputStream in = CampaignsTest.class.getResourceAsStream("/scheduler/daily-campaigns.json")) {
            assertThat(LambdaJson.MAPPER.readTree(in).get("job").asText()).isEqualTo(Campaigns.DAILY_CAMPAIGNS);
        }
        assertThat(invoke(notifications, made).get("outcome").asText()).as("an unknown campaign is not run").isEqualTo("not-run:not-found");
    }

    private void runScheduledWith(NotificationsHandler handler, String campaignId) {
        try {
            invoke(handler, LambdaJson.MAPPER.readTree(scheduler.schedules.get(Campaigns.scheduleName(campaignId)).input()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void cancel_beforeTheSend_deletesTheSchedule_andTheSendDoesNothing_butASentCampaignCannotBeCancelled() {
        member(SMS, Map.of(), List.of(), "2026-11-20", 1, 100);
        String campaignId = json(create("campaign-key-0012", campaign("2026-12-02T12:00:00Z", "{}", OFFER))).get("campaignId").asText();
        String input = scheduler.schedules.get(Campaigns.scheduleName(campaignId)).input();
        APIGatewayV2HTTPResponse cancelled = api.handleRequest(post("POST " + CAMPAIGNS + "/{campaignId}/cancel",
                Map.of("programId", programId, "campaignId", campaignId), operator, "cancel-key-0001", null), null);
        assertThat(cancelled.getStatusCode()).isEqualTo(200);
        assertThat(json(cancelled).get("status").asText()).isEqualTo("cancelled");
        assertThat(scheduler.schedules).isEmpty();

        clock.set(Instant.parse("2026-12-02T12:00:00Z"));
        try {
            invoke(notifications, LambdaJson.MAPPER.readTree(input)); // a schedule that fired anyway
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(sns.published).isEmpty();

        clock.set(Instant.parse("2026-12-01T10:00:00Z"));
        String sentId = json(create("campaign-key-0013", campaign("2026-12-02T12:00:00Z", "{}", OFFER))).get("campaignId").asText();
        clock.set(Instant.parse("2026-12-02T12:00:00Z"));
        runScheduled(sentId);
        assertProblem(api.handleRequest(post("POST " + CAMPAIGNS + "/{campaignId}/cancel",
                Map.of("programId", programId, "campaignId", sentId), operator, "cancel-key-0002", null), null), 409, "conflict");
        assertProblem(api.handleRequest(post("POST " + CAMPAIGNS + "/{campaignId}/cancel",
                Map.of("programId", programId, "campaignId", "cmp_00000000000000000000"), operator, "cancel-key-0003", null), null),
                404, "not-found");
    }

    /** Publishes {@code before} messages, then dies as a crashed container would (not an SNS error: nothing is recorded). */
    static final class CrashingSns implements software.amazon.awssdk.services.sns.SnsClient {
        final List<PublishRequest> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final int before;

        CrashingSns(int before) {
            this.before = before;
        }

        @Override
        public software.amazon.awssdk.services.sns.model.PublishResponse publish(PublishRequest request) {
            if (published.size() >= before) {
                throw new IllegalStateException("crash in the middle of the send");
            }
            published.add(request);
            return software.amazon.awssdk.services.sns.model.PublishResponse.builder().messageId(UUID.randomUUID().toString()).build();
        }

        @Override
        public String serviceName() {
            return "sns";
        }

        @Override
        public void close() {
        }
    }
}
