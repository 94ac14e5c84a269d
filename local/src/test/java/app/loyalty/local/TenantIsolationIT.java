package app.loyalty.local;

import app.loyalty.local.template.Template;
import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Object-level authorization (OWASP API1, docs/security.md) on the bundle as bin/local runs it, over the template's
 * route table: a merchant of program X, with a valid key, names objects of program Y (member, card, order, return,
 * redemption, promo code, program, merchant) on every route, and gets 404 (an id of another program looks exactly like
 * an id that does not exist), or 403 on operator routes (a merchant key reaches none of them), or 400 where the body
 * could name a program. Nothing is written: the table is the same before and after.
 * <p>
 * A route added to template.yaml without a case in {@link #CASES} fails {@link #everyRouteOfTheTemplate_hasACase}: say
 * what object of program Y the route could reach and what the merchant of X must get.
 */
class TenantIsolationIT {
    private static final String OPERATOR_KEY = "isolation-operator-key-0123456789";
    private static final Template TEMPLATE = Template.load(Path.of("..", "template.yaml"), "eu-west-1");
    private static LocalRuntime runtime;
    private static LocalApi api;
    private static DynamoDbClient dynamo;
    /** Program X's merchant: the caller of every cross-tenant request. */
    private static String keyOfX;
    private static String memberOfX;
    private static Ids y;
    private static Map<String, String> tableBefore;

    /** The objects of program Y that the merchant of X tries to reach. */
    record Ids(String programId, String merchantId, String memberId, String cardNumber, String orderId,
               String returnId, String redemptionId, String promoCode) {
    }

    /** One cross-tenant request and the status the merchant of X must get. */
    record Case(String method, String path, String body, int status) {
    }

    private static final Map<String, Function<Ids, Case>> CASES = Map.ofEntries(
            Map.entry("POST /v1/members", ids -> new Case("POST", "/v1/members", """
                    {"programId":"%s","profile":{"name":"Eve","phone":"+447700900999"},"kind":"customer"}"""
                    .formatted(ids.programId()), 400)),
            Map.entry("GET /v1/members/{memberId}", ids -> new Case("GET", "/v1/members/" + ids.memberId(), null, 404)),
            Map.entry("GET /v1/cards/{cardNumber}", ids -> new Case("GET", "/v1/cards/" + ids.cardNumber(), null, 404)),
            Map.entry("POST /v1/cards/{cardNumber}/replace", ids -> new Case("POST",
                    "/v1/cards/" + ids.cardNumber() + "/replace", "{\"reason\":\"lost\"}", 404)),
            Map.entry("POST /v1/purchases", ids -> new Case("POST", "/v1/purchases",
                    "{\"memberId\":\"" + ids.memberId() + "\",\"orderId\":\"x-order-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}", 404)),
            Map.entry("POST /v1/purchases/{orderId}/returns", ids -> new Case("POST",
                    "/v1/purchases/" + ids.orderId() + "/returns", "{\"returnId\":\"" + ids.returnId() + "\",\"amount\":100}", 404)),
            Map.entry("POST /v1/discounts/quote", ids -> new Case("POST", "/v1/discounts/quote",
                    "{\"cardNumber\":\"" + ids.cardNumber() + "\",\"orderId\":\"x-order-2\",\"lines\":[{\"sku\":\"beans\",\"category\":\"coffee\",\"quantity\":1,\"unitPrice\":1000}]}", 404)),
            Map.entry("POST /v1/redemptions", ids -> new Case("POST", "/v1/redemptions",
                    "{\"memberId\":\"" + ids.memberId() + "\",\"orderId\":\"x-order-3\",\"points\":10}", 404)),
            Map.entry("GET /v1/redemptions/{redemptionId}", ids -> new Case("GET", "/v1/redemptions/" + ids.redemptionId(), null, 404)),
            Map.entry("POST /v1/redemptions/{redemptionId}/capture", ids -> new Case("POST",
                    "/v1/redemptions/" + ids.redemptionId() + "/capture", "", 404)),
            Map.entry("POST /v1/redemptions/{redemptionId}/cancel", ids -> new Case("POST",
                    "/v1/redemptions/" + ids.redemptionId() + "/cancel", "", 404)),
            // Operator routes: a merchant key is refused before any object is looked up.
            Map.entry("POST /v1/programs", ids -> new Case("POST", "/v1/programs", "{\"name\":\"Mine\",\"currency\":\"EUR\"}", 403)),
            Map.entry("GET /v1/programs/{programId}", ids -> new Case("GET", "/v1/programs/" + ids.programId(), null, 403)),
            Map.entry("PUT /v1/programs/{programId}/rules", ids -> new Case("PUT", "/v1/programs/" + ids.programId() + "/rules", "{}", 403)),
            Map.entry("POST /v1/programs/{programId}/merchants", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/merchants", "{\"name\":\"Intruder\"}", 403)),
            Map.entry("POST /v1/programs/{programId}/merchants/{merchantId}/keys", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/merchants/" + ids.merchantId() + "/keys", "{}", 403)),
            Map.entry("POST /v1/programs/{programId}/merchants/{merchantId}/keys/revoke", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/merchants/" + ids.merchantId() + "/keys/revoke", "{}", 403)),
            Map.entry("POST /v1/programs/{programId}/promo-codes", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/promo-codes", "{\"code\":\"STEAL50\",\"percentBp\":5000}", 403)),
            Map.entry("GET /v1/programs/{programId}/promo-codes", ids -> new Case("GET", "/v1/programs/" + ids.programId() + "/promo-codes", null, 403)),
            Map.entry("GET /v1/programs/{programId}/promo-codes/{code}", ids -> new Case("GET",
                    "/v1/programs/" + ids.programId() + "/promo-codes/" + ids.promoCode(), null, 403)),
            Map.entry("PATCH /v1/programs/{programId}/promo-codes/{code}", ids -> new Case("PATCH",
                    "/v1/programs/" + ids.programId() + "/promo-codes/" + ids.promoCode(), "{\"active\":false}", 403)),
            Map.entry("GET /v1/programs/{programId}/reward-pools", ids -> new Case("GET", "/v1/programs/" + ids.programId() + "/reward-pools", null, 403)),
            Map.entry("GET /v1/programs/{programId}/members/{memberId}/messages", ids -> new Case("GET",
                    "/v1/programs/" + ids.programId() + "/members/" + ids.memberId() + "/messages", null, 403)),
            Map.entry("GET /v1/programs/{programId}/notification-settings", ids -> new Case("GET",
                    "/v1/programs/" + ids.programId() + "/notification-settings", null, 403)),
            Map.entry("PUT /v1/programs/{programId}/notification-settings", ids -> new Case("PUT",
                    "/v1/programs/" + ids.programId() + "/notification-settings", "{}", 403)),
            Map.entry("POST /v1/programs/{programId}/campaigns", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/campaigns", "{}", 403)),
            Map.entry("GET /v1/programs/{programId}/campaigns", ids -> new Case("GET", "/v1/programs/" + ids.programId() + "/campaigns", null, 403)),
            Map.entry("POST /v1/programs/{programId}/campaigns/dry-run", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/campaigns/dry-run", "{}", 403)),
            Map.entry("GET /v1/programs/{programId}/campaigns/{campaignId}", ids -> new Case("GET",
                    "/v1/programs/" + ids.programId() + "/campaigns/cmp_00000000000000000000", null, 403)),
            Map.entry("POST /v1/programs/{programId}/campaigns/{campaignId}/cancel", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/campaigns/cmp_00000000000000000000/cancel", "{}", 403)),
            Map.entry("GET /v1/programs/{programId}/auto-campaigns", ids -> new Case("GET",
                    "/v1/programs/" + ids.programId() + "/auto-campaigns", null, 403)),
            Map.entry("PUT /v1/programs/{programId}/auto-campaigns", ids -> new Case("PUT",
                    "/v1/programs/" + ids.programId() + "/auto-campaigns", "{}", 403)),
            // Unknown paths (the $default route) answer route-not-found whatever ids they carry.
            Map.entry("POST /v1/programs/{programId}/webhooks", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/webhooks", "{\"merchantId\":\"" + ids.merchantId()
                    + "\",\"url\":\"https://attacker.example/hook\",\"eventTypes\":[\"PointsAccrued\"]}", 403)),
            Map.entry("GET /v1/programs/{programId}/webhooks", ids -> new Case("GET", "/v1/programs/" + ids.programId() + "/webhooks", null, 403)),
            Map.entry("DELETE /v1/programs/{programId}/webhooks/{subscriptionId}", ids -> new Case("DELETE",
                    "/v1/programs/" + ids.programId() + "/webhooks/whk_any", null, 403)),
            Map.entry("POST /v1/programs/{programId}/webhooks/{subscriptionId}/secret", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/webhooks/whk_any/secret", "{}", 403)),
            Map.entry("GET /v1/programs/{programId}/webhooks/{subscriptionId}/deliveries", ids -> new Case("GET",
                    "/v1/programs/" + ids.programId() + "/webhooks/whk_any/deliveries", null, 403)),
            // Members as a CRM: Y's member is not found; a lookup by the phone Y's member has answers X's own member only.
            Map.entry("GET /v1/members", ids -> new Case("GET", "/v1/members?phone=%2B447700900123", null, 200)),
            Map.entry("GET /v1/members/{memberId}/statement", ids -> new Case("GET",
                    "/v1/members/" + ids.memberId() + "/statement", null, 404)),
            Map.entry("PATCH /v1/members/{memberId}", ids -> new Case("PATCH", "/v1/members/" + ids.memberId(),
                    "{\"tags\":[\"vip\"]}", 404)),
            Map.entry("GET /v1/purchases/{orderId}", ids -> new Case("GET", "/v1/purchases/" + ids.orderId(), null, 404)),
            // Operator routes of the CRM, settlement and analytics: a merchant key reaches none of them.
            Map.entry("POST /v1/programs/{programId}/members/{memberId}/adjustments", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/members/" + ids.memberId() + "/adjustments",
                    "{\"points\":100,\"reason\":\"goodwill\"}", 403)),
            Map.entry("POST /v1/programs/{programId}/members/{memberId}/erasure", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/members/" + ids.memberId() + "/erasure", "", 403)),
            Map.entry("POST /v1/programs/{programId}/contact-keys/rekey", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/contact-keys/rekey", "{\"limit\":25}", 403)),
            Map.entry("PUT /v1/programs/{programId}/agreement", ids -> new Case("PUT",
                    "/v1/programs/" + ids.programId() + "/agreement", "{}", 403)),
            Map.entry("GET /v1/programs/{programId}/agreement", ids -> new Case("GET",
                    "/v1/programs/" + ids.programId() + "/agreement", null, 403)),
            Map.entry("POST /v1/programs/{programId}/settlements", ids -> new Case("POST",
                    "/v1/programs/" + ids.programId() + "/settlements", "{\"period\":\"2026-01\"}", 403)),
            // A merchant reads its own program's settlement (its own line); another program's answers as not found.
            Map.entry("GET /v1/programs/{programId}/settlements/{period}", ids -> new Case("GET",
                    "/v1/programs/" + ids.programId() + "/settlements/2026-01", null, 404)),
            Map.entry("GET /v1/programs/{programId}/liability", ids -> new Case("GET",
                    "/v1/programs/" + ids.programId() + "/liability", null, 403)),
            Map.entry("GET /v1/programs/{programId}/analytics", ids -> new Case("GET",
                    "/v1/programs/" + ids.programId() + "/analytics?from=2026-01-01&to=2026-01-31", null, 403)),
            Map.entry("$default", ids -> new Case("GET", "/v1/members/" + ids.memberId() + "/secrets", null, 404)));

    @BeforeAll
    static void start() {
        runtime = LocalApi.startRuntime(OPERATOR_KEY);
        api = new LocalApi(runtime.url(), ContractValidator.repositoryContract());
        dynamo = DynamoDbClient.builder().region(Region.EU_WEST_1).endpointOverride(runtime.dynamoEndpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();

        String programX = created(api.post("/v1/programs", OPERATOR_KEY, "iso-program-x-01",
                "{\"name\":\"Program X\",\"currency\":\"EUR\",\"rules\":{\"pendingDays\":0}}")).get("programId").asText();
        keyOfX = created(api.post("/v1/programs/" + programX + "/merchants", OPERATOR_KEY, "iso-merchant-x-01",
                "{\"name\":\"Shop of X\"}")).get("apiKey").asText();
        memberOfX = enrol(keyOfX, "iso-enrol-x-01").get("memberId").asText();

        String programY = created(api.post("/v1/programs", OPERATOR_KEY, "iso-program-y-01",
                "{\"name\":\"Program Y\",\"currency\":\"EUR\",\"rules\":{\"pendingDays\":0}}")).get("programId").asText();
        JsonNode merchantY = created(api.post("/v1/programs/" + programY + "/merchants", OPERATOR_KEY, "iso-merchant-y-01",
                "{\"name\":\"Shop of Y\"}"));
        String keyOfY = merchantY.get("apiKey").asText();
        JsonNode memberY = enrol(keyOfY, "iso-enrol-y-01");
        String memberIdY = memberY.get("memberId").asText();
        created(api.post("/v1/purchases", keyOfY, "iso-purchase-y-01", "{\"memberId\":\"" + memberIdY
                + "\",\"orderId\":\"y-order-1\",\"total\":{\"amount\":50000,\"currency\":\"EUR\"}}"));
        created(api.post("/v1/purchases/y-order-1/returns", keyOfY, "iso-return-y-01", "{\"returnId\":\"y-return-1\",\"amount\":1000}"));
        String redemptionId = created(api.post("/v1/redemptions", keyOfY, "iso-hold-y-01",
                "{\"memberId\":\"" + memberIdY + "\",\"orderId\":\"y-order-2\",\"points\":50}")).get("redemptionId").asText();
        created(api.post("/v1/programs/" + programY + "/promo-codes", OPERATOR_KEY, "iso-promo-y-01",
                "{\"code\":\"YONLY10\",\"percentBp\":1000}"));
        y = new Ids(programY, merchantY.get("merchantId").asText(), memberIdY, memberY.at("/card/cardNumber").asText(),
                "y-order-1", "y-return-1", redemptionId, "YONLY10");
        // Setup events reach their consumers asynchronously; wait for the last one before taking the table's picture.
        api.awaitEvent("PointsHeld", "redemptionId", redemptionId);
        tableBefore = table();
    }

    @AfterAll
    static void stop() {
        // Every cross-tenant request has run by now (JUnit runs the methods of one instance in sequence).
        if (dynamo != null && tableBefore != null) {
            assertThat(table()).as("a cross-tenant request changed the table").isEqualTo(tableBefore);
            dynamo.close();
        }
        runtime.close();
    }

    static Stream<String> routeKeys() {
        return TEMPLATE.routes().stream().map(Template.Route::routeKey).sorted();
    }

    @Test
    void everyRouteOfTheTemplate_hasACase() {
        assertThat(CASES.keySet()).as("add a cross-tenant case for each new route")
                .containsAll(routeKeys().toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routeKeys")
    void aMerchantOfProgramX_reachesNoObjectOfProgramY(String routeKey) {
        Case request = CASES.get(routeKey).apply(y);

        LocalApi.Response response = send(request, keyOfX, "iso-x-" + Math.abs(routeKey.hashCode()));

        assertThat(response.status()).as("%s %s -> %s", request.method(), request.path(), response.body())
                .isEqualTo(request.status());
        assertThat(response.body()).as("the answer names nothing of program Y")
                .doesNotContain(y.programId(), "Shop of Y");
    }

    /** A promo code of Y, in a quote for X's own member, answers exactly as a code that exists nowhere. */
    @Test
    void aPromoCodeOfProgramY_isAnUnknownCodeInProgramX() {
        String quote = "{\"memberId\":\"%s\",\"orderId\":\"x-order-4\",\"lines\":[{\"sku\":\"beans\",\"category\":\"coffee\",\"quantity\":1,\"unitPrice\":1000}],\"promoCode\":\"%s\"}";

        LocalApi.Response foreign = api.post("/v1/discounts/quote", keyOfX, "iso-quote-x-01", quote.formatted(memberOfX, y.promoCode()));
        LocalApi.Response unknown = api.post("/v1/discounts/quote", keyOfX, "iso-quote-x-02", quote.formatted(memberOfX, "NOSUCH10"));

        assertThat(foreign.status()).as(foreign.body()).isEqualTo(unknown.status()).isIn(200, 422);
        assertThat(withoutInstance(foreign.body().replace(y.promoCode(), "CODE")))
                .isEqualTo(withoutInstance(unknown.body().replace("NOSUCH10", "CODE")));
    }

    private static LocalApi.Response send(Case request, String key, String idempotencyKey) {
        return switch (request.method()) {
            case "GET" -> api.get(request.path(), key);
            case "POST" -> api.post(request.path(), key, idempotencyKey, request.body());
            case "DELETE" -> api.delete(request.path(), key);
            default -> api.send(request.method(), request.path(), key, idempotencyKey, request.body());
        };
    }

    /** The answer without its per-request id (problem {@code instance}), to compare two answers. */
    private static JsonNode withoutInstance(String body) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode json =
                    (com.fasterxml.jackson.databind.node.ObjectNode) LocalApi.JSON.readTree(body);
            json.remove("instance");
            return json;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode enrol(String merchantKey, String idempotencyKey) {
        return created(api.post("/v1/members", merchantKey, idempotencyKey, """
                {"profile":{"name":"Ada Lovelace","phone":"+447700900123"},
                 "consents":{"sms":false,"email":false,"push":false},"kind":"customer"}"""));
    }

    private static JsonNode created(LocalApi.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    /** Every item, keyed by PK and SK, as text; the notifications' message log (written asynchronously) aside. */
    private static Map<String, String> table() {
        Map<String, String> items = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = dynamo.scan(ScanRequest.builder().tableName(runtime.template().table().name())
                    .exclusiveStartKey(start).consistentRead(true).build());
            for (Map<String, AttributeValue> item : page.items()) {
                String pk = item.get("PK").s();
                if (!pk.startsWith("MESSAGES#") && !pk.startsWith("NOTIFY#")) {
                    items.put(pk + " | " + item.get("SK").s(), new TreeMap<>(item).toString());
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }
}
