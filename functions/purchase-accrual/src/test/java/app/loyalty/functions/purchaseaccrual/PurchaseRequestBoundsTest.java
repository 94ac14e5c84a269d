package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edges of what POST /v1/purchases reads: the largest body the contract allows, the body cap, and the only
 * wire form of purchasedAt.
 */
class PurchaseRequestBoundsTest {
    private static final String PROGRAM = "prg_0123456789abcdefghjk";
    private static final String MEMBER = "mbr_0123456789abcdefghjk";
    private static final String CARD = "8000123456789018";

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private final Caller merchant = Caller.merchant("mch_0123456789abcdefghjk", PROGRAM);
    private PurchaseAccrualHandler handler;
    private Fixtures fixtures;
    private int keys;

    @BeforeEach
    void setUp() {
        AppContext context = TestContexts.appContext(clock);
        handler = new PurchaseAccrualHandler(context);
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", ProgramRules.DEFAULT);
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, CARD);
    }

    @Test
    void purchase_is201_forTheLargestBodyTheContractAllows() {
        String body = largestPurchase("o".repeat(63) + "1");
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).as("what 16 KiB refused").isGreaterThan(43_000);

        APIGatewayV2HTTPResponse response = purchase(body);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        // 10^10 of lines less 10^9 of (counted) coupons; the shipping earns nothing
        assertThat(json(response).get("pointsEarned").asLong()).isEqualTo(90_000_000);
        assertThat(json(response).get("adjustments")).hasSize(PurchaseRequest.MAX_ADJUSTMENTS);
        assertThat(json(response).get("metadata").toString()).hasSize(PurchaseMetadata.MAX_BYTES);
    }

    @Test
    void purchase_is201_forABodyOfExactlyTheCap_indentedAsAClientMightSendIt() {
        APIGatewayV2HTTPResponse response = purchase(paddedTo(largestPurchase("o".repeat(63) + "2"), ApiRequest.MAX_BODY_BYTES));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
    }

    @Test
    void purchase_is413AndRecordsNothing_forABodyOneByteOverTheCap() {
        APIGatewayV2HTTPResponse response = purchase(paddedTo(largestPurchase("o".repeat(63) + "3"), ApiRequest.MAX_BODY_BYTES + 1));

        assertProblem(response, 413, "payload-too-large");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1795426200", "1795426200.5", "\"1795426200\"", "\"2026-11-23T09:30:00\"",
            "\"2026-11-23 09:30:00Z\"", "\"2026-11-23T09:30Z\"", "\"2026-11-23\"", "\"2026-11-23T09:30:00+0100\"",
            "\"\"", "[2026,11,23,9,30]", "\"2026-11-31T09:30:00Z\""})
    void purchase_is400NamingTheField_forAPurchasedAtThatIsNotAnRfc3339DateTimeWithOffset(String purchasedAt) {
        APIGatewayV2HTTPResponse response = purchase(
                "{\"cardNumber\":\"" + CARD + "\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},"
                        + "\"purchasedAt\":" + purchasedAt + "}");

        assertProblem(response, 400, "validation-failed");
        assertThat(json(response).get("detail").asText())
                .isEqualTo("'purchasedAt' must be an RFC 3339 date-time with an offset, such as 2026-11-23T09:30:00Z");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-23T09:29:00Z", "2026-11-23T10:29:00+01:00", "2026-11-23T04:29:00.000-05:00"})
    void purchase_acceptsAnRfc3339DateTime_withZOrAnOffset(String purchasedAt) {
        APIGatewayV2HTTPResponse response = purchase(
                "{\"cardNumber\":\"" + CARD + "\",\"orderId\":\"o-1\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"},"
                        + "\"purchasedAt\":\"" + purchasedAt + "\"}");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        JsonNode body = json(response);
        assertThat(body.get("purchasedAt").asText()).isEqualTo("2026-11-23T09:29:00Z");
    }

    /**
     * 200 lines of 64-character skus and categories with the widest quantity and price whose products still add
     * up to the largest total (10000 x 5000 x 200 = 10^10), plus every optional field at its longest but
     * paidWithPoints: a points payment needs that many available points (issue 6, defect 4), and the ten digits it
     * would add are far inside the cap's headroom. Beside them the most adjustments with the longest labels (ten
     * coupons and ten shippings that cancel out, so the lines still add up to the largest total) and metadata of
     * exactly 4096 bytes.
     */
    private static String largestPurchase(String orderId) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < PurchaseRequest.MAX_LINES; i++) {
            String sku = String.format("SKU-%03d-", i) + "x".repeat(56);
            String category = String.format("category/%03d ", i) + "y".repeat(51);
            lines.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(sku).append("\",\"category\":\"").append(category)
                    .append("\",\"quantity\":10000,\"unitPrice\":5000}");
        }
        StringBuilder adjustments = new StringBuilder();
        for (int i = 0; i < PurchaseRequest.MAX_ADJUSTMENTS; i++) {
            adjustments.append(i == 0 ? "" : ",").append(i % 2 == 0
                    ? "{\"kind\":\"coupon\",\"amount\":-100000000,\"label\":\""
                    : "{\"kind\":\"shipping\",\"amount\":100000000,\"label\":\"").append("L".repeat(64)).append("\"}");
        }
        return "{\"cardNumber\":\"" + CARD + "\",\"orderId\":\"" + orderId + "\","
                + "\"total\":{\"amount\":10000000000,\"currency\":\"EUR\"},\"lines\":[" + lines + "],"
                + "\"paidWithPoints\":0,\"promoCode\":\"" + "P".repeat(64) + "\","
                + "\"purchasedAt\":\"2026-11-23T10:29:59.999999999+01:00\","
                + "\"adjustments\":[" + adjustments + "],\"metadata\":" + largestMetadata() + "}";
    }

    /** 8 keys with strings of at most 512 characters, padded to exactly {@link PurchaseMetadata#MAX_BYTES}. */
    private static String largestMetadata() {
        StringBuilder metadata = new StringBuilder("{");
        int used = 2 + 7; // the braces and the commas
        for (int i = 0; i < 8; i++) {
            used += 7; // "k0":"" per entry
        }
        int left = PurchaseMetadata.MAX_BYTES - used;
        for (int i = 0; i < 8; i++) {
            int length = Math.min(PurchaseMetadata.MAX_STRING, left);
            left -= length;
            metadata.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"").append("m".repeat(length)).append('"');
        }
        return metadata.append('}').toString();
    }

    /** The same JSON with white space before its closing brace, {@code bytes} long in all. */
    private static String paddedTo(String body, int bytes) {
        int padding = bytes - body.getBytes(StandardCharsets.UTF_8).length;
        assertThat(padding).isPositive();
        return body.substring(0, body.length() - 1) + "\n".repeat(padding) + "}";
    }

    private APIGatewayV2HTTPResponse purchase(String body) {
        return handler.handleRequest(post("POST /v1/purchases", merchant, "bounds-key-" + (++keys), body), null);
    }
}
