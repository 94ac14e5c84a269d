package app.loyalty.functions.programadmin;

import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.webhook.WebhookSignature;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.Environment;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.ProgramRepository;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator's partner webhook routes (docs/webhooks.md): subscribe a merchant of the program to events at an
 * HTTPS URL (the signing secret is answered once), list the program's subscriptions (without secrets), delete one.
 */
final class WebhookAdmin {
    /**
     * Set by the local runtime only: there, a loopback {@code http://} receiver (the tests') is allowed; on AWS an
     * http URL or one that names a loopback, private or link-local address is refused (SSRF, OWASP API7).
     */
    static final String LOCAL_RUNTIME_FLAG = "LOYALTY_LOCAL_RUNTIME";
    static final int MAX_URL_LENGTH = 2048;

    private final AppContext context;
    private final Clock clock;
    private final ProgramRepository programs;
    private final WebhookSubscriptions subscriptions;
    private final IdempotentWriter writer;
    private final WebhookTargets.Resolver resolver;

    WebhookAdmin(AppContext context, ProgramRepository programs, IdempotentWriter writer) {
        this(context, programs, writer, WebhookTargets.DNS);
    }

    WebhookAdmin(AppContext context, ProgramRepository programs, IdempotentWriter writer,
                 WebhookTargets.Resolver resolver) {
        this.context = context;
        this.clock = context.clock();
        this.programs = programs;
        this.subscriptions = new WebhookSubscriptions(context.dynamo(), context.tableName());
        this.writer = writer;
        this.resolver = resolver;
    }

    /** Optional body of a secret rotation: how long the replaced secret still signs deliveries (default 24 h). */
    record RotateSecretRequest(Long graceSeconds) {
    }

    /** The answer to a rotation: the only time the new secret is shown. */
    record SecretRotated(String subscriptionId, String programId, Instant rotatedAt, Instant previousSecretValidUntil,
                         String secret) {
    }

    /** A page of a subscription's delivery log, newest first; {@code next} is the cursor of the next page. */
    record DeliveryLogPage(List<WebhookSubscriptions.DeliveryAttempt> items, String next) {
    }

    record CreateWebhookRequest(String merchantId, String url, List<String> eventTypes) {
    }

    /** A subscription as listed: never its secret. */
    record WebhookView(String subscriptionId, String programId, String merchantId, String url, List<String> eventTypes,
                       Instant createdAt) {
        static WebhookView of(WebhookSubscriptions.Subscription s) {
            return new WebhookView(s.subscriptionId(), s.programId(), s.merchantId(), s.url().toString(),
                    s.eventTypes(), s.createdAt());
        }
    }

    /** The answer to a creation: the only time the secret is shown. */
    record WebhookCreated(String subscriptionId, String programId, String merchantId, String url,
                          List<String> eventTypes, Instant createdAt, String secret) {
    }

    record WebhookDeleted(String subscriptionId, String programId, Instant deletedAt) {
    }

    record WebhookList(List<WebhookView> items) {
    }

    /**
     * Write first: the subscription with condition checks on the program and on the merchant being one of its
     * merchants. Only when that fails is the program read, to answer 404 (no program) or 400 (not its merchant).
     */
    ApiResponse create(ApiRequest request) {
        String programId = request.pathParameter("programId");
        CreateWebhookRequest body = request.body(CreateWebhookRequest.class);
        if (body.merchantId() == null || body.merchantId().isBlank()) {
            throw ApiException.validation("merchantId is required: the program's merchant that receives the events");
        }
        URI url = deliveryUrl(body.url());
        requireNoNonPublicAddress(url, resolver);
        List<String> eventTypes = eventTypes(body.eventTypes());
        AtomicInteger attempts = new AtomicInteger();
        return writer.execute(request, () -> {
            if (attempts.incrementAndGet() > 1) {
                requireProgramAndMerchant(programId, body.merchantId());
            }
            Instant now = clock.instant();
            String secret = WebhookSignature.newSecret();
            WebhookSubscriptions.Subscription subscription = new WebhookSubscriptions.Subscription(Ids.newId("whk"),
                    programId, body.merchantId(), url, eventTypes, secret, now);
            WebhookCreated created = new WebhookCreated(subscription.subscriptionId(), programId, body.merchantId(),
                    url.toString(), eventTypes, now, secret);
            // A replay must not reveal the secret again: the stored answer omits it.
            WebhookCreated replay = new WebhookCreated(subscription.subscriptionId(), programId, body.merchantId(),
                    url.toString(), eventTypes, now, null);
            return new IdempotentWriter.Write(201, created, replay, List.of(programs.requireExists(programId),
                    subscriptions.requireMerchant(programId, body.merchantId()), subscriptions.create(subscription)),
                    List.of());
        });
    }

    ApiResponse list(ApiRequest request) {
        String programId = request.pathParameter("programId");
        List<WebhookView> live = subscriptions.live(programId).stream().map(WebhookView::of).toList();
        if (live.isEmpty() && programs.find(programId).isEmpty()) {
            throw ApiException.notFound("Program " + programId);
        }
        return ApiResponse.json(200, new WebhookList(live));
    }

    /** Idempotent by nature: deleting a subscription that is gone (or never was) answers 404 and changes nothing. */
    ApiResponse delete(ApiRequest request) {
        String programId = request.pathParameter("programId");
        String subscriptionId = request.pathParameter("subscriptionId");
        Instant now = clock.instant();
        try {
            context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder()
                    .transactItems(subscriptions.markDeleted(programId, subscriptionId, now)).build());
        } catch (TransactionCanceledException e) {
            throw ApiException.notFound("Webhook subscription " + subscriptionId + " of program " + programId);
        }
        return ApiResponse.json(200, new WebhookDeleted(subscriptionId, programId, now));
    }

    /**
     * Rotates the subscription's signing secret (docs/webhooks.md, "Rotating the secret"): a new secret, answered
     * once; the replaced one keeps signing deliveries, as a second {@code v1} in the header, until
     * {@code previousSecretValidUntil} (default 24 h, 0 to 7 days), so the partner can switch without losing
     * deliveries. Write first: one conditional update copies the current secret to {@code previousSecret} (no read);
     * only when its condition fails is the subscription read, to answer 404.
     */
    ApiResponse rotateSecret(ApiRequest request) {
        String programId = request.pathParameter("programId");
        String subscriptionId = request.pathParameter("subscriptionId");
        RotateSecretRequest body = request.rawBody().isBlank() ? new RotateSecretRequest(null)
                : request.body(RotateSecretRequest.class);
        long graceSeconds = body.graceSeconds() == null ? WebhookSubscriptions.DEFAULT_SECRET_GRACE_SECONDS
                : body.graceSeconds();
        if (graceSeconds < 0 || graceSeconds > WebhookSubscriptions.MAX_SECRET_GRACE_SECONDS) {
            throw ApiException.validation("graceSeconds must be 0.." + WebhookSubscriptions.MAX_SECRET_GRACE_SECONDS);
        }
        AtomicInteger attempts = new AtomicInteger();
        return writer.execute(request, () -> {
            if (attempts.incrementAndGet() > 1 && subscriptions.find(programId, subscriptionId).isEmpty()) {
                throw ApiException.notFound("Webhook subscription " + subscriptionId + " of program " + programId);
            }
            Instant now = clock.instant();
            Instant validUntil = now.plusSeconds(graceSeconds);
            String secret = WebhookSignature.newSecret();
            SecretRotated rotated = new SecretRotated(subscriptionId, programId, now, validUntil, secret);
            // A replay must not reveal the secret again: the stored answer omits it.
            SecretRotated replay = new SecretRotated(subscriptionId, programId, now, validUntil, null);
            return new IdempotentWriter.Write(200, rotated, replay,
                    List.of(subscriptions.rotateSecret(programId, subscriptionId, secret, validUntil, now)), List.of());
        });
    }

    /** The subscription's delivery attempts, newest first, a page at a time (deleted subscriptions keep theirs). */
    ApiResponse deliveries(ApiRequest request) {
        String programId = request.pathParameter("programId");
        String subscriptionId = request.pathParameter("subscriptionId");
        int limit = request.query("limit").map(WebhookAdmin::limit).orElse(WebhookSubscriptions.DEFAULT_LOG_PAGE);
        if (subscriptions.findAny(programId, subscriptionId).isEmpty()) {
            throw ApiException.notFound("Webhook subscription " + subscriptionId + " of program " + programId);
        }
        WebhookSubscriptions.LogPage page = subscriptions.deliveries(programId, subscriptionId, limit,
                request.query("cursor").orElse(null));
        return ApiResponse.json(200, new DeliveryLogPage(page.items(), page.next()));
    }

    private static int limit(String text) {
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= WebhookSubscriptions.MAX_LOG_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below, as for an out-of-range number
        }
        throw ApiException.validation("limit must be 1.." + WebhookSubscriptions.MAX_LOG_PAGE);
    }

    /**
     * Refuses a URL whose host name resolves to any non-public address (WebhookTargets). A name that does not resolve
     * yet is accepted (the partner may set up DNS after subscribing): every delivery checks again and refuses it.
     */
    static void requireNoNonPublicAddress(URI url, WebhookTargets.Resolver resolver) {
        java.util.Optional<String> refusal;
        try {
            refusal = WebhookTargets.refusal(url.getHost(), resolver, localRuntime());
        } catch (java.net.UnknownHostException notResolvableYet) {
            return;
        }
        refusal.ifPresent(why -> {
            throw ApiException.validation("url must not point at a loopback, private or link-local address: " + why);
        });
    }

    private void requireProgramAndMerchant(String programId, String merchantId) {
        if (programs.find(programId).isEmpty()) {
            throw ApiException.notFound("Program " + programId);
        }
        if (programs.findMerchantItem(programId, merchantId).isEmpty()) {
            throw ApiException.validation("merchantId " + merchantId + " is not a merchant of program " + programId);
        }
    }

    static List<String> eventTypes(List<String> asked) {
        if (asked == null || asked.isEmpty()) {
            throw ApiException.validation("eventTypes must name at least one of " + new TreeSet<>(WebhookSubscriptions.EVENT_TYPES));
        }
        TreeSet<String> types = new TreeSet<>();
        for (String type : asked) {
            // A JSON null in the list is no event type (and Set.copyOf sets throw on contains(null)).
            if (type == null || !WebhookSubscriptions.EVENT_TYPES.contains(type)) {
                throw ApiException.validation("eventTypes: " + type + " is not one of " + new TreeSet<>(WebhookSubscriptions.EVENT_TYPES));
            }
            types.add(type);
        }
        return List.copyOf(types);
    }

    /**
     * An absolute https URL to a public host. Literal loopback, private and link-local addresses and "localhost" are
     * refused; on the local runtime an http URL to a loopback host is allowed instead, for a test's receiver.
     */
    static URI deliveryUrl(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_URL_LENGTH) {
            throw ApiException.validation("url is required: an https URL of at most " + MAX_URL_LENGTH + " characters");
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw ApiException.validation("url is not a valid URL: " + e.getMessage());
        }
        String host = url.getHost();
        if (host == null || url.getUserInfo() != null || url.getFragment() != null) {
            throw ApiException.validation("url must be an absolute https URL with a host, without user info or fragment");
        }
        boolean loopback = isLoopbackName(host);
        if ("http".equals(url.getScheme()) && loopback && localRuntime()) {
            return url;
        }
        if (!"https".equals(url.getScheme())) {
            throw ApiException.validation("url must use https");
        }
        if (loopback || isPrivateLiteral(host)) {
            throw ApiException.validation("url must not point at a loopback, private or link-local address");
        }
        return url;
    }

    static boolean localRuntime() {
        return Environment.optional(LOCAL_RUNTIME_FLAG).map(Boolean::parseBoolean).orElse(false);
    }

    private static boolean isLoopbackName(String host) {
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    /** Only IP literals are judged here (no DNS lookup at subscription time; see docs/webhooks.md). */
    private static boolean isPrivateLiteral(String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!bare.matches("[0-9.]+") && !bare.contains(":")) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(bare); // a literal: parsed, never resolved
            return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                    || address.isAnyLocalAddress() || address.isMulticastAddress();
        } catch (java.net.UnknownHostException e) {
            throw ApiException.validation("url host " + host + " is not a valid address");
        }
    }
}
