package app.loyalty.local.reliability;

import app.loyalty.local.reliability.ScenarioBundle.Merchant;
import app.loyalty.shared.domain.ledger.EntryType;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.TableSchema;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import static app.loyalty.local.reliability.ScenarioBundle.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 2 of issue 12: a Lambda timeout between the write and the answer. The write commits, the checkout never
 * sees the answer, and it retries with the same Idempotency-Key. Two ways the answer is lost, alternating by round:
 * <ul>
 *   <li>the function's answer is dropped after it was produced (the Lambda timed out while returning it, or API
 *       Gateway gave up): the test keeps it aside only to compare it with what the retry gets;</li>
 *   <li>DynamoDB's answer to the committed TransactWriteItems is lost ({@link TransactionTrap}, cut after commit):
 *       the function fails with a 500 and never saw its own answer.</li>
 * </ul>
 * Promised: the retry answers the original answer (the same body, marked Idempotent-Replayed), and nothing is
 * applied twice, for enrolment, purchase, return, redemption hold, capture and cancel.
 */
class LostAnswerScenarioIT {
    private final ScenarioBundle bundle = ScenarioBundle.start("2026-12-03T10:00:00Z");
    private final TransactionTrap trap = new TransactionTrap(bundle.context.dynamo());
    /** The same handlers over the trapped client: their writes commit, but one chosen answer never comes back. */
    private final ScenarioBundle losing = bundle.over(trap.client());
    private final List<String> violations = new ArrayList<>();
    private long retries;

    @Test
    void aWriteWhoseAnswerIsLost_isRetriedWithTheSameKey_andAnswersTheOriginal_withNothingDoubled() {
        Merchant merchant = bundle.programWithMerchant("lost", "{\"pendingDays\":0}");
        int rounds = ReliabilityRun.operations(6);
        List<String> members = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            String n = Integer.toString(round);
            boolean dropFunctionAnswer = round % 2 == 0;
            String enrolment = ScenarioBundle.enrolBody(2000 + round);
            Function<ScenarioBundle, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> memberRoutes = b -> b.members;
            Function<ScenarioBundle, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> purchaseRoutes = b -> b.purchases;
            Function<ScenarioBundle, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> redemptionRoutes = b -> b.redemptions;

            JsonNode member = loseThenRetry("enrol", dropFunctionAnswer, memberRoutes, () -> TestRequests.post(
                    "POST /v1/members", merchant.caller(), "lost-enrol-" + n, enrolment));
            String memberId = member.path("memberId").asText();
            members.add(memberId);
            loseThenRetry("purchase", dropFunctionAnswer, purchaseRoutes, () -> TestRequests.post("POST /v1/purchases",
                    merchant.caller(), "lost-purchase-" + n, ScenarioBundle.purchaseBody(memberId, "lost-order-" + n, 30_000)));
            loseThenRetry("return", dropFunctionAnswer, purchaseRoutes, () -> TestRequests.post(
                    "POST /v1/purchases/{orderId}/returns", Map.of("orderId", "lost-order-" + n), merchant.caller(),
                    "lost-return-" + n, "{\"returnId\":\"lost-return-" + n + "\",\"amount\":10000}"));
            String captured = loseThenRetry("hold", dropFunctionAnswer, redemptionRoutes, () -> TestRequests.post(
                    "POST /v1/redemptions", merchant.caller(), "lost-hold-" + n,
                    "{\"memberId\":\"" + memberId + "\",\"orderId\":\"lost-spend-" + n + "\",\"points\":50}"))
                    .path("redemptionId").asText();
            loseThenRetry("capture", dropFunctionAnswer, redemptionRoutes, () -> TestRequests.post(
                    "POST /v1/redemptions/{redemptionId}/capture", Map.of("redemptionId", captured), merchant.caller(),
                    "lost-capture-" + n, "{}"));
            String cancelled = ScenarioBundle.json(ScenarioBundle.send(bundle.redemptions, TestRequests.post(
                    "POST /v1/redemptions", merchant.caller(), "lost-hold-b-" + n,
                    "{\"memberId\":\"" + memberId + "\",\"orderId\":\"lost-spend-b-" + n + "\",\"points\":30}"), 201))
                    .path("redemptionId").asText();
            loseThenRetry("cancel", dropFunctionAnswer, redemptionRoutes, () -> TestRequests.post(
                    "POST /v1/redemptions/{redemptionId}/cancel", Map.of("redemptionId", cancelled), merchant.caller(),
                    "lost-cancel-" + n, null));
        }

        long profiles = bundle.everything().stream()
                .filter(i -> MemberRepository.PROFILE.equals(Attr.string(i, TableSchema.SK))).count();
        if (profiles != rounds) {
            violations.add(profiles + " members for " + rounds + " enrolments");
        }
        for (String memberId : members) {
            Map<EntryType, Long> entries = new EnumMap<>(EntryType.class);
            long points = 0;
            for (var item : bundle.memberItems(memberId, LedgerEntryItems.ENTRY_PREFIX)) {
                var entry = LedgerEntryItems.fromItem(item);
                entries.merge(entry.type(), 1L, Long::sum);
                points += entry.points();
            }
            if (!entries.equals(Map.of(EntryType.ACCRUE, 1L, EntryType.REVERSE, 1L, EntryType.REDEEM, 1L))) {
                violations.add(memberId + " has entries " + entries + ", expected one accrual, reversal, redemption");
            }
            if (points != 300 - 100 - 50) {
                violations.add(memberId + " has " + points + " points, expected 300 - 100 - 50 = 150");
            }
            violations.addAll(bundle.ledgerViolations(memberId));
        }
        assertThat(trap.sprung()).as("every other round lost DynamoDB's answer of each of its 6 writes")
                .isEqualTo(6 * (rounds / 2));

        ScenarioFigures.record("lost-answer", rounds * 6L, retries, violations.size());
        assertThat(violations).isEmpty();
    }

    /**
     * Sends the request through the losing bundle so that its answer is lost, then retries it with the same key
     * through the ordinary one; returns the retry's answer after comparing it with the original where there is one.
     */
    private JsonNode loseThenRetry(String what, boolean dropFunctionAnswer,
                                   Function<ScenarioBundle, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> routes,
                                   Supplier<APIGatewayV2HTTPEvent> request) {
        APIGatewayV2HTTPResponse original = null;
        if (dropFunctionAnswer) {
            // The function answers; the checkout never receives it. Kept here only to compare with the replay.
            original = routes.apply(bundle).handleRequest(request.get(), null);
        } else {
            trap.arm(1, TransactionTrap.Cut.AFTER_COMMIT);
            APIGatewayV2HTTPResponse failed = routes.apply(losing).handleRequest(request.get(), null);
            if (failed.getStatusCode() != 500) {
                violations.add(what + ": with DynamoDB's answer lost the function answered " + failed.getStatusCode()
                        + " " + failed.getBody());
            }
        }
        APIGatewayV2HTTPResponse retried = routes.apply(bundle).handleRequest(request.get(), null);
        retries++;
        if (retried.getStatusCode() / 100 != 2) {
            violations.add(what + ": the retry answered " + retried.getStatusCode() + " " + retried.getBody());
            return json(retried);
        }
        if (!"true".equals(header(retried, "Idempotent-Replayed"))) {
            violations.add(what + ": the retry was applied again instead of replayed: " + retried.getBody());
        }
        if (original != null && (original.getStatusCode() != retried.getStatusCode()
                || !json(original).equals(json(retried)))) {
            violations.add(what + ": the replay " + retried.getStatusCode() + " " + retried.getBody()
                    + " differs from the lost answer " + original.getStatusCode() + " " + original.getBody());
        }
        return json(retried);
    }

    private static String header(APIGatewayV2HTTPResponse response, String name) {
        if (response.getHeaders() == null) {
            return null;
        }
        return response.getHeaders().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
