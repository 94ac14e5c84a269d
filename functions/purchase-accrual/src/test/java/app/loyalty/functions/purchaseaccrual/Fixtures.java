package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.CardNumber;
import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.member.MemberProfile;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Programs, members and cards written straight to the table (card-issuance owns the API for them), and readers. */
final class Fixtures {
    static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private final AppContext context;

    Fixtures(AppContext context) {
        this.context = context;
    }

    void program(String programId, String currency, ProgramRules rules) {
        Program program = new Program(programId, "Program " + programId, currency, rules, CREATED, CREATED, 0);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName()).create(program)).build());
    }

    /** A member with an active card; returns the card. */
    Card member(String memberId, String programId, MemberKind kind, String cardNumber) {
        MemberRepository members = new MemberRepository(context.dynamo(), context.tableName());
        Card card = Card.issue(new CardNumber(cardNumber == null ? CardNumber.generate().value() : cardNumber),
                memberId, programId, CREATED);
        Member member = new Member(memberId, programId, kind,
                new MemberProfile("Ada Lovelace", "+447700900123", "ada@example.com", null, Map.of()),
                Consents.NONE, Member.Status.ACTIVE, card.cardNumber(), CREATED, "mch_enrolling");
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                members.enrol(member), members.issueCard(card)).build());
        return card;
    }

    /** A member born on {@code birthDate} (null: not given); returns the card. */
    Card memberBorn(String memberId, String programId, MemberKind kind, java.time.LocalDate birthDate) {
        MemberRepository members = new MemberRepository(context.dynamo(), context.tableName());
        Card card = Card.issue(new CardNumber(CardNumber.generate().value()), memberId, programId, CREATED);
        Member member = new Member(memberId, programId, kind,
                new MemberProfile("Ada Lovelace", "+447700900123", "ada@example.com", birthDate, Map.of()),
                Consents.NONE, Member.Status.ACTIVE, card.cardNumber(), CREATED, "mch_enrolling");
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                members.enrol(member), members.issueCard(card)).build());
        return card;
    }

    /** An available lot of {@code points} for the member, as a purchase would give it (lot, entry, figures). */
    void grant(String memberId, String programId, String merchantId, long points) {
        Instant now = context.clock().instant();
        String entryId = app.loyalty.shared.domain.Ids.newId("ent");
        var change = app.loyalty.shared.domain.ledger.MemberLedger.empty(memberId, programId).accrue(
                new app.loyalty.shared.domain.ledger.EntryMeta(entryId, now,
                        app.loyalty.shared.domain.ledger.Actor.merchant(merchantId), "purchase"),
                new app.loyalty.shared.domain.ledger.Accrual(points, merchantId, "seed-" + entryId, now, null));
        var lot = change.changedLots().getFirst();
        var update = new app.loyalty.shared.store.UpdateExpression();
        app.loyalty.shared.store.MemberFigures.apply(update, profile(memberId),
                app.loyalty.shared.domain.ledger.PointsFigures.Change.added(lot, now), now);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().put(
                        software.amazon.awssdk.services.dynamodb.model.Put.builder().tableName(context.tableName())
                                .item(app.loyalty.shared.store.LotItems.toItem(lot)).build()).build(),
                app.loyalty.shared.store.LedgerEntryItems.append(context.tableName(), change.entry()),
                update.build(context.tableName(), MemberRepository.profileKey(memberId))).build());
    }

    /** A live hold of {@code points} for the order, as POST /v1/redemptions makes it; returns its redemptionId. */
    String hold(String memberId, String programId, String merchantId, String orderId, long points) {
        Instant now = context.clock().instant();
        var hold = new app.loyalty.shared.domain.redeem.Hold(app.loyalty.shared.domain.Ids.newId("rdm"), memberId,
                programId, merchantId, orderId, points, points, "EUR", app.loyalty.shared.domain.redeem.Hold.Status.HELD,
                now, now.plus(java.time.Duration.ofMinutes(15)));
        var update = new app.loyalty.shared.store.UpdateExpression();
        app.loyalty.shared.store.RedemptionStore.guardHolds(update, profile(memberId));
        app.loyalty.shared.store.RedemptionStore.reserve(update, profile(memberId), hold);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new app.loyalty.shared.store.RedemptionStore(context.dynamo(), context.tableName()).create(hold),
                update.build(context.tableName(), MemberRepository.profileKey(memberId))).build());
        return hold.redemptionId();
    }

    void promoCode(String programId, app.loyalty.shared.domain.discount.PromoCode code) {
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new app.loyalty.shared.store.PromoCodeRepository(context.dynamo(), context.tableName())
                        .create(programId, code, true, context.clock().instant())).build());
    }

    /** What POST /v1/discounts/quote answers for this order: the same shared call its handler makes. */
    app.loyalty.shared.domain.discount.Quote quote(String programId, String memberId, String merchantId, String orderId,
                                                   List<app.loyalty.shared.domain.earn.BasketLine> lines,
                                                   String promoCode, Long pointsToSpend) {
        return quote(programId, memberId, merchantId, orderId, lines, List.of(), promoCode, pointsToSpend);
    }

    app.loyalty.shared.domain.discount.Quote quote(String programId, String memberId, String merchantId, String orderId,
                                                   List<app.loyalty.shared.domain.earn.BasketLine> lines,
                                                   List<app.loyalty.shared.domain.earn.Adjustment> adjustments,
                                                   String promoCode, Long pointsToSpend) {
        Program program = new ProgramRepository(context.dynamo(), context.tableName()).find(programId).orElseThrow();
        return new app.loyalty.shared.store.CheckoutReader(context.dynamo(), context.tableName()).quoteFor(program,
                memberId, merchantId, orderId, lines, adjustments, promoCode, pointsToSpend, context.clock().instant())
                .orElseThrow();
    }

    void blockCard(Card card) {
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new MemberRepository(context.dynamo(), context.tableName())
                        .blockCard(card.blockedFor(CardNumber.generate().value(), "lost", CREATED))).build());
    }

    List<Map<String, AttributeValue>> all() {
        return context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items();
    }

    List<Map<String, AttributeValue>> withSortKeyPrefix(String prefix) {
        return all().stream().filter(i -> Attr.string(i, TableSchema.SK).startsWith(prefix)).toList();
    }

    /** The member partition's items whose sort key starts with {@code prefix} (LOT#, ENTRY#, PROFILE). */
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

    List<DomainEvent> outboxEvents() {
        return withSortKeyPrefix("IDEMPOTENCY").stream()
                .filter(i -> i.containsKey(TableSchema.OUTBOX))
                .flatMap(i -> i.get(TableSchema.OUTBOX).l().stream())
                .map(v -> Outbox.decode(v.s()))
                .toList();
    }
}
