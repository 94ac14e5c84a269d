package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.PurchaseVelocity;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-member purchase velocity limit (ProgramRules.Velocity): over the limit is 429 too-many-requests with
 * Retry-After and nothing written; the next hour accepts again; the transaction's condition holds the limit when the
 * count moved after it was read (contract-checked against openapi.yaml).
 */
class PurchaseVelocityTest {
    private static final String PROGRAM = "prg_velocity";
    private static final String MEMBER = "mbr_velocity";
    private static final Caller MERCHANT = Caller.merchant("mch_velocity", PROGRAM);
    private static final ProgramRules TWO_PER_HOUR = new ProgramRules(null, null, 0, null, null, null)
            .withVelocity(new ProgramRules.Velocity(2));

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    /** Set by a test to fill this hour's count just before the next transaction, as a concurrent purchase would. */
    private final AtomicBoolean raceNextTransaction = new AtomicBoolean();
    private AppContext context;
    private Fixtures fixtures;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private int keys;

    @BeforeEach
    void setUp() {
        DynamoDbClient racing = DynamoDbLocal.configure(DynamoDbClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
                        if (c.request() instanceof TransactWriteItemsRequest && raceNextTransaction.getAndSet(false)) {
                            setThisHoursCount(2);
                        }
                    }
                })).build();
        context = TestContexts.appContext(racing, clock);
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", TWO_PER_HOUR);
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
    }

    @Test
    void purchaseOverTheHourlyLimit_is429WithRetryAfter_writesNothing_andTheNextHourAcceptsAgain() {
        assertThat(purchase("o-1").getStatusCode()).isEqualTo(201);
        assertThat(purchase("o-2").getStatusCode()).isEqualTo(201);

        APIGatewayV2HTTPResponse refused = purchase("o-3");

        assertProblem(refused, 429, "too-many-requests");
        assertThat(refused.getHeaders()).containsEntry("Retry-After", "1800");
        assertThat(json(refused).get("maximum").asInt()).isEqualTo(2);
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(2);
        assertThat(PurchaseVelocity.purchasesThisHour(fixtures.profile(MEMBER), clock.instant())).isEqualTo(2);

        clock.advance(Duration.ofMinutes(30));
        assertThat(purchase("o-3").getStatusCode()).isEqualTo(201);
        assertThat(fixtures.profile(MEMBER).get(PurchaseVelocity.PURCHASES_BY_HOUR).m())
                .as("the past hour is pruned").containsOnlyKeys("2026-11-23T10");
    }

    @Test
    void purchase_isRefusedByTheTransactionsCondition_whenTheHourFilledAfterItWasRead() {
        assertThat(purchase("o-1").getStatusCode()).isEqualTo(201);
        raceNextTransaction.set(true); // the read sees 1 purchase; by the transaction another request made it 2

        APIGatewayV2HTTPResponse refused = purchase("o-2");

        assertProblem(refused, 429, "too-many-requests");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(1);
    }

    private void setThisHoursCount(long count) {
        DynamoDbLocal.client().updateItem(UpdateItemRequest.builder().tableName(context.tableName())
                .key(MemberRepository.profileKey(MEMBER)).updateExpression("SET #byHour = :byHour")
                .expressionAttributeNames(Map.of("#byHour", PurchaseVelocity.PURCHASES_BY_HOUR))
                .expressionAttributeValues(Map.of(":byHour", AttributeValue.fromM(Map.of(
                        PurchaseVelocity.hourOf(clock.instant()), Attr.n(count))))).build());
    }

    private APIGatewayV2HTTPResponse purchase(String orderId) {
        return handler.handleRequest(post("POST /v1/purchases", MERCHANT, "velocity-key-" + String.format("%05d", ++keys),
                "{\"memberId\":\"%s\",\"orderId\":\"%s\",\"total\":{\"amount\":1000,\"currency\":\"EUR\"}}"
                        .formatted(MEMBER, orderId)), null);
    }
}
