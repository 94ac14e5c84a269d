package app.loyalty.functions.programadmin;

import app.loyalty.shared.domain.webhook.WebhookSignature;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** WebhookDeliveryHandler against two loopback receivers: signature, matching by type, retry without re-sending. */
class WebhookDeliveryTest {
    private static final String PROGRAM = "prg_webhooks";

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private HttpServer server;
    private final List<String[]> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failingStatus = new AtomicInteger(500);
    private WebhookDeliveryHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        context = TestContexts.appContext(clock);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new String[]{exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER), body});
            int status = exchange.getRequestURI().getPath().equals("/flaky") ? failingStatus.get() : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        handler = handler(WebhookTargets.DNS);
    }

    /** The receivers are on loopback, which only the local runtime allows (allowLoopback). */
    private WebhookDeliveryHandler handler(WebhookTargets.Resolver resolver) {
        return new WebhookDeliveryHandler(context, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                new RequestLog(new PrintStream(new ByteArrayOutputStream())), resolver, true);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void subscribe(String id, String path, List<String> types, String secret) {
        subscribe(id, "127.0.0.1", path, types, secret);
    }

    private void subscribe(String id, String host, String path, List<String> types, String secret) {
        URI url = URI.create("http://" + host + ":" + server.getAddress().getPort() + path);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new WebhookSubscriptions(context.dynamo(), context.tableName()).create(new WebhookSubscriptions.Subscription(
                        id, PROGRAM, "mch_books", url, types, secret, clock.instant()))).build());
    }

    private static JsonNode event(String detailType, String eventId) throws Exception {
        return LambdaJson.MAPPER.readTree("""
                {"version":"0","id":"e1","detail-type":"%s","source":"loyalty","account":"1","time":"2026-11-23T09:30:00Z",
                 "region":"eu-west-1","resources":[],"detail":{"eventId":"%s","occurredAt":"2026-11-23T09:30:00Z",
                 "programId":"%s","memberId":"mbr_1","points":112}}""".formatted(detailType, eventId, PROGRAM));
    }

    @Test
    void signsForEachSubscriber_skipsOtherTypes_andARetryResendsOnlyToTheFailedOne() throws Exception {
        subscribe("whk_steady", "/steady", List.of("PointsAccrued"), "whsec_steady");
        subscribe("whk_flaky", "/flaky", List.of("PointsAccrued", "PointsRedeemed"), "whsec_flaky");
        subscribe("whk_other", "/other", List.of("TierChanged"), "whsec_other");

        assertThatThrownBy(() -> handler.deliver(event("PointsAccrued", "evt_1")))
                .isInstanceOf(WebhookDeliveryHandler.WebhookDeliveryFailed.class).hasMessageContaining("whk_flaky");
        assertThat(received).extracting(r -> r[0]).containsExactlyInAnyOrder("/steady", "/flaky");
        for (String[] delivery : received) {
            String secret = delivery[0].equals("/steady") ? "whsec_steady" : "whsec_flaky";
            assertThat(WebhookSignature.verify(secret, delivery[1], delivery[2], clock.instant(), Duration.ofMinutes(5))).isTrue();
            assertThat(LambdaJson.MAPPER.readTree(delivery[2]).at("/detail/points").asLong()).isEqualTo(112);
        }

        failingStatus.set(200);
        received.clear();
        List<WebhookDeliveryHandler.Outcome> retry = handler.deliver(event("PointsAccrued", "evt_1"));

        assertThat(received).extracting(r -> r[0]).containsExactly("/flaky");
        assertThat(retry).extracting(WebhookDeliveryHandler.Outcome::result).containsExactlyInAnyOrder("already-delivered", "delivered");
    }

    @Test
    void aDeletedSubscription_getsNothing() throws Exception {
        subscribe("whk_gone", "/steady", List.of("PointsAccrued"), "whsec_gone");
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new WebhookSubscriptions(context.dynamo(), context.tableName()).markDeleted(PROGRAM, "whk_gone", clock.instant())).build());

        assertThat(handler.deliver(event("PointsAccrued", "evt_2"))).isEmpty();
        assertThat(received).isEmpty();
    }

    @Test
    void aHostThatNowResolvesToAPrivateAddress_isRefused_notPosted_notRetried_andLogged() throws Exception {
        subscribe("whk_rebound", "rebound.example", "/steady", List.of("PointsAccrued"), "whsec_rebound");
        subscribe("whk_steady", "/steady", List.of("PointsAccrued"), "whsec_steady");
        WebhookDeliveryHandler stubbed = handler(host -> host.equals("rebound.example")
                ? new java.net.InetAddress[]{java.net.InetAddress.getByName("10.0.0.7")}
                : java.net.InetAddress.getAllByName(host));

        List<WebhookDeliveryHandler.Outcome> outcomes = stubbed.deliver(event("PointsAccrued", "evt_3"));

        assertThat(outcomes).extracting(WebhookDeliveryHandler.Outcome::result).containsExactly("refused", "delivered");
        assertThat(received).as("only the public subscriber got it").hasSize(1);
        var log = new WebhookSubscriptions(context.dynamo(), context.tableName()).deliveries(PROGRAM, "whk_rebound", 10, null);
        assertThat(log.items()).singleElement().satisfies(attempt -> {
            assertThat(attempt.outcome()).isEqualTo("refused");
            assertThat(attempt.statusCode()).isNull();
            assertThat(attempt.reason()).contains("10.0.0.7");
        });
    }

    @Test
    void duringASecretRotationsGrace_bothSignaturesVerify_andAfterItOnlyTheNewOne() throws Exception {
        subscribe("whk_rotating", "/steady", List.of("PointsAccrued"), "whsec_old");
        WebhookSubscriptions subscriptions = new WebhookSubscriptions(context.dynamo(), context.tableName());
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(subscriptions.rotateSecret(
                PROGRAM, "whk_rotating", "whsec_new", clock.instant().plus(Duration.ofHours(24)), clock.instant())).build());

        handler.deliver(event("PointsAccrued", "evt_4"));
        clock.advance(Duration.ofHours(24));
        handler.deliver(event("PointsAccrued", "evt_5"));

        String[] inGrace = received.get(0);
        assertThat(inGrace[1].split(",")).hasSize(3).anySatisfy(part -> assertThat(part).startsWith("t="));
        assertThat(WebhookSignature.verify("whsec_new", inGrace[1], inGrace[2], clock.instant().minus(Duration.ofHours(24)),
                Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify("whsec_old", inGrace[1], inGrace[2], clock.instant().minus(Duration.ofHours(24)),
                Duration.ofMinutes(5))).isTrue();
        String[] afterGrace = received.get(1);
        assertThat(afterGrace[1].split(",")).hasSize(2);
        assertThat(WebhookSignature.verify("whsec_new", afterGrace[1], afterGrace[2], clock.instant(), Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify("whsec_old", afterGrace[1], afterGrace[2], clock.instant(), Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void everyAttemptIsLogged_withItsNumberAndStatus_neverTheBody() throws Exception {
        subscribe("whk_flaky", "/flaky", List.of("PointsAccrued"), "whsec_flaky");
        assertThatThrownBy(() -> handler.deliver(event("PointsAccrued", "evt_6")))
                .isInstanceOf(WebhookDeliveryHandler.WebhookDeliveryFailed.class);
        failingStatus.set(200);
        clock.advance(Duration.ofMinutes(1));
        handler.deliver(event("PointsAccrued", "evt_6"));

        var log = new WebhookSubscriptions(context.dynamo(), context.tableName()).deliveries(PROGRAM, "whk_flaky", 10, null);

        assertThat(log.items()).extracting(WebhookSubscriptions.DeliveryAttempt::attempt,
                        WebhookSubscriptions.DeliveryAttempt::outcome, WebhookSubscriptions.DeliveryAttempt::statusCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "delivered", 200),
                        org.assertj.core.groups.Tuple.tuple(1, "failed", 500));
        assertThat(log.items()).allSatisfy(attempt -> {
            assertThat(attempt.eventId()).isEqualTo("evt_6");
            assertThat(attempt.eventType()).isEqualTo("PointsAccrued");
        });
        assertThat(context.dynamo().scan(b -> b.tableName(context.tableName())).items().toString())
                .as("no item holds the body").doesNotContain("mbr_1");
    }
}
