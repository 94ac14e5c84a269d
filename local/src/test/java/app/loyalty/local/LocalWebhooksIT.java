package app.loyalty.local;

import app.loyalty.shared.domain.webhook.WebhookSignature;
import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partner webhooks on the local runtime with the repository's template.yaml: the operator subscribes a merchant's
 * loopback receiver to PointsAccrued; a purchase's PointsAccrued goes from the outbox through the relay and the
 * template's rule to WebhookDeliveryFunction, which POSTs it signed; the receiver verifies the signature with the
 * secret answered at subscription, and gets the event exactly once.
 */
class LocalWebhooksIT {
    private static final String OPERATOR_KEY = "webhook-operator-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalRuntime runtime;
    private static LocalApi api;
    private static HttpServer receiver;
    /** Each POST received: its Loyalty-Signature header and raw body. */
    private static final List<String[]> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/loyalty", exchange -> {
            received.add(new String[]{exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        runtime = LocalRuntime.start(new LocalRuntime.Options("127.0.0.1", 0, Optional.empty(),
                Path.of("..", "template.yaml").toAbsolutePath().normalize(), Optional.of(OPERATOR_KEY), "eu-west-1"));
        api = new LocalApi(runtime.url(), ContractValidator.repositoryContract());
    }

    @AfterAll
    static void stop() {
        runtime.close();
        receiver.stop(0);
    }

    @Test
    void aPurchase_reachesTheSubscribedReceiver_signed_exactlyOnce() throws Exception {
        String programId = api.post("/v1/programs", OPERATOR_KEY, "webhook-program-0001",
                "{\"name\":\"Coffee Club\",\"currency\":\"EUR\"}").json().get("programId").asText();
        JsonNode merchant = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "webhook-merchant-0001",
                "{\"name\":\"Bean Bar\"}").json();
        String merchantKey = merchant.get("apiKey").asText();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/loyalty";
        LocalApi.Response subscribed = api.post("/v1/programs/" + programId + "/webhooks", OPERATOR_KEY, "webhook-subscribe-0001",
                "{\"merchantId\":\"" + merchant.get("merchantId").asText() + "\",\"url\":\"" + url
                        + "\",\"eventTypes\":[\"PointsAccrued\"]}");
        assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(201);
        String secret = subscribed.json().get("secret").asText();

        LocalApi.Response member = api.post("/v1/members", merchantKey, "webhook-enrol-0001", """
                {"profile":{"name":"Ion Popescu","phone":"+37369555666"},
                 "consents":{"sms":false,"email":false,"push":false},"kind":"customer"}""");
        assertThat(member.status()).as(member.body()).isEqualTo(201);
        String memberId = member.json().get("memberId").asText();
        String card = member.json().at("/card/cardNumber").asText();
        LocalApi.Response purchase = api.post("/v1/purchases", merchantKey, "webhook-buy-0001",
                "{\"cardNumber\":\"" + card + "\",\"orderId\":\"webhook-order-1\",\"total\":{\"amount\":11200,\"currency\":\"EUR\"}}");
        assertThat(purchase.status()).as(purchase.body()).isEqualTo(201);

        String[] delivery = LocalApi.await(Duration.ofSeconds(20), () -> received.stream().findFirst(), "the signed POST");
        assertThat(WebhookSignature.verify(secret, delivery[0], delivery[1], Instant.now(), WebhookSignature.DEFAULT_TOLERANCE))
                .as("signature %s over the body received", delivery[0]).isTrue();
        assertThat(WebhookSignature.verify("whsec_wrong", delivery[0], delivery[1], Instant.now(), WebhookSignature.DEFAULT_TOLERANCE)).isFalse();
        JsonNode event = JSON.readTree(delivery[1]);
        assertThat(event.path("detail-type").asText()).isEqualTo("PointsAccrued");
        assertThat(event.at("/detail/memberId").asText()).isEqualTo(memberId);
        JsonNode recorded = api.awaitEvent("PointsAccrued", "memberId", memberId);
        assertThat(event.at("/detail/points").asLong()).isPositive().isEqualTo(recorded.at("/detail/points").asLong());

        // Once the bus reports the delivery function done with this event, every POST for it has been made.
        LocalApi.await(Duration.ofSeconds(20), () -> {
            for (JsonNode candidate : api.events()) {
                if (candidate.path("id").asText().equals(recorded.path("id").asText())) {
                    for (JsonNode d : candidate.path("deliveries")) {
                        if (d.path("function").asText().equals("WebhookDeliveryFunction") && d.path("status").asText().equals("delivered")) {
                            return Optional.of(d);
                        }
                    }
                }
            }
            return Optional.empty();
        }, "the webhook delivery of the event done");
        long forThisEvent = received.stream().filter(r -> r[1].contains(recorded.at("/detail/eventId").asText())).count();
        assertThat(forThisEvent).as("the event arrives exactly once").isEqualTo(1);
        assertThat(received).as("no other event type was subscribed").hasSize(1);

        // The delivery log shows the delivery: attempt 1, delivered, the receiver's 204, never the body.
        String subscriptionId = subscribed.json().get("subscriptionId").asText();
        String hook = "/v1/programs/" + programId + "/webhooks/" + subscriptionId;
        LocalApi.Response log = api.get(hook + "/deliveries", OPERATOR_KEY);
        assertThat(log.status()).as(log.body()).isEqualTo(200);
        assertThat(log.json().get("items")).singleElement().satisfies(attempt -> {
            assertThat(attempt.get("eventId").asText()).isEqualTo(recorded.at("/detail/eventId").asText());
            assertThat(attempt.get("outcome").asText()).isEqualTo("delivered");
            assertThat(attempt.get("statusCode").asInt()).isEqualTo(204);
            assertThat(attempt.get("attempt").asInt()).isEqualTo(1);
        });
        assertThat(log.body()).doesNotContain(memberId);

        // Rotating the secret: during the grace the next delivery carries both signatures, each verifies.
        LocalApi.Response rotated = api.post(hook + "/secret", OPERATOR_KEY, "webhook-rotate-0001", "{}");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newSecret = rotated.json().get("secret").asText();
        assertThat(newSecret).isNotEqualTo(secret);
        LocalApi.Response second = api.post("/v1/purchases", merchantKey, "webhook-buy-0002",
                "{\"cardNumber\":\"" + card + "\",\"orderId\":\"webhook-order-2\",\"total\":{\"amount\":5000,\"currency\":\"EUR\"}}");
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        String[] duringGrace = LocalApi.await(Duration.ofSeconds(20), () -> received.stream().skip(1).findFirst(),
                "the POST after the rotation");
        assertThat(duringGrace[0].split(",")).as(duringGrace[0]).hasSize(3);
        assertThat(WebhookSignature.verify(newSecret, duringGrace[0], duringGrace[1], Instant.now(),
                WebhookSignature.DEFAULT_TOLERANCE)).as("the new secret verifies").isTrue();
        assertThat(WebhookSignature.verify(secret, duringGrace[0], duringGrace[1], Instant.now(),
                WebhookSignature.DEFAULT_TOLERANCE)).as("the old secret still verifies during the grace").isTrue();
    }
}
