package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.OrderRepository;
import app.loyalty.shared.store.ProgramCache;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.testing.CallCounter;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DynamoDB round trips of each operation, counted by an SDK ExecutionInterceptor on the handler's own client
 * (DESIGN section 4 and 9: write first, read only on conflict; a purchase is a card lookup plus one transaction).
 */
class DynamoDbCallsTest {
    private static final String PROGRAM = "prg_calls";
    private static final String MEMBER = "mbr_calls";
    private static final Caller MERCHANT = Caller.merchant("mch_calls", PROGRAM);
    private static final ProgramRules RULES = new ProgramRules(
            new ProgramRules.Earn(1, 100, Set.of(), Set.of(), Map.of(), 0, null, null), null, 14, null, null, null);

    private final CallCounter counter = new CallCounter();
    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private Fixtures fixtures;
    private PurchaseAccrualHandler handler;
    private Card card;
    private int keys;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(counter.client(), clock);
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", RULES);
        card = fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        handler = new PurchaseAccrualHandler(context);
        purchase("o-warm", "\"memberId\":\"" + MEMBER + "\"", 100); // the container's first request reads the program
        counter.reset();
    }

    @Test
    void purchaseByCard_isTheCardLookupTheProfileAndOneTransaction() {
        APIGatewayV2HTTPResponse response = purchase("o-card", "\"cardNumber\":\"" + card.cardNumber() + "\"", 1000);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(counter.calls()).containsExactly("GetItem", "GetItem", "TransactWriteItems");
    }

    @Test
    void purchaseByMember_isTheProfileAndOneTransaction() {
        assertThat(purchase("o-member", "\"memberId\":\"" + MEMBER + "\"", 1000).getStatusCode()).isEqualTo(201);

        assertThat(counter.calls()).containsExactly("GetItem", "TransactWriteItems");
    }

    @Test
    void purchaseWithABasket_isOneBatchGetAndOneTransaction_asTheQuote() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/purchases", MERCHANT, key(), """
                {"memberId":"%s","orderId":"o-basket","total":{"amount":1000,"currency":"EUR"},"promoCode":"SUMMER",
                 "lines":[{"sku":"a","category":"c","quantity":2,"unitPrice":500}]}""".formatted(MEMBER)), null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(counter.calls()).as("profile, promo code and its member counter in one read")
                .containsExactly("BatchGetItem", "TransactWriteItems");
    }

    @Test
    void returnByLine_isTheOrderTheMembersOpenLotsAndOneTransaction() {
        handler.handleRequest(post("POST /v1/purchases", MERCHANT, key(), """
                {"memberId":"%s","orderId":"o-lines","total":{"amount":1000,"currency":"EUR"},
                 "lines":[{"sku":"a","category":"c","quantity":2,"unitPrice":500}]}""".formatted(MEMBER)), null);
        counter.reset();

        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/purchases/{orderId}/returns",
                Map.of("orderId", "o-lines"), MERCHANT, key(), "{\"returnId\":\"r-1\",\"lines\":[{\"sku\":\"a\",\"quantity\":1}]}"), null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(counter.calls()).containsExactly("GetItem", "Query", "TransactWriteItems");
    }

    @Test
    void purchaseAnswer_isStoredOnce_onTheOrderMarker_andReplayedFromThere() {
        String key = key();
        String body = """
                {"memberId":"%s","orderId":"o-once","total":{"amount":1000,"currency":"EUR"}}""".formatted(MEMBER);
        APIGatewayV2HTTPResponse first = handler.handleRequest(post("POST /v1/purchases", MERCHANT, key, body), null);
        APIGatewayV2HTTPResponse replay = handler.handleRequest(post("POST /v1/purchases", MERCHANT, key, body), null);

        assertThat(replay.getStatusCode()).isEqualTo(201);
        assertThat(replay.getHeaders()).containsEntry("Idempotent-Replayed", "true");
        assertThat(replay.getBody()).isEqualTo(first.getBody());
        var order = context.dynamo().getItem(GetItemRequest.builder().tableName(context.tableName())
                .key(OrderRepository.orderKey(MERCHANT.merchantId(), "o-once")).build()).item();
        assertThat(Attr.string(order, "response")).isEqualTo(first.getBody());
        List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> records =
                fixtures.withSortKeyPrefix("IDEMPOTENCY");
        assertThat(records).allSatisfy(record -> assertThat(record).doesNotContainKey("responseBody"));
    }

    @Test
    void programRules_changeTakesEffectWithinTheCacheTtl_withoutAReadPerRequest() {
        ProgramRules tenTimes = new ProgramRules(
                new ProgramRules.Earn(10, 100, Set.of(), Set.of(), Map.of(), 0, null, null), null, 14, null, null, null);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .updateRules(PROGRAM, tenTimes, 0, clock.instant())).build());

        long before = json(purchase("o-cached", "\"memberId\":\"" + MEMBER + "\"", 1000)).get("pointsEarned").asLong();
        clock.advance(ProgramCache.TTL.minusSeconds(1));
        long stillCached = json(purchase("o-cached-2", "\"memberId\":\"" + MEMBER + "\"", 1000)).get("pointsEarned").asLong();
        clock.advance(Duration.ofSeconds(1));
        counter.reset();
        long after = json(purchase("o-fresh", "\"memberId\":\"" + MEMBER + "\"", 1000)).get("pointsEarned").asLong();

        assertThat(before).as("the container still uses the rules it read").isEqualTo(10);
        assertThat(stillCached).isEqualTo(10);
        assertThat(after).as("at the TTL the rules are read again").isEqualTo(100);
        assertThat(counter.calls()).containsExactly("GetItem", "GetItem", "TransactWriteItems");
    }

    private APIGatewayV2HTTPResponse purchase(String orderId, String who, long amount) {
        return handler.handleRequest(post("POST /v1/purchases", MERCHANT, key(), """
                {%s,"orderId":"%s","total":{"amount":%d,"currency":"EUR"}}""".formatted(who, orderId, amount)), null);
    }

    private String key() {
        return "calls-key-" + String.format("%05d", ++keys);
    }
}
