package app.loyalty.functions.cardissuance;

import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.InMemoryDynamoDb;
import app.loyalty.shared.runtime.Priming;
import app.loyalty.shared.runtime.PrimingStep;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SnapStart priming of the paths that find data ({@link PrimingStep#JIT_ROUNDS} times each), after the handler's read-only misses against the real table: GET
 * member and GET card of a synthetic member that is found (its profile, card and program items mapped, the balance,
 * tier and discount computed, the view rendered), and an enrolment that succeeds, all against
 * {@link InMemoryDynamoDb}, so nothing is written anywhere; then the enrolment's transaction goes to the real table
 * once more, certain to be cancelled ({@link Priming#sendCancelled}).
 */
final class CardIssuancePriming {
    private CardIssuancePriming() {
    }

    /** The outcome of each step, in order (also logged): statuses of the in-memory requests, then the cancellation. */
    static List<Object> prime(AppContext real, RequestLog log) {
        Priming.Data data = Priming.data(real.clock().instant(), "prg_priming");
        Caller caller = Caller.merchant("mch_priming", data.program().programId());
        List<Object> outcomes = new ArrayList<>();
        try (InMemoryDynamoDb memory = new InMemoryDynamoDb(data.items())) {
            // Nothing primed is kept, so the key only has to hash: the configured one when set, else the test key.
            Membership membership = new Membership(memory.context(real), new app.loyalty.shared.domain.member.ContactHasher(
                    app.loyalty.shared.runtime.Environment.optional(app.loyalty.shared.domain.member.ContactHasher.KEY_SETTING)
                            .orElse(app.loyalty.shared.domain.member.ContactHasher.TEST_KEY)));
            outcomes.add(PrimingStep.run(log, "GET /v1/members/{memberId}, found, in memory", () -> PrimingStep.repeated(() ->
                    membership.readMember(request(ApiFunction.primingGet("GET /v1/members/{memberId}",
                            Map.of("memberId", data.member().memberId()), caller))).status())));
            outcomes.add(PrimingStep.run(log, "GET /v1/cards/{cardNumber}, found, in memory", () -> PrimingStep.repeated(() ->
                    membership.readCard(request(ApiFunction.primingGet("GET /v1/cards/{cardNumber}",
                            Map.of("cardNumber", data.card().cardNumber()), caller))).status())));
            outcomes.add(PrimingStep.run(log, "POST /v1/members, in memory", () -> PrimingStep.repeated(() ->
                    membership.enrol(request(Priming.post("POST /v1/members", Map.of(), caller, """
                            {"profile": {"name": "Ada Lovelace", "phone": "+447700900123", "email": "ada@example.com",
                             "birthDate": "1990-12-10", "preferences": {"language": "en"}},
                             "consents": {"sms": true, "email": true, "push": false}, "kind": "customer"}
                            """))).status())));
            outcomes.add(PrimingStep.run(log, "enrolment transaction, cancelled by DynamoDB", () -> Priming.sendCancelled(
                    real.dynamo(), real.tableName(), memory.transactions().getFirst())));
        }
        return outcomes;
    }

    private static ApiRequest request(APIGatewayV2HTTPEvent event) {
        return ApiRequest.from(event, Json.MAPPER);
    }
}
