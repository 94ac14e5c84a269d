package app.loyalty.local.reliability;

import app.loyalty.local.reliability.ScenarioBundle.Member;
import app.loyalty.local.reliability.ScenarioBundle.Merchant;
import app.loyalty.shared.domain.ledger.EntryType;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.store.Attr;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static app.loyalty.local.reliability.ScenarioBundle.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 1 of issue 12: a request and its retry (the same Idempotency-Key and body) running at the same time, as a
 * checkout does when its first attempt times out on the client side while the function is still working. Each round
 * starts both copies at one barrier, for enrolment, purchase, return, redemption hold and capture. Promised (DESIGN
 * section 6, IdempotentWriter): exactly one is applied, and the two answers are equal, or one is the documented 409
 * {@code request-in-flight}, after which a sequential retry with that key answers exactly what the other got.
 */
class RetryRaceScenarioIT {
    private static final String RULES = "{\"pendingDays\":0}";
    private static ExecutorService pair;

    private final ScenarioBundle bundle = ScenarioBundle.start("2026-12-03T10:00:00Z");
    private long duplicates;
    private long inFlightAnswers;
    private long overlappingPairs;
    private final List<String> violations = new ArrayList<>();

    @BeforeAll
    static void threads() {
        pair = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        pair.shutdownNow();
        assertThat(pair.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRequestAndItsRetryRacing_applyOnce_andAnswerAlike_forEnrolPurchaseReturnHoldAndCapture() throws Exception {
        Merchant merchant = bundle.programWithMerchant("race", RULES);
        int rounds = ReliabilityRun.operations(4);
        List<Member> enrolled = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            String n = Integer.toString(round);
            String enrolment = ScenarioBundle.enrolBody(1000 + round);
            JsonNode member = race("enrol", bundle.members, () -> TestRequests.post("POST /v1/members",
                    merchant.caller(), "race-enrol-" + n, enrolment));
            String memberId = member.path("memberId").asText();
            enrolled.add(new Member(memberId, member.path("card").path("cardNumber").asText()));

            race("purchase", bundle.purchases, () -> TestRequests.post("POST /v1/purchases", merchant.caller(),
                    "race-purchase-" + n, ScenarioBundle.purchaseBody(memberId, "race-order-" + n, 20_000)));

            race("return", bundle.purchases, () -> TestRequests.post("POST /v1/purchases/{orderId}/returns",
                    Map.of("orderId", "race-order-" + n), merchant.caller(), "race-return-" + n,
                    "{\"returnId\":\"race-return-" + n + "\",\"amount\":5000}"));

            JsonNode hold = race("hold", bundle.redemptions, () -> TestRequests.post("POST /v1/redemptions",
                    merchant.caller(), "race-hold-" + n,
                    "{\"memberId\":\"" + memberId + "\",\"orderId\":\"race-spend-" + n + "\",\"points\":40}"));
            String redemptionId = hold.path("redemptionId").asText();

            race("capture", bundle.redemptions, () -> TestRequests.post("POST /v1/redemptions/{redemptionId}/capture",
                    Map.of("redemptionId", redemptionId), merchant.caller(), "race-capture-" + n, "{}"));
        }

        // Exactly one of each pair applied: one member per enrolment, and per member one accrual, one reversal and
        // one redemption, and the ledger adds up (200 earned, 50 reversed, 40 spent: 110 left).
        long profiles = bundle.everything().stream()
                .filter(i -> MemberRepository.PROFILE.equals(Attr.string(i, TableSchema.SK))).count();
        if (profiles != rounds) {
            violations.add(profiles + " members enrolled by " + rounds + " enrolments (each sent twice)");
        }
        for (Member member : enrolled) {
            Map<EntryType, Long> entries = new java.util.EnumMap<>(EntryType.class);
            long points = 0;
            for (var item : bundle.memberItems(member.memberId(), LedgerEntryItems.ENTRY_PREFIX)) {
                var entry = LedgerEntryItems.fromItem(item);
                entries.merge(entry.type(), 1L, Long::sum);
                points += entry.points();
            }
            if (!entries.equals(Map.of(EntryType.ACCRUE, 1L, EntryType.REVERSE, 1L, EntryType.REDEEM, 1L))) {
                violations.add(member.memberId() + " has entries " + entries + ", expected one accrual, reversal, redemption");
            }
            if (points != 110) {
                violations.add(member.memberId() + " has " + points + " points, expected 200 - 50 - 40 = 110");
            }
            violations.addAll(bundle.ledgerViolations(member.memberId()));
        }

        ScenarioFigures.record("retry-race", rounds * 5L, duplicates, violations.size());
        ScenarioFigures.FIGURES.add("retryRace.inFlightAnswers", inFlightAnswers);
        ScenarioFigures.FIGURES.add("retryRace.overlappingPairs", overlappingPairs);
        ScenarioFigures.FIGURES.write();
        assertThat(violations).isEmpty();
    }

    /**
     * Sends the request twice at once (a barrier releases both) and returns the answer that was applied. Records a
     * violation when the answers differ, unless one is the 409 request-in-flight: then that copy is sent again after
     * the race, as the checkout would, and must get the other's answer.
     */
    private JsonNode race(String what, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
                          Supplier<APIGatewayV2HTTPEvent> request) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        long[] began = new long[2];
        long[] ended = new long[2];
        List<Future<APIGatewayV2HTTPResponse>> both = new ArrayList<>();
        for (int copy = 0; copy < 2; copy++) {
            APIGatewayV2HTTPEvent event = request.get();
            int copyIndex = copy;
            both.add(pair.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                began[copyIndex] = System.nanoTime();
                try {
                    return handler.handleRequest(event, null);
                } finally {
                    ended[copyIndex] = System.nanoTime();
                }
            }));
        }
        APIGatewayV2HTTPResponse first = both.get(0).get(60, TimeUnit.SECONDS);
        APIGatewayV2HTTPResponse second = both.get(1).get(60, TimeUnit.SECONDS);
        duplicates++;
        // Evidence that the copies really ran at once (a figure, not an assertion: it depends on the scheduler).
        if (began[0] < ended[1] && began[1] < ended[0]) {
            overlappingPairs++;
        }
        if (inFlight(first) && inFlight(second)) {
            violations.add(what + ": both copies answered 409 request-in-flight; neither was applied");
            return json(first);
        }
        if (inFlight(first) || inFlight(second)) {
            inFlightAnswers++;
            APIGatewayV2HTTPResponse applied = inFlight(first) ? second : first;
            APIGatewayV2HTTPResponse retried = handler.handleRequest(request.get(), null);
            duplicates++;
            compare(what + " (retry after 409 request-in-flight)", applied, retried);
            return json(applied);
        }
        compare(what, first, second);
        if (replayed(first) == replayed(second)) {
            violations.add(what + ": " + (replayed(first) ? "both copies" : "neither copy")
                    + " answered as a replay (Idempotent-Replayed): one must be the original, the other its replay");
        }
        return json(first);
    }

    private void compare(String what, APIGatewayV2HTTPResponse a, APIGatewayV2HTTPResponse b) {
        if (a.getStatusCode() / 100 != 2) {
            violations.add(what + ": answered " + a.getStatusCode() + " " + a.getBody());
        }
        if (a.getStatusCode() != b.getStatusCode() || !json(a).equals(json(b))) {
            violations.add(what + ": the copies got different answers: " + a.getStatusCode() + " " + a.getBody()
                    + " and " + b.getStatusCode() + " " + b.getBody());
        }
    }

    private static boolean replayed(APIGatewayV2HTTPResponse response) {
        return response.getHeaders() != null && response.getHeaders().entrySet().stream()
                .anyMatch(h -> h.getKey().equalsIgnoreCase("Idempotent-Replayed") && "true".equals(h.getValue()));
    }

    private static boolean inFlight(APIGatewayV2HTTPResponse response) {
        return response.getStatusCode() == 409 && json(response).path("type").asText().endsWith("request-in-flight");
    }
}
