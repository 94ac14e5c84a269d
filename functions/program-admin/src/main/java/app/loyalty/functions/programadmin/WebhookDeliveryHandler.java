package app.loyalty.functions.programadmin;

import app.loyalty.shared.domain.webhook.WebhookSignature;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.store.Attr;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signing delivery of partner webhooks (docs/webhooks.md), target of the EventBridge rule on the loyalty bus for
 * the subscribable events. For an event, the program's live subscriptions to its detail-type (one Query of
 * {@code WEBHOOK#<programId>}) each get a POST of the event JSON with the {@code Loyalty-Signature} header. A
 * subscriber that answers 2xx gets a delivered marker (conditional put, per event and subscription), so when another
 * subscriber fails and the invocation throws, Lambda's asynchronous retries (2, then the DLQ) resend only to those
 * not yet served.
 */
public final class WebhookDeliveryHandler implements RequestStreamHandler {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final String USER_AGENT = "loyalty-webhooks/1";

    private final AppContext context;
    private final WebhookSubscriptions subscriptions;
    private final HttpClient http;
    private final RequestLog log;
    private final WebhookTargets.Resolver resolver;
    private final boolean allowLoopback;

    public WebhookDeliveryHandler() {
        this(AppContext.fromEnvironment(), HttpClient.newBuilder().connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build(), RequestLog.STDOUT, WebhookTargets.DNS,
                WebhookAdmin.localRuntime());
    }

    /**
     * Redirects are never followed: a partner's URL is checked, a redirect's target would not be. {@code resolver}
     * resolves each host before its POST (a stub in tests); {@code allowLoopback} only on the local runtime.
     */
    WebhookDeliveryHandler(AppContext context, HttpClient http, RequestLog log, WebhookTargets.Resolver resolver,
                           boolean allowLoopback) {
        this.context = context;
        this.subscriptions = new WebhookSubscriptions(context.dynamo(), context.tableName());
        this.http = http;
        this.log = log;
        this.resolver = resolver;
        this.allowLoopback = allowLoopback;
    }

    /** What became of each matching subscription for one event. */
    record Outcome(String subscriptionId, String result) {
    }

    /** One POST's result: delivered (2xx), failed (retried), or refused (non-public address: never sent, not retried). */
    private record Attempt(String outcome, Integer statusCode, String reason) {
        static final String DELIVERED = "delivered";
        static final String FAILED = "failed";
        static final String REFUSED = "refused";
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context lambda) throws IOException {
        JsonNode event = LambdaJson.MAPPER.readTree(input);
        LambdaJson.write(output, Map.of("outcomes", deliver(event)));
    }

    /**
     * Delivers {@code event} to every matching subscriber not yet served, then throws if any failed, naming them, so
     * that the invocation is retried; the ones served are not sent to again.
     */
    List<Outcome> deliver(JsonNode event) {
        String detailType = event.path("detail-type").asText("");
        String programId = event.path("detail").path("programId").asText("");
        String eventId = event.path("detail").path("eventId").asText("");
        if (detailType.isEmpty() || programId.isEmpty() || eventId.isEmpty()) {
            throw new IllegalArgumentException("Not a loyalty event: detail-type, detail.programId and detail.eventId are required");
        }
        String body = LambdaJson.MAPPER.valueToTree(event).toString();
        List<Outcome> outcomes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (WebhookSubscriptions.Subscription subscription : subscriptions.live(programId)) {
            if (!subscription.eventTypes().contains(detailType)) {
                continue;
            }
            if (alreadyDelivered(programId, eventId, subscription.subscriptionId())) {
                outcomes.add(new Outcome(subscription.subscriptionId(), "already-delivered"));
                continue;
            }
            Instant attemptedAt = context.clock().instant();
            int attemptNumber = subscriptions.nextAttempt(programId, eventId, subscription.subscriptionId(), attemptedAt);
            Attempt attempt = post(subscription, body);
            subscriptions.log(programId, new WebhookSubscriptions.DeliveryAttempt(subscription.subscriptionId(), eventId,
                    detailType, attemptNumber, attemptedAt, attempt.outcome(), attempt.statusCode(), attempt.reason()));
            switch (attempt.outcome()) {
                case Attempt.DELIVERED -> markDelivered(programId, eventId, subscription.subscriptionId());
                // A host that resolves to an internal address stays refused however often it is tried: logged, and
                // not thrown, so Lambda does not retry it (docs/webhooks.md, "SSRF").
                case Attempt.REFUSED -> { }
                default -> failures.add(subscription.subscriptionId() + ": " + attempt.reason());
            }
            outcomes.add(new Outcome(subscription.subscriptionId(), attempt.outcome()));
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("message", "webhook deliveries");
        line.put("eventId", eventId);
        line.put("detailType", detailType);
        line.put("programId", programId);
        line.put("outcomes", outcomes);
        log.write(line);
        if (!failures.isEmpty()) {
            throw new WebhookDeliveryFailed("Event " + eventId + " (" + detailType + ") not delivered to " + failures);
        }
        return outcomes;
    }

    /**
     * Resolves the host first and refuses to POST when any address is non-public (WebhookTargets), then POSTs the
     * signed body: during a secret rotation's grace it carries both signatures. The reason never holds the secret.
     */
    private Attempt post(WebhookSubscriptions.Subscription subscription, String body) {
        Instant now = context.clock().instant();
        try {
            var refusal = WebhookTargets.refusal(subscription.url().getHost(), resolver, allowLoopback);
            if (refusal.isPresent()) {
                return new Attempt(Attempt.REFUSED, null, refusal.get());
            }
        } catch (java.net.UnknownHostException e) {
            // DNS may be down or not set up yet: a failure like a timeout, retried.
            return new Attempt(Attempt.FAILED, null, "host " + subscription.url().getHost() + " does not resolve");
        }
        HttpRequest request = HttpRequest.newBuilder(subscription.url()).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header(WebhookSignature.HEADER, WebhookSignature.header(subscription.signingSecrets(now), now, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? new Attempt(Attempt.DELIVERED, response.statusCode(), null)
                    : new Attempt(Attempt.FAILED, response.statusCode(), "answered " + response.statusCode());
        } catch (IOException e) {
            return new Attempt(Attempt.FAILED, null, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(Attempt.FAILED, null, "interrupted");
        }
    }

    private boolean alreadyDelivered(String programId, String eventId, String subscriptionId) {
        return context.dynamo().getItem(GetItemRequest.builder().tableName(context.tableName()).consistentRead(true)
                .key(WebhookSubscriptions.deliveredKey(programId, eventId, subscriptionId)).build()).hasItem();
    }

    /** A concurrent delivery of the same event may have marked it first: then it is delivered, which is all we note. */
    private void markDelivered(String programId, String eventId, String subscriptionId) {
        Instant now = context.clock().instant();
        Map<String, AttributeValue> item = new HashMap<>(WebhookSubscriptions.deliveredKey(programId, eventId, subscriptionId));
        item.put("deliveredAt", Attr.s(now.toString()));
        item.put("ttl", Attr.n(now.getEpochSecond() + WebhookSubscriptions.DELIVERED_MARKER_SECONDS));
        try {
            context.dynamo().putItem(PutItemRequest.builder().tableName(context.tableName()).item(item)
                    .conditionExpression("attribute_not_exists(PK)").build());
        } catch (ConditionalCheckFailedException markedByAConcurrentDelivery) {
            log.write(Map.of("message", "webhook delivery already marked", "eventId", eventId, "subscriptionId", subscriptionId));
        }
    }

    /** Thrown so Lambda retries the event (then dead-letters it): at least one subscriber did not get it. */
    static final class WebhookDeliveryFailed extends RuntimeException {
        WebhookDeliveryFailed(String message) {
            super(message);
        }
    }
}
