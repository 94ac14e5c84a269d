package app.loyalty.local.reliability;

import app.loyalty.local.LocalRuntime;
import app.loyalty.local.template.Template;
import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant sweep (issue 12, docs/reliability.md "Tenant sweep"): program Y has one object of every kind an id can
 * name (program, merchants, members, live and blocked cards, orders, a return, an open and a captured hold, a closed
 * settlement period, a webhook subscription, a campaign, a promo code), and two callers try <b>every route of
 * template.yaml with every id of Y</b> the route can name, in its path and in its body:
 * <ul>
 *   <li><b>a merchant of program X</b>: every merchant route answers 404 (an id of another program is an id that
 *   does not exist), every operator route 403, a body naming Y's program 400, the member lookup by Y's member's
 *   phone an empty page;</li>
 *   <li><b>a partner of Y beyond its agreement</b> (a merchant of Y that the agreement leaves out, so it may neither
 *   issue nor redeem): the documented 403 {@code partner-not-allowed} for issuing, redeeming and reading a member,
 *   404 for another merchant's orders, returns and holds, 403 on operator routes.</li>
 * </ul>
 * A <b>leak</b> is an answer other than the expected refusal that is a success, or any answer that shows what the
 * caller did not send and may not see (Y's personal data, merchant names, ids). <b>Nothing may change</b>: the whole
 * table ({@link TableSnapshot}) is compared before and after each route's requests, and before and after the sweep.
 * A route of template.yaml without an entry in {@link #ROUTES} fails {@link #everyRouteOfTheTemplate_isSwept}.
 * Seeded by {@link ReliabilityRun#seed()} (the order of routes and ids); figures in
 * {@code local/target/reliability/tenant-sweep.json}.
 */
class TenantSweepIT {
    private static final String OPERATOR_KEY = "sweep-operator-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ContractValidator CONTRACT = ContractValidator.repositoryContract();
    private static final Template TEMPLATE = Template.load(Path.of("..", "template.yaml"), "eu-west-1");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    /** Who calls. */
    enum Caller { OTHER_PROGRAM, PARTNER_BEYOND_AGREEMENT }

    /**
     * One route's sweep: the request (path and body with {kind} placeholders, filled with every id of Y of that
     * kind) and the statuses each caller may get. Statuses a caller may get that are successes must change nothing
     * and show nothing of Y (e.g. the lookup's empty page).
     */
    record Sweep(String method, String path, String body, Set<Integer> otherProgram, Set<Integer> partner) {
        Set<Integer> expected(Caller caller) {
            return caller == Caller.OTHER_PROGRAM ? otherProgram : partner;
        }
    }

    private static final Set<Integer> NOT_FOUND = Set.of(404);
    private static final Set<Integer> FORBIDDEN = Set.of(403);
    /** A partner beyond its agreement may be refused for the agreement (403) or not find another merchant's object (404). */
    private static final Set<Integer> REFUSED = Set.of(403, 404);

    private static Sweep merchant(String method, String path, String body, Set<Integer> partner) {
        return new Sweep(method, path, body, NOT_FOUND, partner);
    }

    private static Sweep operator(String method, String path, String body) {
        return new Sweep(method, path, body, FORBIDDEN, FORBIDDEN);
    }

    static final Map<String, Sweep> ROUTES = Map.ofEntries(
            // Merchant routes.
            Map.entry("POST /v1/members", new Sweep("POST", "/v1/members",
                    "{\"programId\":\"{programId}\",\"profile\":{\"name\":\"Eve\",\"phone\":\"+447700900777\"}}", Set.of(400), Set.of(400))),
            Map.entry("GET /v1/members", new Sweep("GET", "/v1/members?phone={phone}", null, Set.of(200), FORBIDDEN)),
            Map.entry("GET /v1/members/{memberId}", merchant("GET", "/v1/members/{memberId}", null, FORBIDDEN)),
            Map.entry("GET /v1/members/{memberId}/statement", merchant("GET", "/v1/members/{memberId}/statement", null, FORBIDDEN)),
            Map.entry("PATCH /v1/members/{memberId}", merchant("PATCH", "/v1/members/{memberId}", "{\"tags\":[\"stolen\"]}", FORBIDDEN)),
            Map.entry("GET /v1/cards/{cardNumber}", merchant("GET", "/v1/cards/{cardNumber}", null, FORBIDDEN)),
            Map.entry("POST /v1/cards/{cardNumber}/replace", merchant("POST", "/v1/cards/{cardNumber}/replace",
                    "{\"reason\":\"lost\"}", FORBIDDEN)),
            Map.entry("POST /v1/purchases", merchant("POST", "/v1/purchases",
                    "{\"memberId\":\"{memberId}\",\"orderId\":\"sweep-order\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}", FORBIDDEN)),
            Map.entry("GET /v1/purchases/{orderId}", merchant("GET", "/v1/purchases/{orderId}", null, NOT_FOUND)),
            Map.entry("POST /v1/purchases/{orderId}/returns", merchant("POST", "/v1/purchases/{orderId}/returns",
                    "{\"returnId\":\"{returnId}\",\"amount\":100}", NOT_FOUND)),
            Map.entry("POST /v1/discounts/quote", merchant("POST", "/v1/discounts/quote",
                    "{\"cardNumber\":\"{cardNumber}\",\"orderId\":\"sweep-quote\",\"lines\":[{\"sku\":\"beans\",\"category\":\"coffee\",\"quantity\":1,\"unitPrice\":1000}],\"pointsToSpend\":10}",
                    FORBIDDEN)),
            Map.entry("POST /v1/redemptions", merchant("POST", "/v1/redemptions",
                    "{\"memberId\":\"{memberId}\",\"orderId\":\"sweep-hold\",\"points\":10}", FORBIDDEN)),
            Map.entry("GET /v1/redemptions/{redemptionId}", merchant("GET", "/v1/redemptions/{redemptionId}", null, NOT_FOUND)),
            Map.entry("POST /v1/redemptions/{redemptionId}/capture", merchant("POST", "/v1/redemptions/{redemptionId}/capture",
                    "{\"orderId\":\"{orderId}\"}", REFUSED)),
            Map.entry("POST /v1/redemptions/{redemptionId}/cancel", merchant("POST", "/v1/redemptions/{redemptionId}/cancel",
                    "", NOT_FOUND)),
            // Operator routes: a merchant key, of any program, reaches none of them.
            Map.entry("POST /v1/programs", operator("POST", "/v1/programs", "{\"name\":\"Mine\",\"currency\":\"EUR\"}")),
            Map.entry("GET /v1/programs/{programId}", operator("GET", "/v1/programs/{programId}", null)),
            Map.entry("PUT /v1/programs/{programId}/rules", operator("PUT", "/v1/programs/{programId}/rules", "{}")),
            Map.entry("POST /v1/programs/{programId}/merchants", operator("POST", "/v1/programs/{programId}/merchants",
                    "{\"name\":\"Intruder\"}")),
            Map.entry("POST /v1/programs/{programId}/merchants/{merchantId}/keys", operator("POST",
                    "/v1/programs/{programId}/merchants/{merchantId}/keys", "{}")),
            Map.entry("POST /v1/programs/{programId}/merchants/{merchantId}/keys/revoke", operator("POST",
                    "/v1/programs/{programId}/merchants/{merchantId}/keys/revoke", "{\"keys\":\"ALL\"}")),
            Map.entry("POST /v1/programs/{programId}/promo-codes", operator("POST", "/v1/programs/{programId}/promo-codes",
                    "{\"code\":\"STEAL50\",\"percentBp\":5000}")),
            Map.entry("GET /v1/programs/{programId}/promo-codes", operator("GET", "/v1/programs/{programId}/promo-codes", null)),
            Map.entry("GET /v1/programs/{programId}/promo-codes/{code}", operator("GET", "/v1/programs/{programId}/promo-codes/{code}", null)),
            Map.entry("PATCH /v1/programs/{programId}/promo-codes/{code}", operator("PATCH",
                    "/v1/programs/{programId}/promo-codes/{code}", "{\"active\":false}")),
            Map.entry("GET /v1/programs/{programId}/reward-pools", operator("GET", "/v1/programs/{programId}/reward-pools", null)),
            Map.entry("PUT /v1/programs/{programId}/agreement", operator("PUT", "/v1/programs/{programId}/agreement",
                    "{\"merchants\":{\"{merchantId}\":{\"issue\":true,\"redeem\":true,\"issueFeePer1000\":0,\"reimbursementPer1000\":0}}}")),
            Map.entry("GET /v1/programs/{programId}/agreement", operator("GET", "/v1/programs/{programId}/agreement", null)),
            Map.entry("POST /v1/programs/{programId}/webhooks", operator("POST", "/v1/programs/{programId}/webhooks",
                    "{\"merchantId\":\"{merchantId}\",\"url\":\"https://attacker.example/hook\",\"eventTypes\":[\"PointsAccrued\"]}")),
            Map.entry("GET /v1/programs/{programId}/webhooks", operator("GET", "/v1/programs/{programId}/webhooks", null)),
            Map.entry("DELETE /v1/programs/{programId}/webhooks/{subscriptionId}", operator("DELETE",
                    "/v1/programs/{programId}/webhooks/{subscriptionId}", null)),
            Map.entry("POST /v1/programs/{programId}/settlements", operator("POST", "/v1/programs/{programId}/settlements",
                    "{\"period\":\"{period}\"}")),
            // A merchant reads its own program's settlement (its own line): another program's is a 404, and a
            // partner the agreement leaves out is refused (403).
            Map.entry("GET /v1/programs/{programId}/settlements/{period}", merchant("GET",
                    "/v1/programs/{programId}/settlements/{period}", null, FORBIDDEN)),
            Map.entry("POST /v1/programs/{programId}/webhooks/{subscriptionId}/secret", operator("POST",
                    "/v1/programs/{programId}/webhooks/{subscriptionId}/secret", "{}")),
            Map.entry("GET /v1/programs/{programId}/webhooks/{subscriptionId}/deliveries", operator("GET",
                    "/v1/programs/{programId}/webhooks/{subscriptionId}/deliveries", null)),
            Map.entry("POST /v1/programs/{programId}/contact-keys/rekey", operator("POST",
                    "/v1/programs/{programId}/contact-keys/rekey", "{}")),
            Map.entry("GET /v1/programs/{programId}/liability", operator("GET", "/v1/programs/{programId}/liability", null)),
            Map.entry("POST /v1/programs/{programId}/members/{memberId}/erasure", operator("POST",
                    "/v1/programs/{programId}/members/{memberId}/erasure", "")),
            Map.entry("POST /v1/programs/{programId}/members/{memberId}/adjustments", operator("POST",
                    "/v1/programs/{programId}/members/{memberId}/adjustments", "{\"points\":100,\"reason\":\"goodwill\"}")),
            Map.entry("GET /v1/programs/{programId}/members/{memberId}/messages", operator("GET",
                    "/v1/programs/{programId}/members/{memberId}/messages", null)),
            Map.entry("GET /v1/programs/{programId}/notification-settings", operator("GET",
                    "/v1/programs/{programId}/notification-settings", null)),
            Map.entry("PUT /v1/programs/{programId}/notification-settings", operator("PUT",
                    "/v1/programs/{programId}/notification-settings", "{}")),
            Map.entry("POST /v1/programs/{programId}/campaigns", operator("POST", "/v1/programs/{programId}/campaigns", "{}")),
            Map.entry("GET /v1/programs/{programId}/campaigns", operator("GET", "/v1/programs/{programId}/campaigns", null)),
            Map.entry("POST /v1/programs/{programId}/campaigns/dry-run", operator("POST",
                    "/v1/programs/{programId}/campaigns/dry-run", "{}")),
            Map.entry("GET /v1/programs/{programId}/campaigns/{campaignId}", operator("GET",
                    "/v1/programs/{programId}/campaigns/{campaignId}", null)),
            Map.entry("POST /v1/programs/{programId}/campaigns/{campaignId}/cancel", operator("POST",
                    "/v1/programs/{programId}/campaigns/{campaignId}/cancel", "{}")),
            Map.entry("GET /v1/programs/{programId}/auto-campaigns", operator("GET", "/v1/programs/{programId}/auto-campaigns", null)),
            Map.entry("PUT /v1/programs/{programId}/auto-campaigns", operator("PUT", "/v1/programs/{programId}/auto-campaigns", "{}")),
            Map.entry("GET /v1/programs/{programId}/analytics", operator("GET",
                    "/v1/programs/{programId}/analytics?from=2026-01-01&to=2026-01-31", null)),
            // Unknown paths (the $default route) answer route-not-found whatever ids they carry.
            Map.entry("$default", new Sweep("GET", "/v1/members/{memberId}/secrets", null, NOT_FOUND, NOT_FOUND)));

    private static LocalRuntime runtime;
    private static TableSnapshot table;
    private static final Map<Caller, String> KEYS = new LinkedHashMap<>();
    /** Every object id of program Y, by the placeholder that names its kind. */
    private static final Map<String, List<String>> IDS_OF_Y = new LinkedHashMap<>();
    /** What neither caller may see: Y's personal data and merchant names (and, for the other program, Y's ids). */
    private static final Set<String> SECRETS_OF_Y = new LinkedHashSet<>();
    private static String partnerMerchantId;

    @BeforeAll
    static void start() {
        runtime = LocalRuntime.start(new LocalRuntime.Options("127.0.0.1", 0, Optional.empty(),
                Path.of("..", "template.yaml").toAbsolutePath().normalize(), Optional.of(OPERATOR_KEY), "eu-west-1"));
        table = new TableSnapshot(runtime);

        String programX = created(call("POST", "/v1/programs", OPERATOR_KEY, "sweep-program-x",
                "{\"name\":\"Program X\",\"currency\":\"EUR\",\"rules\":{\"pendingDays\":0}}")).get("programId").asText();
        KEYS.put(Caller.OTHER_PROGRAM, created(call("POST", "/v1/programs/" + programX + "/merchants", OPERATOR_KEY,
                "sweep-merchant-x", "{\"name\":\"Shop of X\"}")).get("apiKey").asText());
        // X's own member has the phone of Y's first member: the lookup by phone must find X's, never Y's.
        created(call("POST", "/v1/members", KEYS.get(Caller.OTHER_PROGRAM), "sweep-enrol-x",
                "{\"profile\":{\"name\":\"Xavier\",\"phone\":\"+447700900101\"}}"));

        String programY = created(call("POST", "/v1/programs", OPERATOR_KEY, "sweep-program-y",
                "{\"name\":\"Program Y\",\"currency\":\"EUR\",\"rules\":{\"pendingDays\":0}}")).get("programId").asText();
        JsonNode owner = created(call("POST", "/v1/programs/" + programY + "/merchants", OPERATOR_KEY, "sweep-merchant-a",
                "{\"name\":\"Alpha Roasters of Y\"}"));
        String ownerKey = owner.get("apiKey").asText();
        JsonNode partner = created(call("POST", "/v1/programs/" + programY + "/merchants", OPERATOR_KEY, "sweep-merchant-p",
                "{\"name\":\"Papyrus Books of Y\"}"));
        partnerMerchantId = partner.get("merchantId").asText();
        KEYS.put(Caller.PARTNER_BEYOND_AGREEMENT, partner.get("apiKey").asText());
        // The agreement names only the owner: the partner may neither issue nor redeem, nor read members.
        assertThat(call("PUT", "/v1/programs/" + programY + "/agreement", OPERATOR_KEY, "sweep-agreement",
                "{\"merchants\":{\"" + owner.get("merchantId").asText()
                        + "\":{\"issue\":true,\"redeem\":true,\"issueFeePer1000\":0,\"reimbursementPer1000\":0}}}").status())
                .isEqualTo(200);

        JsonNode first = created(call("POST", "/v1/members", ownerKey, "sweep-enrol-y1",
                "{\"profile\":{\"name\":\"Ysolde Private\",\"phone\":\"+447700900101\",\"email\":\"ysolde@example.org\"}}"));
        JsonNode second = created(call("POST", "/v1/members", ownerKey, "sweep-enrol-y2",
                "{\"profile\":{\"name\":\"Yannick Sharer\",\"phone\":\"+447700900202\",\"email\":\"yannick@example.org\"},"
                        + "\"consents\":{\"sms\":false,\"email\":false,\"push\":false,\"sharePartners\":true}}"));
        String firstId = first.get("memberId").asText();
        String secondId = second.get("memberId").asText();
        String oldCard = second.at("/card/cardNumber").asText();
        String newCard = created(call("POST", "/v1/cards/" + oldCard + "/replace", ownerKey, "sweep-replace-y2",
                "{\"reason\":\"lost\"}")).get("cardNumber").asText();
        created(call("POST", "/v1/purchases", ownerKey, "sweep-purchase-y1", "{\"memberId\":\"" + firstId
                + "\",\"orderId\":\"y-order-1\",\"total\":{\"amount\":50000,\"currency\":\"EUR\"}}"));
        created(call("POST", "/v1/purchases", ownerKey, "sweep-purchase-y2", "{\"cardNumber\":\"" + newCard
                + "\",\"orderId\":\"y-order-2\",\"total\":{\"amount\":30000,\"currency\":\"EUR\"}}"));
        created(call("POST", "/v1/purchases/y-order-1/returns", ownerKey, "sweep-return-y1",
                "{\"returnId\":\"y-return-1\",\"amount\":1000}"));
        String openHold = created(call("POST", "/v1/redemptions", ownerKey, "sweep-hold-y1",
                "{\"memberId\":\"" + firstId + "\",\"orderId\":\"y-order-3\",\"points\":50}")).get("redemptionId").asText();
        String capturedHold = created(call("POST", "/v1/redemptions", ownerKey, "sweep-hold-y2",
                "{\"memberId\":\"" + secondId + "\",\"orderId\":\"y-order-4\",\"points\":40}")).get("redemptionId").asText();
        assertThat(call("POST", "/v1/redemptions/" + capturedHold + "/capture", ownerKey, "sweep-capture-y2",
                "{\"orderId\":\"y-order-4\"}").status()).isEqualTo(200);
        created(call("POST", "/v1/programs/" + programY + "/promo-codes", OPERATOR_KEY, "sweep-promo-y",
                "{\"code\":\"YONLY10\",\"percentBp\":1000}"));
        String campaignId = created(call("POST", "/v1/programs/" + programY + "/campaigns", OPERATOR_KEY, "sweep-campaign-y",
                "{\"name\":\"Y spring\",\"segment\":{\"tags\":[\"vip\"]},\"sendAt\":\"" + runtime.clock().instant().plus(Duration.ofDays(200)) + "\",\"channels\":[\"email\"],"
                        + "\"messages\":{\"en\":{\"subject\":\"Spring\",\"body\":\"Spring at Y\"}}}")).get("campaignId").asText();
        String period = YearMonth.from(runtime.clock().instant().atZone(ZoneOffset.UTC)).minusMonths(1).toString();
        created(call("POST", "/v1/programs/" + programY + "/settlements", OPERATOR_KEY, "sweep-settle-y",
                "{\"period\":\"" + period + "\"}"));
        // Subscribed last, to an event nothing here publishes: no delivery is attempted during the sweep.
        String subscriptionId = created(call("POST", "/v1/programs/" + programY + "/webhooks", OPERATOR_KEY, "sweep-webhook-y",
                "{\"merchantId\":\"" + owner.get("merchantId").asText() + "\",\"url\":\"https://partner-of-y.example/hook\","
                        + "\"eventTypes\":[\"MerchantBudgetLow\"]}")).get("subscriptionId").asText();

        IDS_OF_Y.put("programId", List.of(programY));
        IDS_OF_Y.put("merchantId", List.of(owner.get("merchantId").asText(), partnerMerchantId));
        IDS_OF_Y.put("memberId", List.of(firstId, secondId));
        IDS_OF_Y.put("cardNumber", List.of(first.at("/card/cardNumber").asText(), oldCard, newCard));
        IDS_OF_Y.put("orderId", List.of("y-order-1", "y-order-2", "y-order-4"));
        IDS_OF_Y.put("returnId", List.of("y-return-1"));
        IDS_OF_Y.put("redemptionId", List.of(openHold, capturedHold));
        IDS_OF_Y.put("period", List.of(period));
        IDS_OF_Y.put("subscriptionId", List.of(subscriptionId));
        IDS_OF_Y.put("campaignId", List.of(campaignId));
        IDS_OF_Y.put("code", List.of("YONLY10"));
        IDS_OF_Y.put("phone", List.of("%2B447700900101", "%2B447700900202"));
        SECRETS_OF_Y.addAll(List.of("Ysolde", "Yannick", "447700900202", "ysolde@example.org", "yannick@example.org",
                "Alpha Roasters", "Papyrus Books", "partner-of-y.example", "Y spring"));
        // The setup's events reach their consumers asynchronously; the snapshots leave the consumers' items out.
        awaitEvent("SettlementClosed");
    }

    @AfterAll
    static void stop() {
        if (table != null) {
            table.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void everyRouteOfTheTemplate_isSwept() {
        Set<String> missing = new TreeSet<>(routeKeys());
        missing.removeAll(ROUTES.keySet());
        assertThat(missing).as("routes of template.yaml the sweep does not cover: add them to ROUTES").isEmpty();
    }

    @Test
    void noCallerReachesAnObjectOfProgramY_andTheTableIsUnchanged() {
        List<String> failures = new ArrayList<>();
        Set<String> sweptRoutes = new TreeSet<>();
        Set<String> idsTried = new TreeSet<>();
        long requests = 0;
        long leaks = 0;
        long tableDifferences = 0;
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> order = new ArrayList<>(routeKeys());
        java.util.Collections.shuffle(order, new java.util.Random(ReliabilityRun.seed()));

        Map<String, String> before = table.take();
        Map<String, String> routeBefore = before;
        for (String routeKey : order) {
            Sweep sweep = ROUTES.get(routeKey);
            if (sweep == null) {
                continue; // reported by everyRouteOfTheTemplate_isSwept
            }
            for (Caller caller : Caller.values()) {
                for (Map<String, String> ids : combinations(sweep)) {
                    String path = fill(sweep.path(), ids);
                    String body = sweep.body() == null ? null : fill(sweep.body(), ids);
                    idsTried.addAll(ids.values());
                    Answer answer = call(sweep.method(), path, KEYS.get(caller),
                            "sweep-" + caller.ordinal() + "-" + (++requests), body);
                    statuses.merge(answer.status(), 1, Integer::sum);
                    String where = caller + " " + sweep.method() + " " + path + (body == null ? "" : " " + body)
                            + " -> " + answer.status() + " " + answer.body();
                    List<String> shown = shownButNotSent(caller, answer.body(), path + " " + body);
                    boolean unexpectedSuccess = answer.status() < 300 && !sweep.expected(caller).contains(answer.status());
                    if (unexpectedSuccess || !shown.isEmpty()) {
                        leaks++;
                        failures.add("LEAK " + where + (shown.isEmpty() ? "" : "\n    shows " + shown));
                    } else if (!sweep.expected(caller).contains(answer.status())) {
                        failures.add("expected " + sweep.expected(caller) + ": " + where);
                    }
                    for (String violation : CONTRACT.violations(new ContractValidator.Exchange(sweep.method(),
                            URI.create(path).getRawPath(), Map.of(), body, answer.status(), answer.contentType(), answer.body()))) {
                        failures.add("contract: " + where + "\n    " + violation);
                    }
                }
            }
            sweptRoutes.add(routeKey);
            Map<String, String> routeAfter = table.take();
            List<String> changed = TableSnapshot.differences(routeBefore, routeAfter);
            if (!changed.isEmpty()) {
                tableDifferences++;
                failures.add("the table changed during the sweep of " + routeKey + ":\n    " + String.join("\n    ", changed));
            }
            routeBefore = routeAfter;
        }
        List<String> overall = TableSnapshot.differences(before, table.take());

        ReliabilityRun.figures("tenant-sweep")
                .set("routesSwept", sweptRoutes.size())
                .set("objectIdsTried", idsTried.size())
                .set("requests", requests)
                .set("statuses", statuses)
                .set("leaks", leaks)
                .set("tableDifferences", tableDifferences + (overall.isEmpty() ? 0 : 1))
                .write();
        assertThat(failures).as("cross-tenant answers that leak, refuse wrongly or write").isEmpty();
        assertThat(overall).as("the table before and after the whole sweep").isEmpty();
        assertThat(sweptRoutes).as("every route of template.yaml swept").containsAll(routeKeys());
    }

    private static Set<String> routeKeys() {
        Set<String> keys = new TreeSet<>();
        TEMPLATE.routes().forEach(route -> keys.add(route.routeKey()));
        return keys;
    }

    /** Every way of filling the sweep's placeholders with ids of Y (their product: few kinds per route, few ids per kind). */
    private static List<Map<String, String>> combinations(Sweep sweep) {
        List<Map<String, String>> combinations = new ArrayList<>();
        combinations.add(new LinkedHashMap<>());
        Matcher placeholder = PLACEHOLDER.matcher(sweep.path() + " " + (sweep.body() == null ? "" : sweep.body()));
        Set<String> kinds = new LinkedHashSet<>();
        while (placeholder.find()) {
            kinds.add(placeholder.group(1));
        }
        for (String kind : kinds) {
            List<String> ids = IDS_OF_Y.get(kind);
            assertThat(ids).as("ids of kind " + kind).isNotNull();
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : combinations) {
                for (String id : ids) {
                    Map<String, String> more = new LinkedHashMap<>(partial);
                    more.put(kind, id);
                    next.add(more);
                }
            }
            combinations = next;
        }
        return combinations;
    }

    private static String fill(String template, Map<String, String> ids) {
        String filled = template;
        for (Map.Entry<String, String> id : ids.entrySet()) {
            filled = filled.replace("{" + id.getKey() + "}", id.getValue());
        }
        return filled;
    }

    /**
     * What the answer shows of Y that the caller neither sent nor may know: Y's personal data and names always;
     * for the other program also Y's ids (the partner knows its own program and merchant id).
     */
    private static List<String> shownButNotSent(Caller caller, String answer, String sent) {
        Set<String> secrets = new LinkedHashSet<>(SECRETS_OF_Y);
        if (caller == Caller.OTHER_PROGRAM) {
            IDS_OF_Y.forEach((kind, ids) -> {
                if (!kind.equals("period") && !kind.equals("phone") && !kind.equals("code")) {
                    secrets.addAll(ids);
                }
            });
        } else {
            IDS_OF_Y.forEach((kind, ids) -> {
                if (kind.equals("memberId") || kind.equals("cardNumber") || kind.equals("redemptionId")) {
                    secrets.addAll(ids);
                }
            });
        }
        List<String> shown = new ArrayList<>();
        for (String secret : secrets) {
            if (answer.contains(secret) && !sent.contains(secret)) {
                shown.add(secret);
            }
        }
        return shown;
    }

    private static void awaitEvent(String detailType) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!call("GET", "/_local/events", null, null, null).body().contains("\"" + detailType + "\"")) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + detailType + " at /_local/events");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // between probes, not a synchronisation
        }
    }

    record Answer(int status, String contentType, String body) {
    }

    private static JsonNode created(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer call(String method, String path, String bearerKey, String idempotencyKey, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(runtime.url().toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearerKey != null) {
            request.header("Authorization", "Bearer " + bearerKey);
        }
        if (idempotencyKey != null && !method.equals("GET") && !method.equals("DELETE")) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
