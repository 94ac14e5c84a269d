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
        handler = new WebhookDeliveryHandler(context, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                new RequestLog(new PrintStream(new ByteArrayOutputStream())));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void subscribe(String id, String path, List<String> types, String secret) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
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
}
