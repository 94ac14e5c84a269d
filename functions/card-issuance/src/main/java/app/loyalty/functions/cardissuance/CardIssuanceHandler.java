package app.loyalty.functions.cardissuance;

import app.loyalty.shared.domain.member.ContactHasher;
import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.Environment;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;

import java.util.List;
import java.util.Map;

/**
 * Merchant routes for members and their cards: enrol, read, look up and list, statement, update, look a card up,
 * replace a lost card, read an order; operator routes to erase a member, adjust its points and re-key contacts after a
 * contact hash key rotation (docs/members.md).
 */
public final class CardIssuanceHandler extends ApiFunction {

    /**
     * Lambda: the contact hash key must be configured (template parameter ContactHashKey, with its id and, during a
     * rotation, the previous key and its id); no fallback.
     */
    public CardIssuanceHandler() {
        this(AppContext.fromEnvironment(), ContactHasher.fromSettings(Environment::optional));
    }

    private final AppContext context;

    /**
     * Tests, benchmarks and the local runtime: the configured key when set (the local runtime sets its fixed one), else
     * {@link ContactHasher#TEST_KEY}. Lambda never comes here: it uses the no-argument constructor.
     */
    public CardIssuanceHandler(AppContext context) {
        this(context, ContactHasher.fromSettings(name -> name.equals(ContactHasher.KEY_SETTING)
                ? Environment.optional(name).or(() -> java.util.Optional.of(ContactHasher.TEST_KEY)) : Environment.optional(name)));
    }

    public CardIssuanceHandler(AppContext context, ContactHasher hasher) {
        this(context, new Membership(context, hasher), hasher);
    }

    private CardIssuanceHandler(AppContext context, Membership membership, ContactHasher hasher) {
        this(context, membership, new MemberCrm(context, hasher, membership), new ContactKeyRotation(context, hasher));
    }

    private CardIssuanceHandler(AppContext context, Membership membership, MemberCrm crm, ContactKeyRotation rotation) {
        super(Map.ofEntries(
                Map.entry("POST /v1/members", Route.merchant(membership::enrol)),
                Map.entry("GET /v1/members", Route.merchant(crm::listOrLookUp)),
                Map.entry("GET /v1/members/{memberId}", Route.merchant(membership::readMember)),
                Map.entry("PATCH /v1/members/{memberId}", Route.merchant(crm::update)),
                Map.entry("GET /v1/members/{memberId}/statement", Route.merchant(crm::statement)),
                Map.entry("GET /v1/purchases/{orderId}", Route.merchant(crm::readOrder)),
                Map.entry("GET /v1/cards/{cardNumber}", Route.merchant(membership::readCard)),
                Map.entry("POST /v1/cards/{cardNumber}/replace", Route.merchant(membership::replaceCard)),
                Map.entry("POST /v1/programs/{programId}/members/{memberId}/erasure", Route.operator(crm::erase)),
                Map.entry("POST /v1/programs/{programId}/members/{memberId}/adjustments", Route.operator(crm::adjust)),
                Map.entry("POST /v1/programs/{programId}/contact-keys/rekey", Route.operator(rotation::rekey))));
        this.context = context;
    }

    /** After the misses against the real table, the paths that find data and write: {@link CardIssuancePriming}. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> checkpoint) {
        super.beforeCheckpoint(checkpoint);
        CardIssuancePriming.prime(context, RequestLog.STDOUT);
    }

    /**
     * Lookups that find nothing, one per read path: a card (GetItem of the card item) and a member (GetItem of the
     * profile, which carries the balance figures), each through Jackson and the problem path, without writing.
     */
    @Override
    protected List<APIGatewayV2HTTPEvent> primingRequests() {
        Caller caller = Caller.merchant("mch_priming", "prg_priming");
        return List.of(
                primingGet("GET /v1/members/{memberId}", Map.of("memberId", "mbr_priming"), caller),
                primingGet("GET /v1/cards/{cardNumber}", Map.of("cardNumber", "8000000000000003"), caller));
    }
}
