package app.loyalty.local;

import app.loyalty.local.testfunctions.NightlyJobHandler;
import app.loyalty.local.testfunctions.ThingWatcherHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.NotFoundException;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runtime against src/test/resources/test-template.yaml: the real authorizer and relay, test doubles for
 * the rest. Proves Event Ruler delivery (both rule kinds, matching and not), schedules run on demand and on the
 * clock, SNS capture, and the API Gateway event shape.
 */
class LocalRuntimeRulesIT {
    private static final String OPERATOR_KEY = "local-test-operator-key";
    private static LocalRuntime runtime;
    private static LocalApi api;

    @BeforeAll
    static void start() throws URISyntaxException {
        Path template = Path.of(LocalRuntimeRulesIT.class.getResource("/test-template.yaml").toURI());
        runtime = LocalRuntime.start(new LocalRuntime.Options("127.0.0.1", 0, Optional.empty(), template,
                Optional.of(OPERATOR_KEY), "eu-west-1"));
        api = new LocalApi(runtime.url());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @BeforeEach
    void forgetEarlierInvocations() {
        ThingWatcherHandler.RECEIVED.clear();
        NightlyJobHandler.RECEIVED.clear();
    }

    @Test
    void outboxEvent_reachesEveryMatchingRuleTarget_throughStreamRelayAndEventRuler() throws InterruptedException {
        LocalApi.Response created = api.post("/v1/things", OPERATOR_KEY, "thing-big-0001", "{\"name\":\"big\",\"size\":42}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String thingId = created.json().get("thingId").asText();

        ScheduledEvent received = ThingWatcherHandler.RECEIVED.next(20);
        assertThat(received).as("the OnBigThing rule's target was invoked").isNotNull();
        assertThat(received.getDetailType()).isEqualTo("ThingHappened");
        assertThat(received.getSource()).isEqualTo("loyalty");
        assertThat(received.getAccount()).isEqualTo("000000000000");
        assertThat(received.getRegion()).isEqualTo("eu-west-1");
        assertThat(received.getDetail()).containsEntry("thingId", thingId).containsEntry("size", 42);

        JsonNode event = awaitDelivered(thingId, 2);
        assertThat(event.path("bus").asText()).isEqualTo("loyalty-local-test");
        assertThat(event.path("deliveries").findValuesAsText("function"))
                .containsExactlyInAnyOrder("ThingWatcherFunction", "NotifierFunction");

        JsonNode notification = LocalApi.await(Duration.ofSeconds(20), () -> {
            for (JsonNode message : api.get("/_local/notifications", null).json()) {
                if (message.path("message").asText().contains(thingId)) {
                    return Optional.of(message);
                }
            }
            return Optional.empty();
        }, "the notifier's SNS message");
        assertThat(notification.path("topicArn").asText()).isEqualTo("arn:aws:sns:eu-west-1:000000000000:TestTopic");
        assertThat(notification.path("subject").asText()).isEqualTo("Thing happened");
        assertThat(notification.path("messageAttributes").path("channel").path("StringValue").asText()).isEqualTo("email");
    }

    @Test
    void outboxEvent_skipsRuleWhosePatternDoesNotMatch() throws InterruptedException {
        LocalApi.Response created = api.post("/v1/things", OPERATOR_KEY, "thing-small-0001", "{\"name\":\"small\",\"size\":5}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String thingId = created.json().get("thingId").asText();

        JsonNode event = awaitDelivered(thingId, 1);
        assertThat(event.path("deliveries").findValuesAsText("function")).containsExactly("NotifierFunction");
        assertThat(ThingWatcherHandler.RECEIVED.isEmpty()).isTrue();
    }

    @Test
    void aDomainEventPublishedTwice_isCapturedOnce_withItsCopiesCounted_whileRulesGetEveryCopy() throws InterruptedException {
        String detail = "{\"eventId\":\"evt_twice\",\"thingId\":\"thg_twice\",\"size\":12}";
        try (EventBridgeClient events = EventBridgeClient.builder()
                .endpointOverride(runtime.awsEndpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            for (int copy = 0; copy < 2; copy++) {
                assertThat(events.putEvents(r -> r.entries(e -> e.eventBusName("loyalty-local-test").source("loyalty")
                        .detailType("ThingHappened").detail(detail))).failedEntryCount()).isZero();
            }
        }

        assertThat(ThingWatcherHandler.RECEIVED.next(20)).as("first copy to the rule's target").isNotNull();
        assertThat(ThingWatcherHandler.RECEIVED.next(20)).as("second copy to the rule's target").isNotNull();
        JsonNode captured = api.events();
        assertThat(captured.findValues("detail")).filteredOn(d -> d.path("eventId").asText().equals("evt_twice")).hasSize(1);
        JsonNode event = awaitDelivered("thg_twice", 4);
        assertThat(event.path("copies").asInt()).isEqualTo(2);
    }

    @Test
    void putEvents_fromTheSdk_isAnsweredLikeEventBridge_andRejectsUnknownBus() {
        try (EventBridgeClient events = EventBridgeClient.builder()
                .endpointOverride(runtime.awsEndpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            PutEventsResponse response = events.putEvents(r -> r.entries(
                    e -> e.eventBusName("loyalty-local-test").source("loyalty").detailType("ThingHappened")
                            .detail("{\"thingId\":\"thg_sdk\",\"size\":11}"),
                    e -> e.eventBusName("no-such-bus").source("loyalty").detailType("ThingHappened").detail("{}"),
                    e -> e.eventBusName("loyalty-local-test").source("loyalty").detailType("ThingHappened").detail("not json")));

            assertThat(response.failedEntryCount()).isEqualTo(2);
            assertThat(response.entries().get(0).eventId()).isNotBlank();
            assertThat(response.entries().get(1).errorCode()).isEqualTo("ResourceNotFoundException");
            assertThat(response.entries().get(2).errorCode()).isEqualTo("MalformedDetail");
        }
        awaitDelivered("thg_sdk", 2);
    }

    @Test
    void publishToUnknownTopic_failsLikeSns() {
        try (SnsClient sns = SnsClient.builder()
                .endpointOverride(runtime.awsEndpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            assertThatThrownBy(() -> sns.publish(r -> r.topicArn("arn:aws:sns:eu-west-1:000000000000:Nope").message("hi")))
                    .isInstanceOf(NotFoundException.class);
            assertThat(sns.publish(r -> r.phoneNumber("+447700900123").message("direct sms")).messageId()).isNotBlank();
        }
    }

    @Test
    void scheduleRunNow_invokesTarget_withSchedulerEvent() throws InterruptedException {
        LocalApi.Response run = api.post("/_local/schedules/Nightly", null, null, "");

        assertThat(run.status()).as(run.body()).isEqualTo(200);
        assertThat(run.json().path("result").path("ran").asBoolean()).isTrue();
        Map<String, Object> event = NightlyJobHandler.RECEIVED.next(5);
        assertThat(event).containsEntry("detail-type", "Scheduled Event").containsEntry("source", "aws.scheduler");
        assertThat(event.get("resources").toString()).contains("schedule/default/Nightly");
    }

    @Test
    void scheduleRunNow_answers400_forUnknownSchedule() {
        LocalApi.Response run = api.post("/_local/schedules/Nope", null, null, "");

        assertThat(run.status()).isEqualTo(400);
        assertThat(run.contentType()).isEqualTo("application/problem+json");
    }

    @Test
    void advancingTheClock_firesDueSchedulesOnce_withTheirInput() throws InterruptedException {
        Instant before = runtime.clock().instant();
        LocalApi.Response clock = api.post("/_local/clock", null, null, "{\"advance\": \"PT3H\"}");

        assertThat(clock.status()).isEqualTo(200);
        assertThat(Instant.parse(clock.json().get("now").asText())).isAfterOrEqualTo(before.plus(Duration.ofHours(3)));
        // Three hours may also cross 03:00 in London and run Nightly: look for the sweep among what arrives.
        Map<String, Object> received;
        do {
            received = NightlyJobHandler.RECEIVED.next(10);
        } while (received != null && !received.equals(Map.of("job", "sweep")));
        assertThat(received).as("HourlySweep ran after the jump, with its Input").isEqualTo(Map.of("job", "sweep"));
    }

    @Test
    void routes_needTheAuthorizer_likeApiGateway() {
        assertThat(api.get("/v1/things/thg_x", null).status()).isEqualTo(401);
        LocalApi.Response denied = api.get("/v1/things/thg_x", "wrong-key");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).isEqualTo("{\"message\":\"Forbidden\"}");
        assertThat(api.get("/v1/things/thg_x", OPERATOR_KEY).status()).isEqualTo(404);
        assertThat(api.get("/v1/nowhere", OPERATOR_KEY).status()).isEqualTo(404);
    }

    @Test
    void integrationEvent_hasTheHttpApiPayload2Shape() {
        LocalApi.Response echo = api.get("/v1/echo/a/b%20c?x=1&x=2&y=z", null);

        assertThat(echo.status()).as(echo.body()).isEqualTo(200);
        JsonNode event = echo.json();
        assertThat(event.path("version").asText()).isEqualTo("2.0");
        assertThat(event.path("routeKey").asText()).isEqualTo("ANY /v1/echo/{proxy+}");
        assertThat(event.path("rawPath").asText()).isEqualTo("/v1/echo/a/b%20c");
        assertThat(event.path("rawQueryString").asText()).isEqualTo("x=1&x=2&y=z");
        assertThat(event.path("pathParameters").path("proxy").asText()).isEqualTo("a/b c");
        assertThat(event.path("queryStringParameters").path("x").asText()).isEqualTo("1,2");
        assertThat(event.path("headers").has("host")).isTrue();
        assertThat(event.path("requestContext").path("http").path("method").asText()).isEqualTo("GET");
        assertThat(event.path("requestContext").path("requestId").asText()).isNotBlank();
        assertThat(event.path("requestContext").path("stage").asText()).isEqualTo("$default");
    }

    /** The recorded event of that thing, once all its expected rule deliveries have completed. */
    private static JsonNode awaitDelivered(String thingId, int deliveries) {
        return LocalApi.await(Duration.ofSeconds(20), () -> {
            for (JsonNode event : api.events()) {
                if (event.path("detail").path("thingId").asText().equals(thingId)
                        && event.path("deliveries").size() == deliveries
                        && event.path("deliveries").findValuesAsText("status").stream().allMatch("delivered"::equals)) {
                    return Optional.of(event);
                }
            }
            return Optional.empty();
        }, thingId + " delivered to " + deliveries + " rule target(s)");
    }
}
