package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.domain.discount.Quote;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.PartnerAccess;
import app.loyalty.shared.http.QuoteViews.QuoteView;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.CheckoutReader;
import app.loyalty.shared.store.CheckoutMembers;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramCache;

import java.time.Clock;
import java.time.Instant;

/**
 * POST /v1/discounts/quote: what the checkout should charge and why, computed by the same engine from the same facts
 * the purchase then applies ({@link CheckoutReader}). A pure read: nothing is written, so it takes no
 * Idempotency-Key. Reads: the card (when the request names one), then one BatchGetItem (profile, promo code and the
 * member's use of it, reward pool budgets); the program comes from the container's cache.
 */
final class Quotes {
    private final MemberRepository members;
    private final CheckoutReader reader;
    private final ProgramCache programs;
    private final Clock clock;

    Quotes(AppContext context, ProgramCache programs) {
        this.clock = context.clock();
        this.members = new MemberRepository(context.dynamo(), context.tableName());
        this.reader = new CheckoutReader(context.dynamo(), context.tableName());
        this.programs = programs;
    }

    ApiResponse quote(ApiRequest request) {
        Caller caller = request.caller();
        QuoteRequest body = request.body(QuoteRequest.class);
        Instant now = clock.instant();
        Program program = programs.find(caller.programId())
                .orElseThrow(() -> new IllegalStateException("Authorized merchant's program is missing: " + caller.programId()));
        // A merchant the partner agreement leaves out sees no member of the program, not even through a quote
        // (its member id, usable points): found by TenantSweepIT.
        PartnerAccess.requireInAgreement(program, caller.merchantId());
        if (body.currency() != null && !body.currency().equals(program.currency())) {
            throw ApiException.validation("currency " + body.currency() + " is not the program currency " + program.currency());
        }
        String memberId = resolveMember(caller, body);
        Quote quote = reader.quoteFor(program, memberId, caller.merchantId(), body.orderId(), body.basketLines(),
                        body.basketAdjustments(), body.promoCode(), body.pointsToSpend(), now)
                .orElseThrow(() -> ApiException.notFound("Member " + memberId));
        return ApiResponse.json(200, QuoteView.of(body.orderId(), memberId, quote));
    }

    private String resolveMember(Caller caller, QuoteRequest body) {
        return new CheckoutMembers(members).memberIdFor(caller, body.memberId(), body.cardNumber());
    }
}
