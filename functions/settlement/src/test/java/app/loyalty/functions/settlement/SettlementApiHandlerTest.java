package app.loyalty.functions.settlement;

import app.loyalty.shared.domain.ledger.Accrual;
import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.LedgerChange;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.settlement.MerchantTerms;
import app.loyalty.shared.domain.settlement.PartnerAgreement;
import app.loyalty.shared.domain.settlement.Settlement;
import app.loyalty.shared.domain.settlement.SettlementCalculator;
import app.loyalty.shared.domain.settlement.SettlementEntry;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.SettlementItems;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settlement routes and the monthly run on DynamoDB Local, with ledger entries written as the functions write
 * them (LedgerEntryItems with their lots): a member earns at A and spends at B in November; closing November says A
 * owes B the agreed amount, equal to a recompute from the member's own ledger partition.
 */
class SettlementApiHandlerTest {
    private static final String PROGRAM = "prg_settle";
    private static final String CLOSE = SettlementApiHandler.CLOSE;
    private static final String READ = SettlementApiHandler.READ;
    private static final Caller OPERATOR = Caller.operator();
    /** A: fee 20 per 1,000 issued; B: reimbursed 500 per 1,000 redeemed (half a cent a point). */
    private static final PartnerAgreement AGREEMENT = new PartnerAgreement(Map.of(
            "mch_a", new MerchantTerms(true, true, 20, 400, null, null),
            "mch_b", new MerchantTerms(true, true, 30, 500, null, null)));

    private final MutableClock clock = MutableClock.at("2026-11-10T10:00:00Z");
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> api;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        api = ContractChecked.handler(new SettlementApiHandler(context));
        ProgramRepository programs = new ProgramRepository(context.dynamo(), context.tableName());
        Instant created = Instant.parse("2026-10-20T00:00:00Z");
        transact(programs.create(new Program(PROGRAM, "Partners", "EUR", ProgramRules.DEFAULT, created, created, 1)));
        transact(programs.updateAgreement(PROGRAM, AGREEMENT, 0, created),
                SettlementItems.register(context.tableName(), PROGRAM, created));
    }

    private void transact(TransactWriteItem... items) {
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
    }

    /** Member earns 1,000 at A on the 10th, spends 400 at B on the 20th, and 50 at B on 1 December. */
    private void earnAtAAndSpendAtB() {
        MemberLedger ledger = MemberLedger.empty("mbr_1", PROGRAM);
        LedgerChange accrual = ledger.accrue(new EntryMeta("ent_accrue", clock.instant(), Actor.merchant("mch_a"), "purchase"),
                new Accrual(1_000, "mch_a", "order-a", clock.instant(), null));
        write(accrual);
        clock.set(Instant.parse("2026-11-20T15:00:00Z"));
        LedgerChange spend = accrual.ledger().spend(new EntryMeta("ent_spend", clock.instant(), Actor.merchant("mch_b"),
                "redemption"), 400, "order-b");
        write(spend);
        clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        write(spend.ledger().spend(new EntryMeta("ent_december", clock.instant(), Actor.merchant("mch_b"), "redemption"),
                50, "order-c"));
    }

    private void write(LedgerChange change) {
        for (LedgerEntry entry : change.entries()) {
            transact(LedgerEntryItems.append(context.tableName(), entry, change.changedLots()));
        }
    }

    private APIGatewayV2HTTPResponse close(String period, String key) {
        return api.handleRequest(post(CLOSE, Map.of("programId", PROGRAM), OPERATOR, key,
                "{\"period\":\"" + period + "\"}"), null);
    }

    @Test
    void closingTheMonth_aOwesBTheAgreedAmount_equalToARecomputeFromTheMembersLedger() {
        earnAtAAndSpendAtB();
        clock.set(Instant.parse("2026-12-01T00:05:00Z"));

        APIGatewayV2HTTPResponse response = close("2026-11", "close-2026-11");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        JsonNode settlement = json(response);
        assertThat(settlement.get("positions")).hasSize(1);
        JsonNode position = settlement.get("positions").get(0);
        assertThat(position.get("debtorId").asText()).isEqualTo("mch_a");
        assertThat(position.get("creditorId").asText()).isEqualTo("mch_b");
        assertThat(position.get("points").asLong()).isEqualTo(400); // December's 50 are not November's
        assertThat(position.get("amount").asLong()).isEqualTo(200); // 400 x 500 / 1,000
        assertThat(settlement.get("entryCount").asLong()).isEqualTo(2);

        // The recompute reads the member's own partition (not the index the close read) and the same terms.
        List<SettlementEntry> ledger = new ArrayList<>();
        context.dynamo().query(QueryRequest.builder().tableName(context.tableName())
                .keyConditionExpression("PK = :pk AND begins_with(SK, :entry)")
                .expressionAttributeValues(Map.of(":pk", Attr.s(MemberRepository.memberPk("mbr_1")),
                        ":entry", Attr.s(LedgerEntryItems.ENTRY_PREFIX))).build())
                .items().forEach(item -> ledger.add(LedgerEntryItems.settlementEntry(item)));
        Settlement recomputed = SettlementCalculator.settle(PROGRAM, "2026-11", Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-12-01T00:00:00Z"), "EUR", AGREEMENT, ledger);
        assertThat(Settlements.read(response.getBody()).settlement()).isEqualTo(recomputed);
        assertThat(recomputed.line("mch_a").netPosition()).isEqualTo(-200);
        assertThat(recomputed.line("mch_a").feesOwed()).isEqualTo(20); // 1,000 x 20 / 1,000
    }

    @Test
    void closedSettlement_isImmutable_aSecondCloseIs409_andItsEventIsInTheOutbox() {
        earnAtAAndSpendAtB();
        clock.set(Instant.parse("2026-12-02T00:00:00Z"));
        assertThat(close("2026-11", "close-first").getStatusCode()).isEqualTo(201);
        String stored = storedResponse();

        assertProblem(close("2026-11", "close-second"), 409, "conflict");
        APIGatewayV2HTTPResponse replay = close("2026-11", "close-first");

        assertThat(replay.getStatusCode()).isEqualTo(201);
        assertThat(storedResponse()).isEqualTo(stored);
        var item = context.dynamo().getItem(GetItemRequest.builder().tableName(context.tableName())
                .key(SettlementItems.settlementKey(PROGRAM, "2026-11")).build()).item();
        List<DomainEvent> events = item.get(TableSchema.OUTBOX).l().stream().map(v -> Outbox.decode(v.s())).toList();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.detailType()).isEqualTo("SettlementClosed");
            assertThat(event.data()).containsEntry("period", "2026-11").containsEntry("cleared", 200);
        });
        assertThat(app.loyalty.shared.testing.EventSchemas.violations(events)).isEmpty();
    }

    private String storedResponse() {
        return context.dynamo().getItem(GetItemRequest.builder().tableName(context.tableName())
                .key(SettlementItems.settlementKey(PROGRAM, "2026-11")).build()).item().get("response").s();
    }

    @Test
    void aMonthNotOverByTheGrace_is400_andAnUnknownProgram404_andNothingIsClosed() {
        clock.set(Instant.parse("2026-12-01T00:04:59Z"));
        assertProblem(close("2026-11", "close-early"), 400, "validation-failed");
        assertProblem(close("2026-13", "close-bad-month"), 400, "validation-failed");
        assertProblem(api.handleRequest(post(CLOSE, Map.of("programId", "prg_none"), OPERATOR, "close-unknown",
                "{\"period\":\"2026-10\"}"), null), 404, "not-found");
        assertProblem(api.handleRequest(get(READ, Map.of("programId", PROGRAM, "period", "2026-11"), Map.of(), OPERATOR),
                null), 404, "not-found");
    }

    @Test
    void merchantKeys_cannotCloseSettlements() {
        Caller merchant = Caller.merchant("mch_a", PROGRAM);
        assertProblem(api.handleRequest(post(CLOSE, Map.of("programId", PROGRAM), merchant, "close-merchant",
                "{\"period\":\"2026-10\"}"), null), 403, "forbidden");
    }

    @Test
    void aMerchant_readsOnlyItsOwnPartOfTheSettlement_oneTheAgreementLeavesOutGets403_andAnotherProgramsMerchant404() {
        earnAtAAndSpendAtB();
        clock.set(Instant.parse("2026-12-01T03:00:00Z"));
        JsonNode whole = json(close("2026-11", "close-merchant-view"));

        JsonNode ofB = json(api.handleRequest(get(READ, Map.of("programId", PROGRAM, "period", "2026-11"), Map.of(),
                Caller.merchant("mch_b", PROGRAM)), null));

        assertThat(ofB.get("merchantId").asText()).isEqualTo("mch_b");
        assertThat(ofB.get("merchants")).singleElement().isEqualTo(whole.at("/merchants/1"));
        assertThat(ofB.at("/merchants/0/merchantId").asText()).isEqualTo("mch_b");
        assertThat(ofB.get("positions")).isEqualTo(whole.get("positions"));
        assertThat(ofB.get("terms").fieldNames()).toIterable().containsExactly("mch_b");
        assertThat(ofB.at("/totals/issued").asLong()).as("B issued nothing; A's 1,000 are not shown").isZero();
        assertThat(ofB.at("/totals/redeemed").asLong()).isEqualTo(400);
        assertThat(api.handleRequest(get(READ, Map.of("programId", PROGRAM, "period", "2026-11"), Map.of("format", "csv"),
                Caller.merchant("mch_b", PROGRAM)), null).getBody().split("\r\n")).containsExactly(
                String.join(",", SettlementCsv.COLUMNS),
                "2026-11,mch_b,,0,0,0,0,400,0,0,0,200,0,200,EUR",
                "2026-11,mch_b,mch_a,,,,,,,,,,,200,EUR");
        assertProblem(api.handleRequest(get(READ, Map.of("programId", PROGRAM, "period", "2026-11"), Map.of(),
                Caller.merchant("mch_c", PROGRAM)), null), 403, "partner-not-allowed");
        assertProblem(api.handleRequest(get(READ, Map.of("programId", PROGRAM, "period", "2026-11"), Map.of(),
                Caller.merchant("mch_x", "prg_other")), null), 404, "not-found");
    }

    @Test
    void closedSettlement_downloadsAsCsv_byFormatOrAccept() {
        earnAtAAndSpendAtB();
        clock.set(Instant.parse("2026-12-01T03:00:00Z"));
        close("2026-11", "close-csv");

        APIGatewayV2HTTPResponse byFormat = api.handleRequest(get(READ, Map.of("programId", PROGRAM, "period", "2026-11"),
                Map.of("format", "csv"), OPERATOR), null);
        APIGatewayV2HTTPEvent accept = get(READ, Map.of("programId", PROGRAM, "period", "2026-11"), Map.of(), OPERATOR);
        accept.setHeaders(Map.of("accept", "text/csv"));
        APIGatewayV2HTTPResponse byAccept = api.handleRequest(accept, null);
        APIGatewayV2HTTPResponse asJson = api.handleRequest(get(READ, Map.of("programId", PROGRAM, "period", "2026-11"),
                Map.of(), OPERATOR), null);

        assertThat(byFormat.getHeaders().get("Content-Type")).startsWith("text/csv");
        assertThat(byAccept.getBody()).isEqualTo(byFormat.getBody());
        assertThat(byFormat.getBody().split("\r\n")).containsExactly(
                String.join(",", SettlementCsv.COLUMNS),
                "2026-11,mch_a,,1000,0,0,0,0,0,600,20,0,200,-200,EUR",
                "2026-11,mch_a,mch_b,,,,,,,,,,,-200,EUR",
                "2026-11,mch_b,,0,0,0,0,400,0,0,0,200,0,200,EUR",
                "2026-11,mch_b,mch_a,,,,,,,,,,,200,EUR");
        assertThat(asJson.getHeaders().get("Content-Type")).isEqualTo("application/json");
        assertThat(json(asJson).get("status").asText()).isEqualTo("closed");
    }

    @Test
    void liability_isOutstandingPointsPerIssuer_fromClosedMonthsAndTheLedgerSince() {
        earnAtAAndSpendAtB();
        clock.set(Instant.parse("2026-12-01T03:00:00Z"));
        close("2026-11", "close-liability");
        clock.set(Instant.parse("2026-12-05T00:00:00Z"));

        JsonNode liability = json(api.handleRequest(get(SettlementApiHandler.LIABILITY, Map.of("programId", PROGRAM),
                Map.of(), OPERATOR), null));

        assertThat(liability.get("closedThrough").asText()).isEqualTo("2026-11");
        // 1,000 issued by A, 400 spent in November (closed), 50 in December (live): 550 at one cent a point.
        assertThat(liability.get("merchants")).anySatisfy(m -> {
            assertThat(m.get("merchantId").asText()).isEqualTo("mch_a");
            assertThat(m.get("outstandingPoints").asLong()).isEqualTo(550);
            assertThat(m.get("liability").asLong()).isEqualTo(550);
        });
        assertThat(liability.get("totalOutstandingPoints").asLong()).isEqualTo(550);
    }

    @Test
    void monthlyRun_closesLastMonthOfRegisteredPrograms_andARerunSkipsIt() throws java.io.IOException {
        earnAtAAndSpendAtB();
        clock.set(Instant.parse("2026-12-01T03:00:00Z"));
        SettlementHandler run = new SettlementHandler(context, new RequestLog(new PrintStream(new ByteArrayOutputStream())));

        JsonNode scheduled = app.loyalty.shared.runtime.LambdaJson.MAPPER.readTree(
                java.nio.file.Path.of("../../events/scheduler/monthly-settlement.json").toFile());
        SettlementHandler.Summary first = run.run(scheduled);
        SettlementHandler.Summary again = run.run(null);

        assertThat(first.period()).isEqualTo("2026-11");
        assertThat(first.closed()).containsExactly(PROGRAM);
        assertThat(again.closed()).isEmpty();
        assertThat(again.alreadyClosed()).containsExactly(PROGRAM);
        JsonNode read = json(api.handleRequest(get(READ, Map.of("programId", PROGRAM, "period", "2026-11"), Map.of(),
                OPERATOR), null));
        assertThat(read.get("positions").get(0).get("amount").asLong()).isEqualTo(200);
        clock.advance(Duration.ofDays(1));
        assertProblem(close("2026-11", "close-after-run"), 409, "conflict");
    }
}
