package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static app.loyalty.functions.notifications.NotificationsFixture.event;
import static app.loyalty.functions.notifications.NotificationsFixture.invoke;
import static app.loyalty.functions.notifications.NotificationsFixture.withDetail;
import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

class NotificationsApiHandlerTest {
    private static final String MESSAGES = "GET /v1/programs/{programId}/members/{memberId}/messages";
    private static final String SETTINGS = "/v1/programs/{programId}/notification-settings";

    final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    AppContext context;
    /** Every exchange is held to openapi.yaml. */
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> api;
    NotificationsHandler notifications;
    RecordingSns sns;
    NotificationsFixture fixture;
    String programId;
    final Caller operator = Caller.operator();

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        api = ContractChecked.handler(new NotificationsApiHandler(context, new RecordingScheduler()));
        sns = new RecordingSns();
        notifications = new NotificationsHandler(context, sns, NotificationsHandlerTest.TOPIC,
                new RequestLog(new PrintStream(new ByteArrayOutputStream())));
        fixture = new NotificationsFixture(context);
        programId = fixture.program();
    }

    @Test
    void messages_pageNewestFirst_throughEveryEntry_withoutContactOrText() {
        String memberId = fixture.member(programId, new Consents(true, true, false), "en");
        for (int i = 0; i < 3; i++) {
            invoke(notifications, withDetail(withDetail(event("points-accrued.json", programId, memberId),
                    "eventId", "00000000-0000-4000-8000-00000000000" + i), "occurredAt", "2026-11-23T09:0" + i + ":00Z"));
        }

        List<JsonNode> seen = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, String> query = cursor == null ? Map.of("limit", "4") : Map.of("limit", "4", "cursor", cursor);
            APIGatewayV2HTTPResponse response = api.handleRequest(get(MESSAGES,
                    Map.of("programId", programId, "memberId", memberId), query, operator), null);
            assertThat(response.getStatusCode()).isEqualTo(200);
            JsonNode page = json(response);
            page.get("items").forEach(seen::add);
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);

        assertThat(seen).hasSize(6); // three events, sms and email each
        assertThat(seen).extracting(m -> m.get("occurredAt").asText())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(seen).allSatisfy(m -> {
            assertThat(m.get("outcome").asText()).isEqualTo("sent");
            assertThat(m.toString()).doesNotContain(NotificationsFixture.PHONE, NotificationsFixture.EMAIL);
        });
    }

    @Test
    void messages_ofAMemberOfAnotherProgram_are404() {
        String memberId = fixture.member(fixture.program(), new Consents(true, false, false), "en");

        APIGatewayV2HTTPResponse response = api.handleRequest(get(MESSAGES,
                Map.of("programId", programId, "memberId", memberId), Map.of(), operator), null);

        assertProblem(response, 404, "not-found");
    }

    @Test
    void messages_withAForeignCursor_are400() {
        String memberId = fixture.member(programId, new Consents(true, false, false), "en");

        APIGatewayV2HTTPResponse response = api.handleRequest(get(MESSAGES,
                Map.of("programId", programId, "memberId", memberId), Map.of("cursor", "bm90LWEta2V5"), operator), null);

        assertProblem(response, 400, "validation-failed");
    }

    @Test
    void messages_areOperatorOnly() {
        APIGatewayV2HTTPResponse response = api.handleRequest(get(MESSAGES,
                Map.of("programId", programId, "memberId", "mbr_x"), Map.of(), Caller.merchant("mch_a", programId)), null);

        assertProblem(response, 403, "forbidden");
    }

    @Test
    void settings_readDefaults_replace_andReadBack() {
        APIGatewayV2HTTPResponse defaults = api.handleRequest(get("GET " + SETTINGS, Map.of("programId", programId), Map.of(), operator), null);
        assertThat(defaults.getStatusCode()).isEqualTo(200);
        assertThat(json(defaults).at("/settings/timeZone").asText()).isEqualTo("UTC");
        assertThat(json(defaults).at("/settings/defaultLanguage").asText()).isEqualTo("en");

        String body = """
                {"timeZone":"Europe/Chisinau","defaultLanguage":"ro","quietHours":{"start":"21:00","end":"09:00"},
                 "channels":{"PointsRedeemed":[]},
                 "templates":{"PointsAccrued":{"ro":{"subject":"Puncte noi","body":"+{points} puncte la Coffee Club"}}}}""";
        APIGatewayV2HTTPResponse replaced = api.handleRequest(put(body), null);
        assertThat(replaced.getStatusCode()).isEqualTo(200);

        JsonNode read = json(api.handleRequest(get("GET " + SETTINGS, Map.of("programId", programId), Map.of(), operator), null));
        assertThat(read.at("/settings/quietHours/start").asText()).isEqualTo("21:00");
        assertThat(read.at("/settings/templates/PointsAccrued/ro/body").asText()).isEqualTo("+{points} puncte la Coffee Club");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"templates\":{\"PointsAccrued\":{\"en\":{\"subject\":\"Hi\",\"body\":\"{pionts} points\"}}}}",
            "{\"templates\":{\"PointsAccrued\":{\"de\":{\"subject\":\"Hi\",\"body\":\"{points} Punkte\"}}}}",
            "{\"templates\":{\"PointsHeld\":{\"en\":{\"subject\":\"Hi\",\"body\":\"held\"}}}}",
            "{\"quietHours\":{\"start\":\"25:00\",\"end\":\"09:00\"}}",
            "{\"timeZone\":\"Mars/Olympus\"}",
            "{\"channels\":{\"PointsAccrued\":[\"fax\"]}}",
            "{\"channels\":{\"PointsAccrued\":[\"sms\",\"sms\"]}}",
            "{\"defaultLanguage\":\"fr\"}",
            "{\"unknown\":true}"})
    void settings_invalid_are400_andChangeNothing(String body) {
        APIGatewayV2HTTPResponse response = api.handleRequest(put(body), null);

        assertProblem(response, 400, "validation-failed");
        JsonNode read = json(api.handleRequest(get("GET " + SETTINGS, Map.of("programId", programId), Map.of(), operator), null));
        assertThat(read.at("/settings/templates").isEmpty()).isTrue();
        assertThat(read.at("/settings/timeZone").asText()).isEqualTo("UTC");
    }

    @Test
    void settings_ofAnUnknownProgram_are404() {
        APIGatewayV2HTTPResponse response = api.handleRequest(post("PUT " + SETTINGS, Map.of("programId", "prg_nope"),
                operator, null, "{}"), null);

        assertProblem(response, 404, "not-found");
    }

    @Test
    void settings_changeTheNextMessage_afterTheCacheExpires() {
        String memberId = fixture.member(programId, new Consents(true, false, false), "ro");
        api.handleRequest(put("{\"templates\":{\"PointsAccrued\":{\"ro\":{\"subject\":\"Puncte\",\"body\":\"+{points} puncte\"}}}}"), null);
        clock.advance(Duration.ofMinutes(2));

        invoke(notifications, event("points-accrued.json", programId, memberId));

        assertThat(sns.published).singleElement().satisfies(sms -> assertThat(sms.message()).isEqualTo("+112 puncte"));
    }

    private APIGatewayV2HTTPEvent put(String body) {
        return post("PUT " + SETTINGS, Map.of("programId", programId), operator, null, body);
    }
}
