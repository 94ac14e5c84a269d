package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.settlement.MerchantTerms;
import app.loyalty.shared.domain.settlement.PartnerAgreement;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.MerchantBudgets;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The partner agreement in POST /v1/purchases (docs/settlement.md): who may issue, who may take points as payment,
 * and the prepaid budget spent inside the purchase's one transaction, never overspent under concurrency.
 */
class PartnerAgreementPurchaseTest {
    private static final String PROGRAM = "prg_partners";
    private static final Caller ISSUER = Caller.merchant("mch_issuer", PROGRAM);
    private static final Caller REDEEM_ONLY = Caller.merchant("mch_redeemonly", PROGRAM);
    private static final Caller STRANGER = Caller.merchant("mch_stranger", PROGRAM);
    private static final Caller BUDGETED = Caller.merchant("mch_budgeted", PROGRAM);

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private Fixtures fixtures;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", new ProgramRules(null, null, 0, null, null, null));
        agreement(Map.of(
                "mch_issuer", new MerchantTerms(true, true, 20, 500, null, null),
                "mch_redeemonly", new MerchantTerms(false, true, 0, 500, null, null),
                "mch_budgeted", new MerchantTerms(true, true, 20, 500, 1_000L, 300L)));
    }

    private void agreement(Map<String, MerchantTerms> terms) {
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .updateAgreement(PROGRAM, new PartnerAgreement(terms), 0, clock.instant())).build());
    }

    private APIGatewayV2HTTPResponse purchase(Caller merchant, String memberId, String orderId, long amount, long paid) {
        String body = "{\"memberId\":\"" + memberId + "\",\"orderId\":\"" + orderId + "\",\"total\":{\"amount\":" + amount
                + ",\"currency\":\"EUR\"}" + (paid > 0 ? ",\"paidWithPoints\":" + paid : "") + "}";
        return handler.handleRequest(post("POST /v1/purchases", merchant, "key-" + orderId, body), null);
    }

    @Test
    void purchaseAtAMerchantTheAgreementLeavesOut_is403_andWritesNothing() {
        fixtures.member("mbr_1", PROGRAM, MemberKind.CUSTOMER, null);

        APIGatewayV2HTTPResponse response = purchase(STRANGER, "mbr_1", "order-1", 5_000, 0);

        assertProblem(response, 403, "partner-not-allowed");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).isEmpty();
        assertThat(fixtures.memberItems("mbr_1", "ENTRY#")).isEmpty();
    }

    @Test
    void merchantThatMayOnlyRedeem_cannotIssue_butAMerchantThatMayIssueCan_andItsEntryNamesTheIssuer() {
        fixtures.member("mbr_1", PROGRAM, MemberKind.CUSTOMER, null);

        assertProblem(purchase(REDEEM_ONLY, "mbr_1", "order-1", 5_000, 0), 403, "partner-not-allowed");
        assertThat(purchase(ISSUER, "mbr_1", "order-2", 5_000, 0).getStatusCode()).isEqualTo(201);

        var entries = fixtures.memberItems("mbr_1", "ENTRY#");
        assertThat(entries).singleElement().satisfies(item -> {
            assertThat(item.get("allocations").l().getFirst().m().get("issuer").s()).isEqualTo("mch_issuer");
            assertThat(Attr.string(item, TableSchema.GSI2_PK)).startsWith("LEDGER#" + PROGRAM + "#2026-11-23#");
            assertThat(LedgerEntryItems.settlementEntry(item).shares()).singleElement()
                    .satisfies(share -> assertThat(share.issuerId()).isEqualTo("mch_issuer"));
        });
    }

    @Test
    void payingWithPointsAtAMerchantThatMayNotRedeem_is403_andSpendsNothing() {
        agreementWithoutRedeeming();
        fixtures.member("mbr_1", PROGRAM, MemberKind.CUSTOMER, null);
        fixtures.grant("mbr_1", PROGRAM, "mch_issuer", 1_000);

        assertProblem(purchase(ISSUER, "mbr_1", "order-1", 5_000, 500), 403, "partner-not-allowed");
        assertThat(fixtures.memberItems("mbr_1", "ENTRY#")).hasSize(1); // the grant only
    }

    private void agreementWithoutRedeeming() {
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = context.dynamo().getItem(
                GetItemRequest.builder().tableName(context.tableName()).key(ProgramRepository.programKey(PROGRAM)).build()).item();
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName()).updateAgreement(PROGRAM,
                        new PartnerAgreement(Map.of("mch_issuer", new MerchantTerms(true, false, 0, 0, null, null))),
                        ProgramRepository.agreementVersion(item), clock.instant())).build());
        clock.advance(java.time.Duration.ofMinutes(2)); // past the program cache
    }

    @Test
    void budget_refusesWhatItCannotCover_with422_andNothingWritten() {
        fixtures.member("mbr_1", PROGRAM, MemberKind.CUSTOMER, null);
        assertThat(purchase(BUDGETED, "mbr_1", "order-1", 90_000, 0).getStatusCode()).isEqualTo(201); // 900 points

        APIGatewayV2HTTPResponse refused = purchase(BUDGETED, "mbr_1", "order-2", 20_000, 0); // 200 > 100 left

        assertProblem(refused, 422, "merchant-budget-exhausted");
        assertThat(fixtures.withSortKeyPrefix("ORDER")).hasSize(1);
        assertThat(new MerchantBudgets(context.dynamo(), context.tableName()).issued(PROGRAM, "mch_budgeted")).isEqualTo(900);
    }

    @Test
    void concurrentPurchases_neverOverspendTheBudget_andExactlyOnePublishesMerchantBudgetLow() throws Exception {
        int purchases = 30; // 30 x 50 points against a budget of 1,000: 20 fit
        List<Callable<APIGatewayV2HTTPResponse>> tasks = new ArrayList<>();
        for (int i = 0; i < purchases; i++) {
            String memberId = "mbr_c" + i;
            fixtures.member(memberId, PROGRAM, MemberKind.CUSTOMER, null);
            String orderId = "order-c" + i;
            tasks.add(() -> {
                APIGatewayV2HTTPResponse response;
                int attempts = 0;
                do {
                    response = purchase(BUDGETED, memberId, orderId, 5_000, 0);
                } while (response.getStatusCode() == 409 && ++attempts < 5);
                return response;
            });
        }

        List<APIGatewayV2HTTPResponse> responses = runAll(tasks);

        long accepted = responses.stream().filter(r -> r.getStatusCode() == 201).count();
        assertThat(responses).extracting(APIGatewayV2HTTPResponse::getStatusCode).containsOnly(201, 422);
        assertThat(accepted).isEqualTo(20);
        assertThat(new MerchantBudgets(context.dynamo(), context.tableName()).issued(PROGRAM, "mch_budgeted"))
                .isEqualTo(1_000);
        List<DomainEvent> low = fixtures.outboxEvents().stream()
                .filter(e -> e.detailType().equals("MerchantBudgetLow")).toList();
        assertThat(low).singleElement().satisfies(event -> {
            assertThat(event.data()).containsEntry("merchantId", "mch_budgeted").containsEntry("prepaidPoints", 1000);
            // The purchase that crossed the mark of 700 issued (300 left): 700 <= issued after < 750.
            assertThat(((Number) event.data().get("remainingPoints")).longValue()).isBetween(251L, 300L);
        });
        assertThat(app.loyalty.shared.testing.EventSchemas.violations(low)).isEmpty();
    }

    private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(tasks)) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
    }
}
