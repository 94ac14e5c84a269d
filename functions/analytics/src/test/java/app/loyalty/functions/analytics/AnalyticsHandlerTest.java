package app.loyalty.functions.analytics;

import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.member.MemberProfile;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

class AnalyticsHandlerTest {
    static final String ROUTE = AnalyticsApiHandler.ROUTE;
    final MutableClock clock = MutableClock.at("2026-12-02T10:00:00Z");
    final Caller operator = Caller.operator();
    AppContext context;
    AnalyticsHandler handler;
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> api;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        handler = new AnalyticsHandler(context, new RequestLog(new PrintStream(new ByteArrayOutputStream())));
        api = ContractChecked.handler(new AnalyticsApiHandler(context));
    }

    @Test
    void duplicateDelivery_countsNothing() {
        String programId = program();
        String memberId = member(programId, "2026-11-03T08:00:00Z");
        ObjectNode purchase = purchase(programId, memberId, "2026-11-05T09:00:00Z", 2500, 0);

        assertThat(deliver(purchase)).isEqualTo("counted");
        assertThat(deliver(purchase)).isEqualTo("duplicate");

        JsonNode report = report(programId, "2026-11-01", "2026-11-30");
        assertThat(report.at("/totals/purchases").asLong()).isEqualTo(1);
        assertThat(report.at("/totals/revenue").asLong()).isEqualTo(2500);
        assertThat(report.at("/months/0/activeMembers").asLong()).isEqualTo(1);
        assertThat(report.at("/months/0/repeatMembers").asLong()).isZero();
    }

    @Test
    void threePurchasesOfOneMember_countOneActiveAndOneRepeatMember_inTheirEnrolmentCohort() {
        String programId = program();
        String memberId = member(programId, "2026-10-20T08:00:00Z");
        deliver(enrolled(programId, memberId, "2026-10-20T08:00:00Z"));
        deliver(purchase(programId, memberId, "2026-11-05T09:00:00Z", 1000, 0));
        deliver(purchase(programId, memberId, "2026-11-06T09:00:00Z", 2000, 300));
        deliver(purchase(programId, memberId, "2026-11-07T09:00:00Z", 3000, 0));

        JsonNode report = report(programId, "2026-10-01", "2026-11-30");

        assertThat(report.at("/months/1/activeMembers").asLong()).isEqualTo(1);
        assertThat(report.at("/months/1/repeatMembers").asLong()).isEqualTo(1);
        assertThat(report.at("/months/1/repeatRateBp").asLong()).isEqualTo(10_000);
        assertThat(report.at("/months/1/averageCheck").asLong()).isEqualTo(2000);
        assertThat(report.at("/cohorts/0/cohort").asText()).isEqualTo("2026-10");
        assertThat(report.at("/cohorts/0/size").asLong()).isEqualTo(1);
        assertThat(report.at("/cohorts/0/active/1/month").asText()).isEqualTo("2026-11");
        assertThat(report.at("/cohorts/0/active/1/members").asLong()).isEqualTo(1);
        assertThat(report.at("/cohorts/0/active/1/retentionBp").asLong()).isEqualTo(10_000);
        assertThat(report.at("/totals/checkoutDiscount").asLong()).isEqualTo(300);
    }

    /**
     * The same events delivered in order once, and shuffled with a third of them twice, give the same report: sums
     * are ADDs, and the activity markers count each member once however its purchases interleave.
     */
    @Test
    void shuffledDeliveryWithDuplicates_givesTheSameReport_asInOrderDelivery() {
        for (long seed = 1; seed <= 3; seed++) {
            Random random = new Random(seed);
            String inOrder = program();
            String shuffled = program();
            List<String[]> members = new ArrayList<>();
            for (int m = 0; m < 8; m++) {
                String enrolledAt = "2026-" + (10 + random.nextInt(2)) + "-1" + random.nextInt(10) + "T08:00:00Z";
                members.add(new String[]{member(inOrder, enrolledAt), member(shuffled, enrolledAt), enrolledAt});
            }
            List<Map<String, ObjectNode>> events = new ArrayList<>();
            for (String[] m : members) {
                events.add(Map.of(inOrder, enrolled(inOrder, m[0], m[2]), shuffled, enrolled(shuffled, m[1], m[2])));
                int purchases = random.nextInt(4);
                for (int p = 0; p < purchases; p++) {
                    String at = "2026-11-" + (10 + random.nextInt(18)) + "T1" + random.nextInt(10) + ":00:00Z";
                    long amount = 100 + random.nextInt(10_000);
                    long discount = random.nextInt(3) == 0 ? amount / 10 : 0;
                    events.add(Map.of(inOrder, purchase(inOrder, m[0], at, amount, discount),
                            shuffled, purchase(shuffled, m[1], at, amount, discount)));
                    events.add(Map.of(inOrder, points("PointsAccrued", inOrder, m[0], at, amount / 10),
                            shuffled, points("PointsAccrued", shuffled, m[1], at, amount / 10)));
                }
                if (purchases > 0) {
                    String later = "2026-12-01T09:00:00Z";
                    for (String type : List.of("PointsRedeemed", "PointsExpired", "PointsReversed")) {
                        events.add(Map.of(inOrder, points(type, inOrder, m[0], later, 5),
                                shuffled, points(type, shuffled, m[1], later, 5)));
                    }
                    events.add(Map.of(inOrder, returned(inOrder, m[0], later, 70, 3),
                            shuffled, returned(shuffled, m[1], later, 70, 3)));
                }
                long adjustment = random.nextBoolean() ? 20 : -8;
                events.add(Map.of(inOrder, adjusted(inOrder, m[0], "2026-11-30T12:00:00Z", adjustment),
                        shuffled, adjusted(shuffled, m[1], "2026-11-30T12:00:00Z", adjustment)));
            }
            events.forEach(pair -> deliver(pair.get(inOrder)));
            List<ObjectNode> deliveries = new ArrayList<>();
            events.forEach(pair -> {
                deliveries.add(pair.get(shuffled));
                if (random.nextInt(3) == 0) {
                    deliveries.add(pair.get(shuffled).deepCopy());
                }
            });
            Collections.shuffle(deliveries, random);
            deliveries.forEach(this::deliver);

            JsonNode expected = ((ObjectNode) report(inOrder, "2026-10-01", "2026-12-02")).put("programId", "p");
            JsonNode actual = ((ObjectNode) report(shuffled, "2026-10-01", "2026-12-02")).put("programId", "p");
            assertThat(actual).as("seed %d", seed).isEqualTo(expected);
            assertThat(actual.at("/totals/purchases").asLong()).isPositive();
        }
    }

    @Test
    void liability_atThePeriodsEnd_leavesOutWhatHappenedAfter() {
        String programId = program();
        String memberId = member(programId, "2026-11-01T08:00:00Z");
        deliver(points("PointsAccrued", programId, memberId, "2026-11-10T09:00:00Z", 400));
        deliver(points("PointsRedeemed", programId, memberId, "2026-11-20T09:00:00Z", 100));
        deliver(points("PointsExpired", programId, memberId, "2026-12-01T09:00:00Z", 50));

        JsonNode november = report(programId, "2026-11-01", "2026-11-30");
        JsonNode untilNow = report(programId, "2026-11-01", "2026-12-02");

        assertThat(november.at("/liability/outstandingPoints").asLong()).isEqualTo(300);
        assertThat(november.at("/liability/outstandingValue").asLong()).isEqualTo(300);
        assertThat(november.at("/totals/redemptionRateBp").asLong()).isEqualTo(2500);
        assertThat(untilNow.at("/liability/outstandingPoints").asLong()).isEqualTo(250);
    }

    /**
     * Points the operator gives and takes, and points a return gives back to a points-paid order, are held by members:
     * the liability moves with them, on the day they happen.
     */
    @Test
    void liability_countsOperatorAdjustments_andPointsReturnsGaveBack() {
        String programId = program();
        String memberId = member(programId, "2026-11-01T08:00:00Z");
        deliver(points("PointsAccrued", programId, memberId, "2026-11-10T09:00:00Z", 400));
        deliver(adjusted(programId, memberId, "2026-11-11T09:00:00Z", 150));
        deliver(adjusted(programId, memberId, "2026-11-12T09:00:00Z", -30));
        deliver(points("PointsRedeemed", programId, memberId, "2026-11-13T09:00:00Z", 200));
        deliver(returned(programId, memberId, "2026-11-14T09:00:00Z", 1000, 80));
        deliver(adjusted(programId, memberId, "2026-12-01T09:00:00Z", 1000));

        JsonNode november = report(programId, "2026-11-01", "2026-11-30");

        // 400 + 150 - 30 - 200 + 80; December's 1000 comes after the period
        assertThat(november.at("/liability/outstandingPoints").asLong()).isEqualTo(400);
        assertThat(november.at("/totals/pointsAdjustedIn").asLong()).isEqualTo(150);
        assertThat(november.at("/totals/pointsAdjustedOut").asLong()).isEqualTo(30);
        assertThat(november.at("/totals/pointsRestored").asLong()).isEqualTo(80);
        assertThat(report(programId, "2026-11-01", "2026-12-02").at("/liability/outstandingPoints").asLong()).isEqualTo(1400);
        // reward cost: the value of 400 issued + 150 given - 30 taken (restored points were issued once already)
        assertThat(november.at("/roi/rewardCost").asLong()).isEqualTo(520);
    }

    /** Returns bring money back: revenue stays what was sold, net revenue, the average check and the ROI net it off. */
    @Test
    void returnedMoney_reducesNetRevenue_theAverageCheck_andTheRoisRevenue() {
        String programId = program();
        String memberId = member(programId, "2026-11-01T08:00:00Z");
        deliver(purchase(programId, memberId, "2026-11-05T09:00:00Z", 10_000, 0));
        deliver(purchase(programId, memberId, "2026-11-06T09:00:00Z", 6_000, 0));
        deliver(returned(programId, memberId, "2026-11-07T09:00:00Z", 4_000, 0));
        deliver(returned(programId, memberId, "2026-12-01T09:00:00Z", 2_000, 0));

        JsonNode november = report(programId, "2026-11-01", "2026-11-30");

        assertThat(november.at("/totals/revenue").asLong()).isEqualTo(16_000);
        assertThat(november.at("/totals/returns").asLong()).isEqualTo(1);
        assertThat(november.at("/totals/returnedAmount").asLong()).isEqualTo(4_000);
        assertThat(november.at("/totals/netRevenue").asLong()).isEqualTo(12_000);
        assertThat(november.at("/totals/averageCheck").asLong()).isEqualTo(6_000);
        assertThat(november.at("/months/0/netRevenue").asLong()).isEqualTo(12_000);
        assertThat(november.at("/months/0/averageCheck").asLong()).isEqualTo(6_000);
        assertThat(november.at("/roi/memberRevenue").asLong()).isEqualTo(12_000);
        // December returns money of November's orders and sells nothing: its net revenue is negative
        JsonNode december = report(programId, "2026-12-01", "2026-12-02");
        assertThat(december.at("/totals/netRevenue").asLong()).isEqualTo(-2_000);
        assertThat(december.at("/roi/incrementalMargin").asLong()).isZero();
    }

    @Test
    void roi_comparesIncrementalMargin_withTheCostOfRewards() {
        String programId = program();
        String memberId = member(programId, "2026-11-01T08:00:00Z");
        deliver(purchase(programId, memberId, "2026-11-05T09:00:00Z", 100_000, 1000));
        deliver(points("PointsAccrued", programId, memberId, "2026-11-05T09:00:00Z", 1000));

        JsonNode roi = report(programId, "2026-11-01", "2026-11-30", Map.of("marginBp", "4000", "upliftBp", "2000")).path("roi");

        // 100000 x 20% x 40% = 8000 of margin against 1000 of discount + 1000 points at 1 cent = 2000
        assertThat(roi.path("incrementalMargin").asLong()).isEqualTo(8000);
        assertThat(roi.path("rewardCost").asLong()).isEqualTo(2000);
        assertThat(roi.path("netReturn").asLong()).isEqualTo(6000);
        assertThat(roi.path("roiBp").asLong()).isEqualTo(30_000);
    }

    @Test
    void csv_listsTheDaysAndATotal_whenAskedByFormatOrAccept() {
        String programId = program();
        String memberId = member(programId, "2026-11-01T08:00:00Z");
        deliver(purchase(programId, memberId, "2026-11-05T09:00:00Z", 2500, 0));
        deliver(purchase(programId, memberId, "2026-11-06T09:00:00Z", 1500, 0));
        // CSV is not JSON, so these exchanges go around the contract check (which parses bodies as JSON).
        var raw = ContractChecked.viaStream(new AnalyticsApiHandler(context));

        APIGatewayV2HTTPResponse byFormat = raw.handleRequest(get(ROUTE, Map.of("programId", programId),
                Map.of("from", "2026-11-01", "to", "2026-11-30", "format", "csv"), operator), null);
        APIGatewayV2HTTPEvent accept = get(ROUTE, Map.of("programId", programId), Map.of("from", "2026-11-01", "to", "2026-11-30"), operator);
        accept.setHeaders(new HashMap<>(accept.getHeaders() == null ? Map.of() : accept.getHeaders()));
        accept.getHeaders().put("accept", "text/csv");
        APIGatewayV2HTTPResponse byAccept = raw.handleRequest(accept, null);

        assertThat(byFormat.getStatusCode()).isEqualTo(200);
        assertThat(byFormat.getHeaders().get("Content-Type")).startsWith("text/csv");
        assertThat(byFormat.getBody().split("\r\n")).containsExactly(
                String.join(",", AnalyticsReport.CSV_COLUMNS),
                "2026-11-05,0,1,2500,0,0,0,0,0,0,0,0,0,0,0,0,0",
                "2026-11-06,0,1,1500,0,0,0,0,0,0,0,0,0,0,0,0,0",
                "total,0,2,4000,0,0,0,0,0,0,0,0,0,0,0,0,0");
        assertThat(byAccept.getBody()).isEqualTo(byFormat.getBody());
    }

    @Test
    void badPeriod_isRefused_andUnknownProgram_isNotFound() {
        String programId = program();
        assertProblem(api.handleRequest(get(ROUTE, Map.of("programId", programId), Map.of("from", "2026-12-01", "to", "2026-11-01"), operator), null), 400, "validation-failed");
        assertProblem(api.handleRequest(get(ROUTE, Map.of("programId", programId), Map.of("from", "2025-01-01", "to", "2026-11-01"), operator), null), 400, "validation-failed");
        assertProblem(api.handleRequest(get(ROUTE, Map.of("programId", programId), Map.of("to", "yesterday"), operator), null), 400, "validation-failed");
        assertProblem(api.handleRequest(get(ROUTE, Map.of("programId", programId), Map.of("marginBp", "10001"), operator), null), 400, "validation-failed");
        assertProblem(api.handleRequest(get(ROUTE, Map.of("programId", "prg_nope"), Map.of(), operator), null), 404, "not-found");
    }

    // ---- fixture -------------------------------------------------------------------------------------------

    String program() {
        String programId = "prg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Instant now = clock.instant();
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program(programId, "Coffee Club", "EUR", ProgramRules.DEFAULT, now, now, 1))).build());
        return programId;
    }

    String member(String programId, String enrolledAt) {
        String memberId = "mbr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Member member = new Member(memberId, programId, MemberKind.CUSTOMER,
                new MemberProfile("Ion Popescu", "+37369123456", null, null, Map.of()), new Consents(false, false, false),
                Member.Status.ACTIVE, "8000000000000003", Instant.parse(enrolledAt), "mch_test");
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder()
                .transactItems(new MemberRepository(context.dynamo(), context.tableName()).enrol(member)).build());
        return memberId;
    }

    static ObjectNode detail(String programId, String memberId, String occurredAt) {
        ObjectNode detail = LambdaJson.MAPPER.createObjectNode();
        detail.put("eventId", UUID.randomUUID().toString()).put("occurredAt", occurredAt)
                .put("programId", programId).put("memberId", memberId).put("merchantId", "mch_test");
        return detail;
    }

    static ObjectNode event(String type, ObjectNode detail) {
        ObjectNode event = LambdaJson.MAPPER.createObjectNode();
        event.put("version", "0").put("id", UUID.randomUUID().toString()).put("detail-type", type)
                .put("source", "loyalty").put("time", detail.path("occurredAt").asText());
        event.set("detail", detail);
        return event;
    }

    static ObjectNode enrolled(String programId, String memberId, String at) {
        return event("MemberEnrolled", detail(programId, memberId, at).put("kind", "customer"));
    }

    static ObjectNode purchase(String programId, String memberId, String at, long amount, long discount) {
        ObjectNode detail = detail(programId, memberId, at).put("orderId", "ord-" + UUID.randomUUID())
                .put("amount", amount).put("currency", "EUR").put("paidWithPoints", 0).put("pointsEarned", 0);
        if (discount > 0) {
            detail.put("discount", discount).put("amountDue", amount - discount);
        }
        return event("PurchaseRecorded", detail);
    }

    static ObjectNode points(String type, String programId, String memberId, String at, long points) {
        ObjectNode detail = detail(programId, memberId, at).put("points", points);
        if (type.equals("PointsRedeemed")) {
            detail.put("value", points).put("currency", "EUR");
        }
        return event(type, detail);
    }

    static ObjectNode returned(String programId, String memberId, String at, long amount, long pointsRestored) {
        return event("PurchaseReturned", detail(programId, memberId, at).put("orderId", "ord-" + UUID.randomUUID())
                .put("returnId", "ret-1").put("amount", amount).put("currency", "EUR").put("pointsReversed", 0)
                .put("pointsRestored", pointsRestored));
    }

    static ObjectNode adjusted(String programId, String memberId, String at, long points) {
        ObjectNode detail = detail(programId, memberId, at).put("entryId", "ent_" + UUID.randomUUID()).put("points", points)
                .put("reason", points > 0 ? "goodwill" : "correction");
        detail.remove("merchantId");
        return event("PointsAdjusted", detail);
    }

    String deliver(JsonNode event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(LambdaJson.MAPPER.writeValueAsBytes(event)), out, null);
            return LambdaJson.MAPPER.readTree(out.toByteArray()).path("outcome").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode report(String programId, String from, String to) {
        return report(programId, from, to, Map.of());
    }

    JsonNode report(String programId, String from, String to, Map<String, String> extra) {
        Map<String, String> query = new HashMap<>(extra);
        query.put("from", from);
        query.put("to", to);
        APIGatewayV2HTTPResponse response = api.handleRequest(get(ROUTE, Map.of("programId", programId), query, operator), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return json(response);
    }
}
