package app.loyalty.functions.cardissuance;

import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.discount.card.CardKind;
import app.loyalty.shared.domain.discount.card.DiscountCard;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.CardNumber;
import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.domain.member.ContactHasher;
import app.loyalty.shared.store.MemberContacts;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.member.MemberProfile;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.PartnerAccess;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.CardLevels;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.RedemptionStore;
import app.loyalty.shared.store.ProgramCache;
import app.loyalty.shared.store.ProgramRepository;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Enrolment and cards. Every lookup is scoped to the caller's program: another program's ids are 404s. */
final class Membership {
    private final MemberRepository members;
    private final ProgramCache programs;
    private final IdempotentWriter writer;
    private final MemberViews views;
    private final MemberContacts contacts;
    private final Clock clock;

    Membership(AppContext context, ContactHasher hasher) {
        this.clock = context.clock();
        this.members = new MemberRepository(context.dynamo(), context.tableName());
        this.contacts = new MemberContacts(context.dynamo(), context.tableName(), hasher);
        this.programs = new ProgramCache(new ProgramRepository(context.dynamo(), context.tableName()), clock);
        this.writer = new IdempotentWriter(context.dynamo(), context.tableName(), clock);
        this.views = new MemberViews(clock);
    }

    /** {@code externalId}: the enrolling merchant's own customer id for the member, unique per merchant. */
    record EnrolRequest(MemberProfile profile, ConsentsBody consents, String kind, String cardKind, String externalId) {
        EnrolRequest {
            externalId = MemberCrm.requireExternalId(externalId);
        }
    }

    /** Consents as sent: a channel left out (or null) has no consent. */
    record ConsentsBody(Boolean sms, Boolean email, Boolean push, Boolean sharePartners) {
        Consents toConsents() {
            return new Consents(Boolean.TRUE.equals(sms), Boolean.TRUE.equals(email), Boolean.TRUE.equals(push),
                    Boolean.TRUE.equals(sharePartners));
        }
    }

    /** {@code cardKind}: the replacement's kind; absent keeps the replaced card's kind. */
    record ReplaceCardRequest(String reason, String cardKind) {
        static final List<String> REASONS = List.of("lost", "stolen", "damaged");

        ReplaceCardRequest {
            if (reason != null && !REASONS.contains(reason)) {
                throw new IllegalArgumentException("reason must be one of " + REASONS);
            }
        }
    }

    /** A card as a checkout sees it; the block fields are present only on a blocked card. */
    record CardView(String cardNumber, String memberId, String status, String kind, Instant issuedAt, Instant blockedAt,
                    String blockReason, String replacedBy) {
        static CardView of(Card card) {
            return new CardView(card.cardNumber(), card.memberId(), card.status().name().toLowerCase(Locale.ROOT),
                    card.kind(), card.issuedAt(), card.blockedAt(), card.blockReason(), card.replacedBy());
        }
    }

    record CardReplaced(String cardNumber, String memberId, String status, String kind, Instant issuedAt,
                        String previousCardNumber) {
    }

    ApiResponse enrol(ApiRequest request) {
        Caller caller = request.caller();
        EnrolRequest body = request.body(EnrolRequest.class);
        if (body.profile() == null) {
            throw ApiException.validation("profile is required");
        }
        MemberKind kind = parseKind(body.kind());
        List<MemberContacts.Claim> claims = claimsOf(body.profile(), caller, body.externalId());
        int[] attempts = {0};
        return writer.execute(request, () -> {
            if (attempts[0]++ > 0) {
                // Write first: only after a failed transaction is it worth asking whether a contact is taken.
                refuseTakenClaims(claims, null);
            }
            Instant now = clock.instant();
            try {
                body.profile().requirePlausibleBirthDate(LocalDate.ofInstant(now, ZoneOffset.UTC));
            } catch (IllegalArgumentException e) {
                throw ApiException.validation(e.getMessage());
            }
            Program program = programs.find(caller.programId())
                    .orElseThrow(() -> new IllegalStateException("Authorized merchant's program is missing: " + caller.programId()));
            String cardKind = requireCardKind(program, body.cardKind() == null ? CardKind.STANDARD : body.cardKind());
            Card card = Card.issue(CardNumber.generate(), Ids.newId("mbr"), program.programId(), cardKind, now);
            Member member = new Member(card.memberId(), program.programId(), kind, body.profile(),
                    body.consents() == null ? Consents.NONE : body.consents().toConsents(), Member.Status.ACTIVE,
                    card.cardNumber(), now, caller.merchantId());
            List<DomainEvent> events = List.of(
                    event("MemberEnrolled", now, program.programId(), Map.of(
                            "memberId", member.memberId(), "merchantId", caller.merchantId(),
                            "kind", kind.name().toLowerCase(Locale.ROOT), "cardNumber", card.cardNumber(),
                            "consents", Map.of("sms", member.consents().sms(), "email", member.consents().email(),
                                    "push", member.consents().push()))),
                    event("CardIssued", now, program.programId(), Map.of(
                            "memberId", member.memberId(), "merchantId", caller.merchantId(),
                            "cardNumber", card.cardNumber(), "cardKind", cardKind, "reason", "enrolment")));
            DiscountCard.Evaluation discountCard = DiscountCard.evaluate(program.rules(), null, Map.of(), cardKind, now);
            List<software.amazon.awssdk.services.dynamodb.model.TransactWriteItem> items = new java.util.ArrayList<>();
            items.add(members.enrol(member, cardKind, body.externalId() == null ? Map.of()
                    : Map.of(MemberRepository.EXTERNAL_IDS, software.amazon.awssdk.services.dynamodb.model.AttributeValue
                            .fromM(Map.of(caller.merchantId(), app.loyalty.shared.store.Attr.s(body.externalId()))))));
            items.add(members.issueCard(card));
            claims.forEach(claim -> items.addAll(contacts.claim(claim, member.memberId(), program.programId(), now)));
            return new IdempotentWriter.Write(201,
                    views.view(member, program, PointsFigures.ZERO, List.of(), cardKind, discountCard).withoutProfile(),
                    items, events);
        });
    }

    /**
     * Whether a merchant may see the member's personal data (name, phone, email, birth date): only the merchant that
     * enrolled the member, or any partner of the program when the member consented to share (issue 10, docs/members.md).
     * Every answer that carries a profile to a merchant asks this one rule.
     */
    static boolean contactVisible(Member member, String merchantId) {
        return java.util.Objects.equals(merchantId, member.enrolledByMerchantId()) || member.consents().sharePartners();
    }

    /** One GetItem of the profile (figures, current card, spend) and the cached program: flat in the member's history. */
    ApiResponse readMember(ApiRequest request) {
        String memberId = request.pathParameter("memberId");
        var state = members.load(memberId)
                .filter(s -> s.member().programId().equals(request.caller().programId()))
                .orElseThrow(() -> ApiException.notFound("Member " + memberId));
        Program program = programs.find(state.member().programId()).orElseThrow(
                () -> new IllegalStateException("Member " + memberId + " names a missing program"));
        String merchantId = request.caller().merchantId();
        // A merchant the partner agreement leaves out sees no member of the program (docs/settlement.md).
        PartnerAccess.requireInAgreement(program, merchantId);
        DiscountCard.Evaluation discountCard = CardLevels.evaluate(state.profileItem(), program.rules(), clock.instant());
        MemberViews.MemberView view = views.view(state.member(), program, MemberFigures.read(state.profileItem()),
                RedemptionStore.reservations(state.profileItem()), CardLevels.cardKind(state.profileItem()), discountCard);
        return ApiResponse.json(200, (contactVisible(state.member(), merchantId) ? view : view.withoutProfile())
                .with(MemberCrm.tags(state.profileItem()), MemberCrm.externalIdOf(state.profileItem(), merchantId)));
    }

    /**
     * A blocked card answers 200 too: the checkout that scans an old card must learn that it is blocked and which
     * card replaced it (only the card's own program sees it, so the replacement is never another program's).
     */
    ApiResponse readCard(ApiRequest request) {
        return ApiResponse.json(200, CardView.of(cardInProgram(request)));
    }

    ApiResponse replaceCard(ApiRequest request) {
        ReplaceCardRequest body = request.rawBody().isBlank() ? new ReplaceCardRequest(null, null)
                : request.body(ReplaceCardRequest.class);
        String reason = java.util.Objects.requireNonNullElse(body.reason(), "lost");
        Caller caller = request.caller();
        return writer.execute(request, () -> {
            Card previous = activeCard(request);
            Instant now = clock.instant();
            String kind = body.cardKind() == null ? previous.kind() : requireCardKind(programs.find(previous.programId())
                    .orElseThrow(() -> new IllegalStateException("Card " + previous.cardNumber() + " names a missing program")),
                    body.cardKind());
            Card replacement = Card.issue(CardNumber.generate(), previous.memberId(), previous.programId(), kind, now);
            Card blocked = previous.blockedFor(replacement.cardNumber(), reason, now);
            List<DomainEvent> events = List.of(
                    event("CardReplaced", now, previous.programId(), Map.of(
                            "memberId", previous.memberId(), "merchantId", caller.merchantId(),
                            "cardNumber", replacement.cardNumber(), "previousCardNumber", previous.cardNumber(),
                            "reason", reason)),
                    event("CardIssued", now, previous.programId(), Map.of(
                            "memberId", previous.memberId(), "merchantId", caller.merchantId(),
                            "cardNumber", replacement.cardNumber(), "cardKind", kind, "reason", "replacement")));
            return new IdempotentWriter.Write(201,
                    new CardReplaced(replacement.cardNumber(), replacement.memberId(), "active", kind, now,
                            previous.cardNumber()),
                    List.of(members.blockCard(blocked),
                            members.issueCard(replacement),
                            members.switchCard(previous.memberId(), previous.cardNumber(), replacement.cardNumber(), kind)),
                    events);
        });
    }

    /** The uniqueness items enrolment claims: the phone and email in the program, the externalId at the merchant. */
    private List<MemberContacts.Claim> claimsOf(MemberProfile profile, Caller caller, String externalId) {
        List<MemberContacts.Claim> claims = new java.util.ArrayList<>();
        if (profile.phone() != null) {
            claims.add(contacts.contact(ContactHasher.Kind.PHONE, caller.programId(), profile.phone()));
        }
        if (profile.email() != null) {
            claims.add(contacts.contact(ContactHasher.Kind.EMAIL, caller.programId(), profile.email()));
        }
        if (externalId != null) {
            claims.add(contacts.externalId(caller.merchantId(), externalId));
        }
        return claims;
    }

    /**
     * 409 member-exists naming the member that holds one of {@code claims} (other than {@code self}). Every merchant
     * of the program may read the program's members (GET /v1/members/{id}), so the id tells it nothing it could not
     * look up; uniqueness is per program, so the member is always in the caller's program.
     */
    void refuseTakenClaims(List<MemberContacts.Claim> claims, String self) {
        for (MemberContacts.Claim claim : claims) {
            var owner = contacts.owner(claim).filter(id -> !id.equals(self));
            if (owner.isPresent()) {
                throw new ApiException(ProblemType.MEMBER_EXISTS, "A member with this " + claim.kind().field()
                        + " is already enrolled in the program", Map.of("memberId", owner.get(), "matchedOn", claim.kind().field()));
            }
        }
    }

    /** The card in the caller's program, active or blocked; a malformed number is a 400, a foreign one a 404. */
    private Card cardInProgram(ApiRequest request) {
        String number = request.pathParameter("cardNumber");
        if (!CardNumber.isValid(number)) {
            throw ApiException.validation("cardNumber must be 16 digits with a valid check digit");
        }
        // A merchant the partner agreement leaves out reads and replaces no card of the program (found by TenantSweepIT).
        Caller caller = request.caller();
        PartnerAccess.requireInAgreement(programs.find(caller.programId()).orElseThrow(() -> new IllegalStateException(
                "Authorized merchant's program is missing: " + caller.programId())), caller.merchantId());
        return members.findCard(number)
                .filter(c -> c.programId().equals(request.caller().programId()))
                .orElseThrow(() -> ApiException.notFound("Card " + number));
    }

    /** As {@link #cardInProgram}, refused when blocked: a blocked card is replaced no more. */
    private Card activeCard(ApiRequest request) {
        Card card = cardInProgram(request);
        if (!card.isActive()) {
            throw new ApiException(ProblemType.CARD_BLOCKED, "Card " + card.cardNumber() + " is blocked; use the member's current card");
        }
        return card;
    }

    /**
     * A card kind the program knows: "standard" or one its discount names in fixedBpByCardKind. A kind the program
     * does not price is refused (400) rather than silently given the standard percent.
     */
    private static String requireCardKind(Program program, String kind) {
        var kinds = program.rules().discount().fixedBpByCardKind().keySet();
        if (!CardKind.isWellFormed(kind) || !kind.equals(CardKind.STANDARD) && !kinds.contains(kind)) {
            throw ApiException.validation("cardKind must be " + CardKind.STANDARD
                    + (kinds.isEmpty() ? "" : " or one of " + new java.util.TreeSet<>(kinds))
                    + " (the kinds the program's discount.fixedBpByCardKind names)");
        }
        return kind;
    }

    private static MemberKind parseKind(String kind) {
        if (kind == null) {
            return MemberKind.CUSTOMER;
        }
        return switch (kind) {
            case "customer" -> MemberKind.CUSTOMER;
            case "staff" -> MemberKind.STAFF;
            default -> throw ApiException.validation("kind must be customer or staff");
        };
    }

    private static DomainEvent event(String type, Instant at, String programId, Map<String, Object> data) {
        return new DomainEvent(UUID.randomUUID().toString(), type, at, programId, data);
    }
}
