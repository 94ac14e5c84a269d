package app.loyalty.local.reliability;

import app.loyalty.functions.bonusexpiry.BonusExpiryHandler;
import app.loyalty.functions.cardissuance.CardIssuanceHandler;
import app.loyalty.functions.discountcalculation.DiscountCalculationHandler;
import app.loyalty.functions.programadmin.ProgramAdminHandler;
import app.loyalty.functions.purchaseaccrual.PurchaseAccrualHandler;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestTables;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The HTTP handlers of the bundle in this JVM, on a fresh table of the in-process DynamoDB Local, with a clock the
 * scenario moves: programs, merchants and members are made through the API itself (operator and merchant routes),
 * so the state a scenario faults is the state production writes. Every exchange is held to openapi.yaml
 * ({@link ContractChecked}). {@link #over(DynamoDbClient)} gives the same handlers over another client of the same
 * table, e.g. one that loses the answer of a committed write.
 */
final class ScenarioBundle {
    final MutableClock clock;
    final AppContext context;
    final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> programs;
    final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> members;
    final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> purchases;
    final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> redemptions;

    private ScenarioBundle(AppContext context, MutableClock clock) {
        this.clock = clock;
        this.context = context;
        this.programs = ContractChecked.handler(new ProgramAdminHandler(context));
        this.members = ContractChecked.handler(new CardIssuanceHandler(context));
        this.purchases = ContractChecked.handler(new PurchaseAccrualHandler(context));
        this.redemptions = ContractChecked.handler(new DiscountCalculationHandler(context));
    }

    /** A bundle on a fresh table, its clock at {@code now}. */
    static ScenarioBundle start(String now) {
        useTheBuildsSqliteNatives();
        MutableClock clock = MutableClock.at(now);
        DynamoDbClient dynamo = DynamoDbLocal.client();
        return new ScenarioBundle(new AppContext(dynamo, TestTables.create(dynamo), clock, Json.MAPPER), clock);
    }

    /**
     * The shared DynamoDbLocal fixture looks for sqlite4java's native library next to the sqlite4java jar in the Maven
     * repository; this module's build copies it to target/lib instead (where the local runtime finds it), so point
     * sqlite4java there, as the runtime does, unless the run chose a directory.
     */
    private static void useTheBuildsSqliteNatives() {
        if (System.getProperty("sqlite4java.library.path") == null) {
            java.nio.file.Path lib = java.nio.file.Path.of("target", "lib").toAbsolutePath();
            if (java.nio.file.Files.isDirectory(lib)) {
                System.setProperty("sqlite4java.library.path", lib.toString());
            }
        }
    }

    /** The same handlers, table and clock, reaching DynamoDB through {@code dynamo}. */
    ScenarioBundle over(DynamoDbClient dynamo) {
        return new ScenarioBundle(new AppContext(dynamo, context.tableName(), clock, context.json()), clock);
    }

    /** A merchant of a program: the caller its API key stands for. */
    record Merchant(String programId, String merchantId) {
        Caller caller() {
            return Caller.merchant(merchantId, programId);
        }
    }

    record Member(String memberId, String cardNumber) {
    }

    /**
     * A program with these rules (the rules object of POST /v1/programs, null: the defaults) and one merchant in it.
     */
    Merchant programWithMerchant(String name, String rulesJson) {
        String rules = rulesJson == null ? "" : ",\"rules\":" + rulesJson;
        APIGatewayV2HTTPResponse program = send(programs, TestRequests.post("POST /v1/programs", Caller.operator(),
                "program-" + name, "{\"name\":\"" + name + "\",\"currency\":\"EUR\"" + rules + "}"), 201);
        String programId = json(program).path("programId").asText();
        APIGatewayV2HTTPResponse merchant = send(programs, TestRequests.post("POST /v1/programs/{programId}/merchants",
                Map.of("programId", programId), Caller.operator(), "merchant-" + name, "{\"name\":\"Shop " + name + "\"}"), 201);
        return new Merchant(programId, json(merchant).path("merchantId").asText());
    }

    /** Enrols member number {@code n} (distinct phone and email per n) with every consent given. */
    Member enrol(Merchant merchant, int n) {
        APIGatewayV2HTTPResponse answer = send(members, TestRequests.post("POST /v1/members", merchant.caller(),
                "enrol-" + merchant.merchantId() + "-" + n, enrolBody(n)), 201);
        JsonNode body = json(answer);
        return new Member(body.path("memberId").asText(), body.path("card").path("cardNumber").asText());
    }

    static String enrolBody(int n) {
        return "{\"profile\":{\"name\":\"Member " + n + "\",\"phone\":\"+4477009%05d\",\"email\":\"member%d@example.com\"},"
                .formatted(n, n) + "\"consents\":{\"sms\":true,\"email\":true,\"push\":false},\"kind\":\"customer\"}";
    }

    static String purchaseBody(String memberId, String orderId, long amount) {
        return "{\"memberId\":\"" + memberId + "\",\"orderId\":\"" + orderId + "\",\"total\":{\"amount\":" + amount
                + ",\"currency\":\"EUR\"}}";
    }

    /** The program rules of {@link #activity}: points available at once, burning 30 days after they were earned. */
    static final String EXPIRING_RULES =
            "{\"pendingDays\":0,\"expiry\":{\"policy\":\"DAYS_AFTER_EARNING\",\"days\":30,\"noticeDays\":7}}";

    /**
     * A little of everything that writes events, through the handlers: per member an enrolment, two purchases, a
     * partial return, a hold captured and one cancelled; then an expiry run in the notice period (reminders) and one
     * after the expiry day (write-offs). The clock moves between steps, so the events have an order. The program must
     * have {@link #EXPIRING_RULES}; the clock ends on 2027-01-03.
     */
    void activity(Merchant merchant, int members, String prefix) {
        Caller caller = merchant.caller();
        for (int m = 0; m < members; m++) {
            String memberId = enrol(merchant, Math.floorMod(prefix.hashCode(), 1000) * 10 + 5000 + m).memberId();
            step();
            send(purchases, TestRequests.post("POST /v1/purchases", caller, prefix + "-purchase-a-" + m,
                    purchaseBody(memberId, prefix + "-order-a-" + m, 12_000 + 100L * m)), 201);
            step();
            send(purchases, TestRequests.post("POST /v1/purchases", caller, prefix + "-purchase-b-" + m,
                    purchaseBody(memberId, prefix + "-order-b-" + m, 8_000)), 201);
            step();
            send(purchases, TestRequests.post("POST /v1/purchases/{orderId}/returns",
                    Map.of("orderId", prefix + "-order-a-" + m), caller, prefix + "-return-" + m,
                    "{\"returnId\":\"" + prefix + "-return-" + m + "\",\"amount\":2000}"), 201);
            step();
            String held = json(send(redemptions, TestRequests.post("POST /v1/redemptions", caller, prefix + "-hold-" + m,
                    "{\"memberId\":\"" + memberId + "\",\"orderId\":\"" + prefix + "-spend-" + m + "\",\"points\":25}"), 201))
                    .path("redemptionId").asText();
            send(redemptions, TestRequests.post("POST /v1/redemptions/{redemptionId}/capture",
                    Map.of("redemptionId", held), caller, prefix + "-capture-" + m, "{}"), 200);
            step();
            String cancelled = json(send(redemptions, TestRequests.post("POST /v1/redemptions", caller,
                    prefix + "-hold-b-" + m,
                    "{\"memberId\":\"" + memberId + "\",\"orderId\":\"" + prefix + "-spend-b-" + m + "\",\"points\":10}"), 201))
                    .path("redemptionId").asText();
            send(redemptions, TestRequests.post("POST /v1/redemptions/{redemptionId}/cancel",
                    Map.of("redemptionId", cancelled), caller, prefix + "-cancel-" + m, null), 200);
            step();
        }
        BonusExpiryHandler expiry = new BonusExpiryHandler(context);
        clock.set(Instant.parse("2026-12-29T01:00:00Z")); // within the 7 notice days of the 2027-01-02 expiry
        if (expiry.run(null, null).remindersSent() == 0) {
            throw new AssertionError("the expiry job sent no reminder in the notice period");
        }
        clock.set(Instant.parse("2027-01-03T01:00:00Z"));
        if (expiry.run(null, null).lotsExpired() == 0) {
            throw new AssertionError("the expiry job wrote nothing off after the expiry day");
        }
    }

    private void step() {
        clock.advance(java.time.Duration.ofMinutes(7));
    }

    /** Sends and checks the status, failing with the answer when it is another. */
    static APIGatewayV2HTTPResponse send(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
                                         APIGatewayV2HTTPEvent event, int expectedStatus) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        if (response.getStatusCode() != expectedStatus) {
            throw new AssertionError(event.getRouteKey() + " answered " + response.getStatusCode() + ", expected "
                    + expectedStatus + ": " + response.getBody());
        }
        return response;
    }

    static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.getBody(), e);
        }
    }

    // ---- reading the table (tests only: a Scan is fine here, never on a request path) ----

    List<Map<String, AttributeValue>> memberItems(String memberId, String prefix) {
        return context.dynamo().query(QueryRequest.builder().tableName(context.tableName())
                .keyConditionExpression("PK = :pk AND begins_with(SK, :prefix)")
                .expressionAttributeValues(Map.of(":pk", Attr.s(MemberRepository.memberPk(memberId)),
                        ":prefix", Attr.s(prefix)))
                .consistentRead(true).build()).items();
    }

    Map<String, AttributeValue> profile(String memberId) {
        return memberItems(memberId, MemberRepository.PROFILE).getFirst();
    }

    /** Every item of the table, in key order. */
    List<Map<String, AttributeValue>> everything() {
        return scan(context);
    }

    /** Every item of the context's table, in key order. */
    static List<Map<String, AttributeValue>> scan(AppContext context) {
        List<Map<String, AttributeValue>> all = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder scan = ScanRequest.builder().tableName(context.tableName()).consistentRead(true);
            if (start != null) {
                scan.exclusiveStartKey(start);
            }
            ScanResponse page = context.dynamo().scan(scan.build());
            all.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        all.sort(Comparator.comparing(i -> Attr.string(i, TableSchema.PK) + "|" + Attr.string(i, TableSchema.SK)));
        return all;
    }

    /** Every event any transaction wrote to an outbox, in key order of the items holding them. */
    List<DomainEvent> outboxEvents() {
        return everything().stream().filter(i -> i.containsKey(TableSchema.OUTBOX))
                .flatMap(i -> i.get(TableSchema.OUTBOX).l().stream())
                .map(v -> Outbox.decode(v.s()))
                .toList();
    }

    /**
     * DESIGN section 3 for one member, as a list of what is broken (empty: all holds): the profile's total equals the
     * sum of the open lots' remainders and the sum of the ledger entries; 0 &lt;= remaining &lt;= amount for every
     * lot; the available balance is not negative.
     */
    List<String> ledgerViolations(String memberId) {
        List<String> violations = new ArrayList<>();
        List<PointsLot> open = LotItems.fromItems(memberItems(memberId, MemberRepository.LOT_PREFIX));
        List<PointsLot> closed = LotItems.fromItems(memberItems(memberId, LotItems.HISTORY_PREFIX));
        PointsFigures figures = MemberFigures.read(profile(memberId));
        long lotsTotal = open.stream().mapToLong(PointsLot::remaining).sum();
        long entriesTotal = memberItems(memberId, LedgerEntryItems.ENTRY_PREFIX).stream()
                .map(LedgerEntryItems::fromItem).mapToLong(e -> e.points()).sum();
        if (figures.total() != lotsTotal) {
            violations.add(memberId + ": profile total " + figures.total() + " != open lots " + lotsTotal);
        }
        if (figures.total() != entriesTotal) {
            violations.add(memberId + ": profile total " + figures.total() + " != ledger entries " + entriesTotal);
        }
        for (PointsLot lot : concat(open, closed)) {
            if (lot.remaining() < 0 || lot.remaining() > lot.amount()) {
                violations.add(memberId + ": lot " + lot.lotId() + " remaining " + lot.remaining() + " of " + lot.amount());
            }
        }
        try {
            figures.balanceAt(clock.instant(), java.time.Duration.ZERO);
        } catch (IllegalStateException negative) {
            violations.add(memberId + ": " + negative.getMessage());
        }
        return violations;
    }

    Instant now() {
        return clock.instant();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
