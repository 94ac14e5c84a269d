package app.loyalty.functions.discountcalculation;

import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.earn.EarnRules;
import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.InsufficientPointsException;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.redeem.Hold;
import app.loyalty.shared.domain.redeem.PointsMoney;
import app.loyalty.shared.domain.redeem.Spendable;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.PartnerAccess;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.CheckoutMembers;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.MerchantVelocity;
import app.loyalty.shared.store.RedemptionVelocity;
import app.loyalty.shared.store.ProgramCache;
import app.loyalty.shared.store.RedemptionStore;
import app.loyalty.shared.store.RedemptionStore.StoredHold;
import app.loyalty.shared.store.UpdateExpression;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Redemptions: points held for an order, then captured (spent: a REDEEM entry), cancelled, or left to lapse.
 * docs/ledger.md ("Holds") says why a hold moves no points and how the profile's reservations and their version keep
 * holds within the member's points under any concurrency. Every write is one transaction through
 * {@link IdempotentWriter}: hold item, profile (reservations, version, figures), lots and entry, idempotency record
 * with the events.
 */
final class Redemptions {
    private static final Pattern REDEMPTION_ID = Pattern.compile("rdm_[A-Za-z0-9]{1,60}");

    private final MemberRepository members;
    private final RedemptionStore holds;
    private final ProgramCache programs;
    private final IdempotentWriter writer;
    private final MerchantVelocity merchantVelocity;
    private final Clock clock;
    private final String table;

    Redemptions(AppContext context, ProgramCache programs) {
        this.clock = context.clock();
        this.table = context.tableName();
        this.members = new MemberRepository(context.dynamo(), context.tableName());
        this.holds = new RedemptionStore(context.dynamo(), context.tableName());
        this.programs = programs;
        this.writer = new IdempotentWriter(context.dynamo(), context.tableName(), clock);
        this.merchantVelocity = new MerchantVelocity(context.dynamo(), context.tableName());
    }

    ApiResponse hold(ApiRequest request) {
        Caller caller = request.caller();
        HoldRequest body = request.body(HoldRequest.class);
        return writer.execute(request, () -> prepareHold(caller, body));
    }

    private IdempotentWriter.Write prepareHold(Caller caller, HoldRequest body) {
        Instant now = clock.instant();
        Program program = program(caller);
        PartnerAccess.requireMayRedeem(program, caller.merchantId());
        String memberId = resolveMember(caller, body);
        MemberRepository.MemberState state = members.load(memberId)
                .filter(s -> s.member().programId().equals(caller.programId()))
                .orElseThrow(() -> ApiException.notFound("Member " + memberId));
        Map<String, AttributeValue> profile = state.profileItem();

        var pointValue = program.rules().discount().pointValue();
        long points = body.points() != null ? body.points() : PointsMoney.pointsFor(pointValue, body.amount());
        long value = PointsMoney.valueOf(pointValue, points);
        if (body.orderAmount() != null) {
            long maxValue = Math.multiplyExact(body.orderAmount(), (long) program.rules().discount().maxPointsPaymentBp())
                    / EarnRules.ONE_X_BPS;
            if (value > maxValue) {
                throw notCovered("share", "Points worth " + value + " would pay more of order " + body.orderId()
                        + " than the program lets points pay: " + maxValue + " of " + body.orderAmount(),
                        Map.of("maxValue", maxValue));
            }
        }
        Instant expiresAt = now.plus(program.rules().redemption().holdDuration());
        List<Spendable.Reservation> reservations = RedemptionStore.reservations(profile);
        long live = reservations.stream().filter(r -> r.isLiveAt(now)).count();
        if (live >= RedemptionStore.MAX_LIVE_HOLDS) {
            throw notCovered("holds", "Member " + memberId + " already has " + live + " live holds, the most at once;"
                    + " capture or cancel one first", Map.of("maxLiveHolds", RedemptionStore.MAX_LIVE_HOLDS));
        }
        PointsFigures figures = MemberFigures.read(profile);
        long spendable = Spendable.pointsFor(figures, reservations, now, expiresAt);
        if (points > spendable) {
            throw notCovered("points", "Holding " + points + " points needs more than member " + memberId
                    + " can spend until the hold lapses at " + expiresAt + ": " + spendable
                    + " (available points that outlive the hold, less other live holds)",
                    Map.of("pointsNeeded", points, "pointsAvailable", spendable));
        }

        Hold hold = new Hold(Ids.newId("rdm"), memberId, program.programId(), caller.merchantId(), body.orderId(), points,
                value, program.currency(), Hold.Status.HELD, now, expiresAt);
        List<TransactWriteItem> items = new ArrayList<>();
        List<DomainEvent> events = new ArrayList<>();
        items.add(holds.create(hold));
        UpdateExpression profileUpdate = new UpdateExpression().condition("attribute_exists(PK)");
        RedemptionStore.guardHolds(profileUpdate, profile);
        RedemptionVelocity.recordRedemption(profileUpdate, profile, now, program.rules().velocity());
        holds.closeLapsed(profileUpdate, profile, program.programId(), now, null, items, events);
        RedemptionStore.reserve(profileUpdate, profile, hold);
        items.add(profileUpdate.build(table, MemberRepository.profileKey(memberId)));
        events.add(RedemptionStore.pointsHeld(hold));
        RedemptionView view = RedemptionView.of(new StoredHold(hold, null, null, null, 0, List.of()), now,
                spendable - points);
        return new IdempotentWriter.Write(201, view, items, events);
    }

    ApiResponse read(ApiRequest request) {
        StoredHold stored = find(request.caller(), request.pathParameter("redemptionId"));
        return ApiResponse.json(200, RedemptionView.of(stored, clock.instant(), null));
    }

    ApiResponse capture(ApiRequest request) {
        Caller caller = request.caller();
        String redemptionId = request.pathParameter("redemptionId");
        CaptureRequest body = request.rawBody().isBlank() ? new CaptureRequest(null, null)
                : request.body(CaptureRequest.class);
        MerchantVelocity.Counter merchantPointsRedeemed = merchantVelocity.counter(
                MerchantVelocity.Measure.POINTS_REDEEMED_PER_DAY, caller.programId(), caller.merchantId(), redemptionId);
        return writer.execute(request, () -> prepareCapture(caller, redemptionId, body, merchantPointsRedeemed));
    }

    private IdempotentWriter.Write prepareCapture(Caller caller, String redemptionId, CaptureRequest body,
                                                  MerchantVelocity.Counter merchantPointsRedeemed) {
        Instant now = clock.instant();
        StoredHold stored = find(caller, redemptionId);
        Hold hold = stored.hold();
        if (body.orderId() != null && !body.orderId().equals(hold.orderId())) {
            throw new ApiException(ProblemType.CONFLICT, "Redemption " + redemptionId + " holds points for order "
                    + hold.orderId() + ", not " + body.orderId(), Map.of("redemptionId", redemptionId,
                    "orderId", hold.orderId()));
        }
        switch (hold.statusAt(now)) {
            case CAPTURED -> {
                // Captured already (a retry under another key): the same answer, nothing written but the key's record.
                return new IdempotentWriter.Write(200, RedemptionView.of(stored, now, null), List.of(), List.of());
            }
            case CANCELLED, EXPIRED -> throw closed(stored, now, "captured");
            case HELD -> {
            }
        }
        Program program = program(caller);
        PartnerAccess.requireMayRedeem(program, caller.merchantId());
        long points = hold.points();
        if (body.amount() != null) {
            if (body.amount() > hold.value()) {
                throw ApiException.validation("amount " + body.amount() + " is more than the hold is worth: "
                        + hold.value());
            }
            points = Math.min(points, PointsMoney.pointsFor(program.rules().discount().pointValue(), body.amount()));
        }
        MemberRepository.MemberState state = members.loadWithOpenLots(hold.memberId())
                .orElseThrow(() -> new IllegalStateException("Redemption " + redemptionId + " names a missing member"));
        MemberLedger ledger = new MemberLedger(hold.memberId(), hold.programId(), LotItems.fromItems(state.lotItems()));
        RedemptionStore.Spend spend;
        try {
            spend = holds.spend(ledger, new EntryMeta(Ids.newId("ent"), now, Actor.merchant(caller.merchantId()),
                    "redemption"), points, hold.orderId());
        } catch (InsufficientPointsException e) {
            // Only a return that took back points the hold counted on can get here (docs/ledger.md, "Holds").
            throw new ApiException(ProblemType.CONFLICT, "The member no longer has the " + points
                    + " points redemption " + redemptionId + " holds: " + e.available() + " are available",
                    Map.of("redemptionId", redemptionId, "redemptionStatus", "held"));
        }
        List<TransactWriteItem> items = new ArrayList<>(spend.items());
        List<DomainEvent> events = new ArrayList<>();
        items.add(holds.close(hold, Hold.Status.CAPTURED, now, spend, hold.orderId()));
        UpdateExpression profileUpdate = new UpdateExpression().condition("attribute_exists(PK)");
        RedemptionStore.guardHolds(profileUpdate, state.profileItem());
        RedemptionStore.release(profileUpdate, redemptionId);
        // Velocity (docs/security.md): the points spent count towards the member's and the merchant's day; the hold
        // itself was counted as a redemption when it was taken.
        RedemptionVelocity.recordPointsSpent(profileUpdate, state.profileItem(), now, program.rules().velocity(), points);
        items.addAll(merchantPointsRedeemed.add(program.rules().velocity().maxPointsRedeemedPerMerchantPerDay(), points,
                now));
        holds.closeLapsed(profileUpdate, state.profileItem(), hold.programId(), now, redemptionId, items, events);
        MemberFigures.apply(profileUpdate, state.profileItem(), spend.figuresChange(), now);
        items.add(profileUpdate.build(table, MemberRepository.profileKey(hold.memberId())));
        long value = PointsMoney.valueOf(program.rules().discount().pointValue(), points);
        events.add(RedemptionStore.pointsRedeemed(hold.programId(), caller.merchantId(), redemptionId, spend, value,
                hold.currency()));
        if (points < hold.points()) {
            events.add(RedemptionStore.holdReleased(hold.programId(), hold.memberId(), caller.merchantId(), redemptionId,
                    hold.orderId(), hold.points() - points, "partial-capture", now));
        }
        StoredHold captured = new StoredHold(hold.with(Hold.Status.CAPTURED), now, spend.entry().entryId(),
                hold.orderId(), points, spend.spentLots());
        return new IdempotentWriter.Write(200, RedemptionView.of(captured, now, null), items, events);
    }

    ApiResponse cancel(ApiRequest request) {
        Caller caller = request.caller();
        String redemptionId = request.pathParameter("redemptionId");
        if (!request.rawBody().isBlank()) {
            throw ApiException.validation("cancel takes no body");
        }
        return writer.execute(request, () -> prepareCancel(caller, redemptionId));
    }

    private IdempotentWriter.Write prepareCancel(Caller caller, String redemptionId) {
        Instant now = clock.instant();
        StoredHold stored = find(caller, redemptionId);
        Hold hold = stored.hold();
        switch (hold.statusAt(now)) {
            case CANCELLED -> {
                return new IdempotentWriter.Write(200, RedemptionView.of(stored, now, null), List.of(), List.of());
            }
            case CAPTURED, EXPIRED -> throw closed(stored, now, "cancelled");
            case HELD -> {
            }
        }
        MemberRepository.MemberState state = members.load(hold.memberId())
                .orElseThrow(() -> new IllegalStateException("Redemption " + redemptionId + " names a missing member"));
        List<TransactWriteItem> items = new ArrayList<>();
        List<DomainEvent> events = new ArrayList<>();
        items.add(holds.close(hold, Hold.Status.CANCELLED, now, null, null));
        UpdateExpression profileUpdate = new UpdateExpression().condition("attribute_exists(PK)");
        RedemptionStore.guardHolds(profileUpdate, state.profileItem());
        RedemptionStore.release(profileUpdate, redemptionId);
        holds.closeLapsed(profileUpdate, state.profileItem(), hold.programId(), now, redemptionId, items, events);
        items.add(profileUpdate.build(table, MemberRepository.profileKey(hold.memberId())));
        events.add(RedemptionStore.holdReleased(hold.programId(), hold.memberId(), caller.merchantId(), redemptionId,
                hold.orderId(), hold.points(), "cancelled", now));
        StoredHold cancelled = new StoredHold(hold.with(Hold.Status.CANCELLED), now, null, null, 0, List.of());
        return new IdempotentWriter.Write(200, RedemptionView.of(cancelled, now, null), items, events);
    }

    /** The caller's redemption: another merchant's (or an unknown id) is 404. */
    private StoredHold find(Caller caller, String redemptionId) {
        if (!REDEMPTION_ID.matcher(redemptionId).matches()) {
            throw ApiException.notFound("Redemption " + redemptionId);
        }
        return holds.find(redemptionId)
                .filter(s -> s.hold().merchantId().equals(caller.merchantId())
                        && s.hold().programId().equals(caller.programId()))
                .orElseThrow(() -> ApiException.notFound("Redemption " + redemptionId));
    }

    private static ApiException closed(StoredHold stored, Instant now, String attempted) {
        Hold hold = stored.hold();
        String status = hold.statusAt(now).name().toLowerCase(Locale.ROOT);
        String why = switch (hold.statusAt(now)) {
            case EXPIRED -> "it lapsed at " + hold.expiresAt() + " (holds last the program's redemption.holdMinutes)";
            case CANCELLED -> "it was cancelled";
            case CAPTURED -> "it was captured";
            case HELD -> "it is held";
        };
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("redemptionId", hold.redemptionId());
        details.put("redemptionStatus", status);
        return new ApiException(ProblemType.CONFLICT, "Redemption " + hold.redemptionId() + " cannot be " + attempted
                + ": " + why + ". Hold the points again for a new attempt.", details);
    }

    private static ApiException notCovered(String reason, String detail, Map<String, Object> more) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.putAll(more);
        return new ApiException(ProblemType.POINTS_PAYMENT_NOT_COVERED, detail, details);
    }

    private Program program(Caller caller) {
        return programs.find(caller.programId()).orElseThrow(
                () -> new IllegalStateException("Authorized merchant's program is missing: " + caller.programId()));
    }

    private String resolveMember(Caller caller, HoldRequest body) {
        return new CheckoutMembers(members).memberIdFor(caller, body.memberId(), body.cardNumber());
    }
}
