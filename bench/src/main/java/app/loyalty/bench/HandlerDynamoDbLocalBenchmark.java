package app.loyalty.bench;

import app.loyalty.functions.cardissuance.CardIssuanceHandler;
import app.loyalty.functions.discountcalculation.DiscountCalculationHandler;
import app.loyalty.functions.purchaseaccrual.PurchaseAccrualHandler;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The same requests as HandlerCpuBenchmark end to end: the real SDK client (URLConnection HTTP, SigV4, JSON
 * marshalling) over loopback to DynamoDB Local running in this JVM, as the handler tests do. Latency includes the
 * server's own work, which shares the 2 cores with the client. DynamoDB Local (SQLite underneath) is not DynamoDB:
 * these are relative figures for our request paths, not a forecast of production latency.
 * <p>
 * SampleTime, so the report has percentiles: I/O makes the tail matter. Every measured request must answer its
 * happy-path status; the iteration teardown fails the run otherwise.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class HandlerDynamoDbLocalBenchmark {
    /** Members the purchases rotate over, so that no member's lot history grows much within an iteration. */
    private static final int MEMBERS = 50;
    /** Lots each member starts an iteration with: a few months of weekly shopping, as in HandlerCpuBenchmark. */
    private static final int LOTS_PER_MEMBER = 20;

    private final MutableClock clock = MutableClock.at(BenchData.NOW);
    private AppContext context;
    private CardIssuanceHandler cards;
    private PurchaseAccrualHandler purchases;
    private DiscountCalculationHandler discounts;
    private String[] cardNumbers;
    private String[] memberIds;
    private APIGatewayV2HTTPEvent[] getMember;
    private long sequence;
    private int next;
    private long unexpected;
    private String lastUnexpected;

    @Setup(Level.Trial)
    public void startDynamoDbLocal() {
        QuietRequestLog.install();
        SqliteNatives.configure();
        DynamoDbLocal.client();
        ExitWhenJmhIsDone.arm();
    }

    /**
     * A fresh table each iteration (its creation and seeding are not measured): every iteration starts from the
     * same state, with {@value #MEMBERS} members of {@value #LOTS_PER_MEMBER} lots each.
     */
    @Setup(Level.Iteration)
    public void freshTable() {
        context = TestContexts.appContext(clock);
        DynamoDbClient dynamo = context.dynamo();
        dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(dynamo, context.tableName()).create(BenchData.PROGRAM)).build());
        cardNumbers = new String[MEMBERS];
        memberIds = new String[MEMBERS];
        getMember = new APIGatewayV2HTTPEvent[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            String memberId = String.format("mbr_bench%015d", i);
            memberIds[i] = memberId;
            cardNumbers[i] = BenchData.newCardNumber();
            Member member = BenchData.member(memberId, cardNumbers[i]);
            var lots = BenchData.lots(memberId, LOTS_PER_MEMBER);
            put(dynamo, context.tableName(), BenchData.profileItem(member, lots));
            put(dynamo, context.tableName(), BenchData.cardItem(BenchData.card(memberId, cardNumbers[i])));
            batchPut(dynamo, context.tableName(), BenchData.lotItems(lots));
            getMember[i] = TestRequests.get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(),
                    BenchData.MERCHANT);
        }
        cards = new CardIssuanceHandler(context);
        purchases = new PurchaseAccrualHandler(context);
        discounts = new DiscountCalculationHandler(context);
        next = 0;
    }

    /** Drops the iteration's table: DynamoDB Local keeps every table in one in-memory database, which would grow. */
    @TearDown(Level.Iteration)
    public void everyRequestSucceeded() {
        context.dynamo().deleteTable(DeleteTableRequest.builder().tableName(context.tableName()).build());
        if (unexpected > 0) {
            throw new IllegalStateException(unexpected + " requests did not answer their happy-path status, e.g. "
                    + lastUnexpected);
        }
    }

    /**
     * One GetItem of the program item through the same SDK client: the price of a single round trip, to read the
     * handler figures against (a handler's latency is roughly its round trips times this, plus its own CPU).
     */
    @Benchmark
    public GetItemResponse singleGetItemRoundTrip() {
        return context.dynamo().getItem(GetItemRequest.builder().tableName(context.tableName())
                .key(ProgramRepository.programKey(BenchData.PROGRAM_ID)).build());
    }

    /** POST /v1/members: GetItem (idempotency) + GetItem (program) + TransactWriteItems of 3 items. */
    @Benchmark
    public APIGatewayV2HTTPResponse enrolMember() {
        APIGatewayV2HTTPEvent event = TestRequests.post("POST /v1/members", BenchData.MERCHANT,
                "enrol-bench-" + sequence, BenchData.enrolBody(sequence++));
        return expect(cards.handleRequest(event, null), 201);
    }

    /** GET /v1/members/{id}: GetItem (profile; the program from the handler's cache). */
    @Benchmark
    public APIGatewayV2HTTPResponse getMember() {
        return expect(cards.handleRequest(getMember[nextMember()], null), 200);
    }

    /**
     * POST /v1/purchases, 10 lines, by card: GetItem (card) + BatchGetItem (profile, promo code, the member's use of
     * it) + TransactWriteItems (the program from the handler's cache; the Lambda report counts them).
     */
    @Benchmark
    public APIGatewayV2HTTPResponse recordPurchase10Lines() {
        long n = sequence++;
        APIGatewayV2HTTPEvent event = TestRequests.post("POST /v1/purchases", BenchData.MERCHANT, "purchase-bench-" + n,
                BenchData.purchaseBody(cardNumbers[nextMember()], "ord-bench-" + n, 10));
        return expect(purchases.handleRequest(event, null), 201);
    }

    /**
     * POST /v1/discounts/quote for the purchase's basket and code, by card: GetItem (card) + BatchGetItem (profile,
     * promo code, the member's use of it); the program from the handler's cache. Nothing is written.
     */
    @Benchmark
    public APIGatewayV2HTTPResponse quoteByCard10Lines() {
        APIGatewayV2HTTPEvent event = TestRequests.post("POST /v1/discounts/quote", BenchData.MERCHANT, null,
                BenchData.quoteBody("cardNumber", cardNumbers[nextMember()], "ord-quote-" + sequence++, 10));
        return expect(discounts.handleRequest(event, null), 200);
    }

    /** The same quote by member id: the BatchGetItem alone. */
    @Benchmark
    public APIGatewayV2HTTPResponse quoteByMember10Lines() {
        APIGatewayV2HTTPEvent event = TestRequests.post("POST /v1/discounts/quote", BenchData.MERCHANT, null,
                BenchData.quoteBody("memberId", memberIds[nextMember()], "ord-quote-" + sequence++, 10));
        return expect(discounts.handleRequest(event, null), 200);
    }

    private int nextMember() {
        int member = next;
        next = (next + 1) % MEMBERS;
        return member;
    }

    private APIGatewayV2HTTPResponse expect(APIGatewayV2HTTPResponse response, int status) {
        if (response.getStatusCode() != status) {
            unexpected++;
            lastUnexpected = response.getStatusCode() + " " + response.getBody();
        }
        return response;
    }

    private static void put(DynamoDbClient dynamo, String table, Map<String, AttributeValue> item) {
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).build());
    }

    private static void batchPut(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> batch = items.subList(from, Math.min(items.size(), from + 25)).stream()
                    .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                    .toList();
            var response = dynamo.batchWriteItem(BatchWriteItemRequest.builder()
                    .requestItems(Map.of(table, batch)).build());
            Checks.that(response.unprocessedItems().isEmpty(), "DynamoDB Local took the whole seeding batch");
        }
    }
}
