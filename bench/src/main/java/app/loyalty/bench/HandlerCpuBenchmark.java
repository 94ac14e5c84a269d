package app.loyalty.bench;

import app.loyalty.functions.authorizer.AuthorizerHandler;
import app.loyalty.functions.cardissuance.CardIssuanceHandler;
import app.loyalty.functions.purchaseaccrual.PurchaseAccrualHandler;
import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.testing.MutableClock;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What our own code costs per request, without I/O: the real handlers, built with the constructor tests use, on
 * a {@link CannedDynamoDb} that answers at once. A figure here is the CPU a warm Lambda spends in our code on top
 * of the DynamoDB round trips; HandlerDynamoDbLocalBenchmark adds the SDK and a real round trip.
 * <p>
 * Each request is the happy path (checked once in setup: 201 or 200, and the write really reached the client),
 * so the figures are not those of a cheap refusal.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandlerCpuBenchmark {

    /** Requests whose cost does not depend on a member's history. */
    @State(Scope.Benchmark)
    public static class Fixed {
        CardIssuanceHandler cards;
        AuthorizerHandler authorizer;
        APIGatewayV2HTTPEvent enrol;
        APIGatewayV2HTTPEvent unknownRoute;
        APIGatewayV2CustomAuthorizerEvent bearerMerchantKey;

        @Setup
        public void setUp() {
            QuietRequestLog.install();
            String merchantKey = ApiKeys.generate();
            CannedDynamoDb dynamo = new CannedDynamoDb()
                    .withItem(BenchData.programItem())
                    .withItem(ApiKeys.put("bench", ApiKeys.hash(merchantKey), BenchData.MERCHANT_ID,
                            BenchData.PROGRAM_ID, BenchData.NOW).put().item());
            AppContext context = new AppContext(dynamo, "bench", MutableClock.at(BenchData.NOW), Json.MAPPER);
            cards = new CardIssuanceHandler(context);
            authorizer = new AuthorizerHandler(context, ApiKeys.hash("operator-key-for-benchmarks"), RequestLog.STDOUT);

            // The stub never stores the idempotency record, so one key replays nothing: every call is a first call.
            enrol = TestRequests.post("POST /v1/members", BenchData.MERCHANT, "enrol-bench-0001", BenchData.ENROL_BODY);
            unknownRoute = TestRequests.get("GET /v1/nothing-here", Map.of(), Map.of(), BenchData.MERCHANT);
            bearerMerchantKey = new APIGatewayV2CustomAuthorizerEvent();
            bearerMerchantKey.setHeaders(Map.of("authorization", "Bearer " + merchantKey, "content-type", "application/json"));
            bearerMerchantKey.setRequestContext(APIGatewayV2CustomAuthorizerEvent.RequestContext.builder()
                    .withRequestId("bench-authorizer").build());

            Checks.status(cards.handleRequest(enrol, null), 201, "enrol");
            Checks.that(dynamo.transactions() == 1, "enrol wrote one transaction");
            Checks.status(cards.handleRequest(unknownRoute, null), 404, "unknown route");
            Checks.that(Boolean.TRUE.equals(authorizer.handleRequest(bearerMerchantKey, null).get("isAuthorized")),
                    "the merchant key is authorized");
        }
    }

    /** A member with {@code lotsPerMember} lots: GET /v1/members and purchases read and map all of them. */
    @State(Scope.Benchmark)
    public static class MemberWithHistory {
        /** 20: a few months of weekly shopping; 200: a heavy shopper's year (lots stay until they expire). */
        @Param({"20", "200"})
        public int lotsPerMember;

        CardIssuanceHandler cards;
        PurchaseAccrualHandler purchases;
        APIGatewayV2HTTPEvent getMember;
        APIGatewayV2HTTPEvent purchase10Lines;

        @Setup
        public void setUp() {
            QuietRequestLog.install();
            String memberId = "mbr_benchmemberbenchmem";
            String cardNumber = BenchData.newCardNumber();
            Member member = BenchData.member(memberId, cardNumber);
            Card card = BenchData.card(memberId, cardNumber);
            var lots = BenchData.lots(memberId, lotsPerMember);
            List<Map<String, AttributeValue>> partition = new ArrayList<>(BenchData.lotItems(lots));
            partition.add(BenchData.profileItem(member, lots));
            CannedDynamoDb dynamo = new CannedDynamoDb()
                    .withItem(BenchData.programItem())
                    .withItem(BenchData.cardItem(card))
                    .withPartition(MemberRepository.memberPk(memberId), partition);
            AppContext context = new AppContext(dynamo, "bench", MutableClock.at(BenchData.NOW), Json.MAPPER);
            cards = new CardIssuanceHandler(context);
            purchases = new PurchaseAccrualHandler(context);

            getMember = TestRequests.get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(),
                    BenchData.MERCHANT);
            // The stub has no order marker and no idempotency record: the same purchase is new every time.
            purchase10Lines = TestRequests.post("POST /v1/purchases", BenchData.MERCHANT, "purchase-bench-0001",
                    BenchData.purchaseBody(cardNumber, "ord-bench-0001", 10));

            Checks.status(cards.handleRequest(getMember, null), 200, "get member");
            Checks.status(purchases.handleRequest(purchase10Lines, null), 201, "purchase");
            // order marker, lot, ACCRUE entry, member figures + the idempotency record
            Checks.that(dynamo.transactions() == 1 && dynamo.transactedItems() == 5,
                    "the purchase wrote one transaction of 5 items, wrote " + dynamo.transactedItems());
        }
    }

    /** The floor every API request pays: event to ApiRequest, routing, problem+json, the log line. */
    @Benchmark
    public APIGatewayV2HTTPResponse unknownRoute404(Fixed state) {
        return state.cards.handleRequest(state.unknownRoute, null);
    }

    /** POST /v1/members: validation, fingerprint, program read, ids, 2 items + record with 2 outbox events. */
    @Benchmark
    public APIGatewayV2HTTPResponse enrolMember(Fixed state) {
        return state.cards.handleRequest(state.enrol, null);
    }

    /** The Lambda authorizer for a merchant key: SHA-256 of the key, one GetItem, the context map, its log line. */
    @Benchmark
    public Map<String, Object> authorizeMerchantKey(Fixed state) {
        return state.authorizer.handleRequest(state.bearerMerchantKey, null);
    }

    /** GET /v1/members/{id}: member partition query mapped to lots, program and card reads, balance, tier, JSON. */
    @Benchmark
    public APIGatewayV2HTTPResponse getMember(MemberWithHistory state) {
        return state.cards.handleRequest(state.getMember, null);
    }

    /** POST /v1/purchases with a 10-line basket, by card: earn rules, ledger accrual, 5-item transaction, events. */
    @Benchmark
    public APIGatewayV2HTTPResponse recordPurchase10Lines(MemberWithHistory state) {
        return state.purchases.handleRequest(state.purchase10Lines, null);
    }
}
