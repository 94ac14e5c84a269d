package app.loyalty.functions.cardissuance;

import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.discount.card.DiscountCard;
import app.loyalty.shared.domain.ledger.Accrual;
import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.EntryType;
import app.loyalty.shared.domain.ledger.InsufficientPointsException;
import app.loyalty.shared.domain.ledger.LedgerChange;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.ContactHasher;
import app.loyalty.shared.domain.member.Member;
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
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.CardLevels;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberContacts;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.OrderRepository;
import app.loyalty.shared.store.ProgramCache;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.store.UpdateExpression;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The member as a CRM record (docs/members.md): lookup by contact or the merchant's customer id, the program's member
 * list, the statement, an order with its returns, profile and consent updates, tags and preferences (merchant
 * routes), and the operator's erasure and manual adjustments.
 */
final class MemberCrm {
    static final int MAX_PAGE = 100;
    static final int DEFAULT_PAGE = 25;
    /**
     * A member list with filters reads at most this many index items per request: a filter that matches few members
     * answers a short (even empty) page with a cursor instead of reading the whole index in one request.
     */
    static final int MAX_ITEMS_READ_PER_LIST = 500;
    static final int MAX_TAGS = 20;
    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[A-Za-z0-9._:@/+-]{1,64}");
    /** Reasons an operator may give an adjustment: codes, never free text (an entry is copied to events). */
    static final List<String> ADJUSTMENT_REASONS = List.of("goodwill", "correction", "compensation", "migration");
    static final long MAX_ADJUSTMENT = 100_000_000L;
    /** The ledger's types as the statement names them. */
    private static final Map<EntryType, String> KINDS = Map.of(EntryType.ACCRUE, "earn", EntryType.REVERSE, "return",
            EntryType.REDEEM, "redeem", EntryType.EXPIRE, "expire", EntryType.ADJUST, "adjust",
            EntryType.ACTIVATE, "activate", EntryType.TRANSFER, "transfer");
    /** The profile's personal attributes: what erasure removes (with the index keys that list the member). */
    static final List<String> PERSONAL_ATTRIBUTES = List.of("name", "phone", "email", "birthDate", "preferences",
            MemberRepository.EXTERNAL_IDS, "tags");

    private final DynamoDbClient dynamo;
    private final String table;
    private final MemberRepository members;
    private final MemberContacts contacts;
    private final ProgramCache programs;
    private final IdempotentWriter writer;
    private final MemberViews views;
    private final Membership membership;
    private final Clock clock;

    MemberCrm(AppContext context, ContactHasher hasher, Membership membership) {
        this.dynamo = context.dynamo();
        this.table = context.tableName();
        this.clock = context.clock();
        this.members = new MemberRepository(dynamo, table);
        this.contacts = new MemberContacts(dynamo, table, hasher);
        this.programs = new ProgramCache(new ProgramRepository(dynamo, table), clock);
        this.writer = new IdempotentWriter(dynamo, table, clock);
        this.views = new MemberViews(clock);
        this.membership = membership;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Lookup and list: GET /v1/members
    // ------------------------------------------------------------------------------------------------------------

    record MemberSummary(String memberId, String status, String kind, String name, String phone, String email,
                         String externalId, String cardNumber, String tier, List<String> tags, long pointsAvailable,
                         Instant enrolledAt) {
    }

    record MemberPage(List<MemberSummary> members, String nextCursor) {
    }

    /**
     * With {@code email}, {@code phone} or {@code externalId} (exactly one): the member holding it, found through its
     * uniqueness item (the value goes through the same keyed hash), as a page of zero or one. Without: the program's
     * members from the member index, shard by shard (docs/members.md), filtered by tier, tag and enrolment instant.
     */
    ApiResponse listOrLookUp(ApiRequest request) {
        Caller caller = request.caller();
        PartnerAccess.requireInAgreement(programOf(caller), caller.merchantId());
        Map<ContactHasher.Kind, String> keys = new LinkedHashMap<>();
        request.query("email").ifPresent(v -> keys.put(ContactHasher.Kind.EMAIL, v));
        request.query("phone").ifPresent(v -> keys.put(ContactHasher.Kind.PHONE, v));
        request.query("externalId").ifPresent(v -> keys.put(ContactHasher.Kind.EXTERNAL_ID, v));
        if (keys.size() > 1) {
            throw ApiException.validation("Look a member up by one of email, phone or externalId, not several");
        }
        if (keys.size() == 1) {
            if (request.query("cursor").isPresent() || request.query("tier").isPresent() || request.query("tag").isPresent()
                    || request.query("enrolledFrom").isPresent() || request.query("enrolledTo").isPresent()) {
                throw ApiException.validation("A lookup by email, phone or externalId takes no list filters or cursor");
            }
            var entry = keys.entrySet().iterator().next();
            MemberContacts.Claim claim = entry.getKey() == ContactHasher.Kind.EXTERNAL_ID
                    ? contacts.externalId(caller.merchantId(), entry.getValue())
                    : contacts.contact(entry.getKey(), caller.programId(), entry.getValue());
            List<MemberSummary> found = contacts.owner(claim)
                    .flatMap(members::load)
                    .filter(state -> state.member().programId().equals(caller.programId()))
                    .map(state -> summary(state.profileItem(), caller, programOf(caller)))
                    .stream().toList();
            return ApiResponse.json(200, new MemberPage(found, null));
        }
        return ApiResponse.json(200, list(request, caller));
    }

    private MemberPage list(ApiRequest request, Caller caller) {
        int limit = limit(request);
        Optional<String> tier = request.query("tier");
        Optional<String> tag = request.query("tag");
        Instant from = request.query("enrolledFrom").map(v -> instant("enrolledFrom", v)).orElse(null);
        Instant to = request.query("enrolledTo").map(v -> instant("enrolledTo", v)).orElse(null);
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.validation("enrolledFrom must be before enrolledTo");
        }
        ListCursor cursor = request.query("cursor").map(ListCursor::decode).orElse(new ListCursor(0, null));
        Program program = programOf(caller);
        List<MemberSummary> page = new ArrayList<>();
        int read = 0;
        int shard = cursor.shard();
        String after = cursor.lastSortKey();
        while (shard < MemberRepository.PROGRAM_MEMBER_SHARDS) {
            Map<String, String> names = Map.of("#pk", TableSchema.GSI1_PK, "#sk", TableSchema.GSI1_SK);
            Map<String, AttributeValue> values = new LinkedHashMap<>();
            values.put(":pk", Attr.s(MemberRepository.programMembersPartition(caller.programId(), shard)));
            // Sort keys are <enrolledAt>#<memberId>: "#" sorts before every digit, "~" after, so the bounds are exact.
            values.put(":from", Attr.s(from == null ? "0" : from.toString()));
            values.put(":to", Attr.s(to == null ? "~" : to.toString()));
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(TableSchema.GSI1)
                    .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .limit(Math.min(MAX_PAGE, MAX_ITEMS_READ_PER_LIST - read));
            if (after != null) {
                query.exclusiveStartKey(MemberRepository.programMembersIndexKey(caller.programId(), shard, after));
            }
            QueryResponse response = dynamo.query(query.build());
            read += response.count();
            for (Map<String, AttributeValue> item : response.items()) {
                after = Attr.string(item, TableSchema.GSI1_SK);
                MemberSummary summary = summary(item, caller, program);
                if (tier.map(t -> t.equals(summary.tier())).orElse(true)
                        && tag.map(t -> summary.tags() != null && summary.tags().contains(t)).orElse(true)) {
                    page.add(summary);
                    if (page.size() == limit) {
                        return new MemberPage(page, new ListCursor(shard, after).encode());
                    }
                }
            }
            if (response.lastEvaluatedKey() == null || response.lastEvaluatedKey().isEmpty()) {
                shard++;
                after = null;
            }
            if (read >= MAX_ITEMS_READ_PER_LIST && shard < MemberRepository.PROGRAM_MEMBER_SHARDS) {
                return new MemberPage(page, new ListCursor(shard, after).encode());
            }
        }
        return new MemberPage(page, null);
    }

    /** Where the list goes on: the shard and the last index sort key returned in it. */
    record ListCursor(int shard, String lastSortKey) {
        String encode() {
            return base64(shard + "|" + (lastSortKey == null ? "" : lastSortKey));
        }

        static ListCursor decode(String cursor) {
            String text = unbase64(cursor);
            int bar = text.indexOf('|');
            try {
                int shard = Integer.parseInt(text.substring(0, Math.max(bar, 0)));
                String last = text.substring(bar + 1);
                if (shard < 0 || shard >= MemberRepository.PROGRAM_MEMBER_SHARDS
                        || !last.isEmpty() && !last.matches("[0-9TZ:.\\-]+#mbr_[0-9a-z]+")) {
                    throw new NumberFormatException();
                }
                return new ListCursor(shard, last.isEmpty() ? null : last);
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw ApiException.validation("cursor is not one this list returned");
            }
        }
    }

    private MemberSummary summary(Map<String, AttributeValue> profile, Caller caller, Program program) {
        Member member = MemberRepository.memberFromItem(profile);
        Instant now = clock.instant();
        DiscountCard.Evaluation card = CardLevels.evaluate(profile, program.rules(), now);
        Balance balance = MemberFigures.read(profile).balanceAt(now, MemberViews.EXPIRING_SOON);
        // A partner that neither enrolled the member nor was allowed by the member's consent sees no personal data.
        MemberProfile p = Membership.contactVisible(member, caller.merchantId()) ? member.profile() : null;
        return new MemberSummary(member.memberId(), member.status().name().toLowerCase(Locale.ROOT),
                member.kind().name().toLowerCase(Locale.ROOT), p == null ? null : p.name(), p == null ? null : p.phone(),
                p == null ? null : p.email(), externalIdOf(profile, caller.merchantId()), member.cardNumber(),
                card.state().tier(), tags(profile), balance.available(), member.enrolledAt());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Statement: GET /v1/members/{memberId}/statement (pattern 9)
    // ------------------------------------------------------------------------------------------------------------

    record StatementLine(String entryId, String kind, String reason, long points, Instant at, String orderId,
                         String actor, String actorId, List<Allocation> lots) {
    }

    record Allocation(String lotId, long points) {
    }

    record Statement(String memberId, List<StatementLine> entries, String nextCursor) {
    }

    /**
     * The member's ledger entries, newest first, {@code from} (inclusive) to {@code to} (exclusive), paged by an opaque
     * cursor (the last entry's sort key). One Query of the member's partition's ENTRY# range: the cost is the page,
     * whatever the history.
     */
    ApiResponse statement(ApiRequest request) {
        PartnerAccess.requireInAgreement(programOf(request.caller()), request.caller().merchantId());
        Map<String, AttributeValue> profile = memberInProgram(request, request.caller().programId());
        String memberId = Attr.string(profile, "memberId");
        int limit = limit(request);
        Instant from = request.query("from").map(v -> instant("from", v)).orElse(null);
        Instant to = request.query("to").map(v -> instant("to", v)).orElse(null);
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.validation("from must be before to");
        }
        String lower = LedgerEntryItems.ENTRY_PREFIX + (from == null ? "" : from.toString());
        String upper = LedgerEntryItems.ENTRY_PREFIX + (to == null ? "~" : to.toString());
        QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                .keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", Attr.s(MemberRepository.memberPk(memberId)),
                        ":from", Attr.s(lower), ":to", Attr.s(upper)))
                .scanIndexForward(false)
                .limit(limit);
        Optional<String> cursor = request.query("cursor");
        if (cursor.isPresent()) {
            String sortKey = unbase64(cursor.get());
            if (!sortKey.startsWith(LedgerEntryItems.ENTRY_PREFIX) || sortKey.compareTo(lower) < 0
                    || sortKey.compareTo(upper) > 0) {
                throw ApiException.validation("cursor is not one this statement returned");
            }
            query.exclusiveStartKey(Attr.key(MemberRepository.memberPk(memberId), sortKey));
        }
        QueryResponse response = dynamo.query(query.build());
        List<StatementLine> lines = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            LedgerEntry entry = LedgerEntryItems.fromItem(item);
            // The sort key compares instants as text; the entry's own instant decides the edges exactly.
            if (from != null && entry.at().isBefore(from) || to != null && !entry.at().isBefore(to)) {
                continue;
            }
            lines.add(new StatementLine(entry.entryId(), KINDS.get(entry.type()), entry.reason(), entry.points(),
                    entry.at(), entry.orderId(), entry.actor().kind().name().toLowerCase(Locale.ROOT), entry.actor().id(),
                    entry.allocations().stream().map(a -> new Allocation(a.lotId(), a.points())).toList()));
        }
        String next = response.lastEvaluatedKey() == null || response.lastEvaluatedKey().isEmpty() ? null
                : base64(Attr.string(response.lastEvaluatedKey(), TableSchema.SK));
        return ApiResponse.json(200, new Statement(memberId, lines, next));
    }

    // ------------------------------------------------------------------------------------------------------------
    // An order with its returns: GET /v1/purchases/{orderId}
    // ------------------------------------------------------------------------------------------------------------

    record ReturnView(String returnId, long amount, long points, Instant recordedAt) {
    }

    record OrderView(String orderId, String memberId, long amount, String currency, long paidWithPoints, long discount,
                     long points, String lotId, long returnedAmount, long reversedPoints, long unrecoveredPoints,
                     String promoCode, Instant purchasedAt, Instant recordedAt, List<ReturnView> returns) {
    }

    /** One Query of the order's partition (the marker, its returns and its points-payment link): the caller's orders only. */
    ApiResponse readOrder(ApiRequest request) {
        String orderId = request.pathParameter("orderId");
        Caller caller = request.caller();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("PK = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(OrderRepository.orderPk(caller.merchantId(), orderId))))
                    .exclusiveStartKey(start).build());
            items.addAll(page.items());
            start = page.lastEvaluatedKey() == null || page.lastEvaluatedKey().isEmpty() ? null : page.lastEvaluatedKey();
        } while (start != null);
        Map<String, AttributeValue> order = items.stream()
                .filter(i -> OrderRepository.ORDER.equals(Attr.string(i, TableSchema.SK))).findFirst()
                .filter(i -> Attr.string(i, "programId").equals(caller.programId()))
                .orElseThrow(() -> ApiException.notFound("Order " + orderId));
        List<ReturnView> returns = items.stream()
                .filter(i -> Attr.string(i, TableSchema.SK).startsWith(OrderRepository.RETURN_PREFIX))
                .map(i -> new ReturnView(Attr.string(i, "returnId"), Attr.number(i, "amount"), Attr.number(i, "points"),
                        Instant.parse(Attr.string(i, "recordedAt"))))
                .sorted(java.util.Comparator.comparing(ReturnView::recordedAt).thenComparing(ReturnView::returnId))
                .toList();
        return ApiResponse.json(200, new OrderView(orderId, Attr.string(order, "memberId"), Attr.number(order, "amount"),
                Attr.string(order, "currency"), number(order, "paidWithPoints"), number(order, "discount"),
                number(order, "points"), Attr.optionalString(order, "lotId").orElse(null), number(order, "returnedAmount"),
                number(order, "reversedPoints"), number(order, "unrecoveredPoints"),
                Attr.optionalString(order, "promoCode").orElse(null), Instant.parse(Attr.string(order, "purchasedAt")),
                Instant.parse(Attr.string(order, "recordedAt")), returns));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Profile, consents, preferences, tags, externalId: PATCH /v1/members/{memberId}
    // ------------------------------------------------------------------------------------------------------------

    /** A field left out (or null) keeps its value; preferences and tags are replaced whole when sent. */
    record ProfilePatch(String name, String phone, String email, LocalDate birthDate, Map<String, String> preferences) {
    }

    record UpdateRequest(ProfilePatch profile, Membership.ConsentsBody consents, List<String> tags, String externalId) {
        UpdateRequest {
            externalId = requireExternalId(externalId);
            if (tags != null) {
                if (tags.size() > MAX_TAGS) {
                    throw new IllegalArgumentException("tags holds at most " + MAX_TAGS + " entries");
                }
                for (String tag : tags) {
                    if (tag == null || !TAG.matcher(tag).matches()) {
                        throw new IllegalArgumentException("tags are 1-32 characters of a-z, 0-9, _ and -, starting with a letter or digit");
                    }
                }
                tags = List.copyOf(new TreeSet<>(tags));
            }
            if (profile == null && consents == null && tags == null && externalId == null) {
                throw new IllegalArgumentException("send at least one of profile, consents, tags, externalId");
            }
        }
    }

    /**
     * Changes the profile in one transaction guarded by the profile's version: a changed phone or email releases the
     * old uniqueness item and claims the new one in the same transaction, so a contact is never held by two members
     * nor lost in between. Consents are read by the notifications function from the profile at each message, so a
     * change applies to the next message. The answer shows the member; its stored copy (for replays) leaves the
     * profile out, as enrolment's does.
     */
    ApiResponse update(ApiRequest request) {
        Caller caller = request.caller();
        // Before the body and the idempotency record: a merchant the agreement leaves out changes no member.
        PartnerAccess.requireInAgreement(programOf(caller), caller.merchantId());
        UpdateRequest body = request.body(UpdateRequest.class);
        int[] attempts = {0};
        return writer.execute(request, () -> {
            Map<String, AttributeValue> profileItem = memberInProgram(request, caller.programId());
            Member member = MemberRepository.memberFromItem(profileItem);
            requireNotErased(member);
            Instant now = clock.instant();
            MemberProfile before = member.profile();
            MemberProfile after;
            try {
                ProfilePatch patch = body.profile() == null ? new ProfilePatch(null, null, null, null, null) : body.profile();
                after = new MemberProfile(
                        patch.name() != null ? patch.name() : before.name(),
                        patch.phone() != null ? patch.phone() : before.phone(),
                        patch.email() != null ? patch.email() : before.email(),
                        patch.birthDate() != null ? patch.birthDate() : before.birthDate(),
                        patch.preferences() != null ? patch.preferences() : before.preferences());
                after.requirePlausibleBirthDate(LocalDate.ofInstant(now, ZoneOffset.UTC));
            } catch (IllegalArgumentException e) {
                throw ApiException.validation(e.getMessage());
            }
            List<MemberContacts.Claim> claimed = new ArrayList<>();
            List<MemberContacts.Claim> released = new ArrayList<>();
            changeOf(ContactHasher.Kind.PHONE, caller.programId(), before.phone(), after.phone(), claimed, released);
            changeOf(ContactHasher.Kind.EMAIL, caller.programId(), before.email(), after.email(), claimed, released);
            String previousExternalId = externalIdOf(profileItem, caller.merchantId());
            if (body.externalId() != null && !body.externalId().equals(previousExternalId)) {
                claimed.add(contacts.externalId(caller.merchantId(), body.externalId()));
                if (previousExternalId != null) {
                    released.add(contacts.externalId(caller.merchantId(), previousExternalId));
                }
            }
            if (attempts[0]++ > 0) {
                // Only after a failed transaction: is a new contact someone else's? An old one held by another member
                // (enrolled before contacts were unique) is not this member's to release.
                membership.refuseTakenClaims(claimed, member.memberId());
                released.removeIf(claim -> contacts.owner(claim).filter(owner -> !owner.equals(member.memberId())).isPresent());
            }
            UpdateExpression update = new UpdateExpression();
            setOrRemove(update, "name", after.name());
            setOrRemove(update, "phone", after.phone());
            setOrRemove(update, "email", after.email());
            setOrRemove(update, "birthDate", after.birthDate() == null ? null : after.birthDate().toString());
            update.set(update.name("preferences") + " = " + update.value(AttributeValue.fromM(after.preferences().entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> Attr.s(e.getValue()))))));
            if (body.consents() != null) {
                var c = body.consents().toConsents();
                update.set(update.name("consents") + " = " + update.value(AttributeValue.fromM(Map.of("sms", Attr.bool(c.sms()),
                        "email", Attr.bool(c.email()), "push", Attr.bool(c.push())))));
            }
            if (body.tags() != null) {
                if (body.tags().isEmpty()) {
                    update.remove(update.name("tags"));
                } else {
                    update.set(update.name("tags") + " = " + update.value(AttributeValue.fromSs(body.tags())));
                }
            }
            if (body.externalId() != null) {
                if (profileItem.containsKey(MemberRepository.EXTERNAL_IDS)) {
                    update.set(MemberRepository.EXTERNAL_IDS + "." + update.name(caller.merchantId()) + " = "
                            + update.value(Attr.s(body.externalId())));
                } else {
                    update.set(MemberRepository.EXTERNAL_IDS + " = " + update.value(AttributeValue.fromM(
                            Map.of(caller.merchantId(), Attr.s(body.externalId())))));
                }
            }
            update.set(update.name("updatedAt") + " = " + update.value(Attr.s(now.toString())));
            update.add(update.name("version") + " " + update.value(1));
            update.condition(update.name("version") + " = " + update.value(Attr.number(profileItem, "version")));
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(update.build(table, MemberRepository.profileKey(member.memberId())));
            released.forEach(claim -> items.addAll(contacts.release(claim, member.memberId())));
            claimed.forEach(claim -> items.addAll(contacts.claim(claim, member.memberId(), caller.programId(), now)));

            Member changed = new Member(member.memberId(), member.programId(), member.kind(), after,
                    body.consents() == null ? member.consents() : body.consents().toConsents(), member.status(),
                    member.cardNumber(), member.enrolledAt(), member.enrolledByMerchantId());
            Program program = programOf(caller);
            List<String> tags = body.tags() != null ? body.tags() : tags(profileItem);
            String externalId = body.externalId() != null ? body.externalId() : previousExternalId;
            MemberViews.MemberView view = views.view(changed, program, MemberFigures.read(profileItem),
                    app.loyalty.shared.store.RedemptionStore.reservations(profileItem), CardLevels.cardKind(profileItem),
                    CardLevels.evaluate(profileItem, program.rules(), now))
                    .with(tags, externalId);
            // The stored replay leaves out the personal data (profile, the merchant's customer id, tags stay); the
            // answer shows it only to a merchant allowed to see it, as GET member does.
            return new IdempotentWriter.Write(200, Membership.contactVisible(changed, caller.merchantId()) ? view
                    : view.withoutProfile(), view.withoutProfile(), items, List.of());
        });
    }

    private void changeOf(ContactHasher.Kind kind, String programId, String before, String after,
                          List<MemberContacts.Claim> claimed, List<MemberContacts.Claim> released) {
        boolean same = before != null && after != null
                && ContactHasher.normalise(kind, before).equals(ContactHasher.normalise(kind, after));
        if (same || before == null && after == null) {
            return;
        }
        if (after != null) {
            claimed.add(contacts.contact(kind, programId, after));
        }
        if (before != null) {
            released.add(contacts.contact(kind, programId, before));
        }
    }

    /** Attribute names go through placeholders: name, status and others are DynamoDB reserved words. */
    private static void setOrRemove(UpdateExpression update, String attribute, String value) {
        if (value == null) {
            update.remove(update.name(attribute));
        } else {
            update.set(update.name(attribute) + " = " + update.value(Attr.s(value)));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Erasure: POST /v1/programs/{programId}/members/{memberId}/erasure (operator)
    // ------------------------------------------------------------------------------------------------------------

    record Erasure(String memberId, String programId, String status, Instant erasedAt, List<String> blockedCards) {
    }

    /**
     * Removes the member's personal data everywhere it is stored (docs/members.md, "Erasure"), in one transaction:
     * the profile's personal attributes and its member-index keys, the uniqueness items of its phone, email and
     * customer ids, and the current card blocked (reason {@code erased}); the ledger, lots and figures stay under the
     * pseudonymous member id, so program totals do not move. Idempotency records, events, ledger entries and the
     * notifications log never held personal data. An erased member answers the same again (nothing written).
     */
    ApiResponse erase(ApiRequest request) {
        String programId = request.pathParameter("programId");
        if (!request.rawBody().isBlank()) {
            throw ApiException.validation("An erasure takes no body: the path names the member");
        }
        int[] attempts = {0};
        return writer.execute(request, () -> {
            Map<String, AttributeValue> profileItem = memberInProgram(request, programId);
            Member member = MemberRepository.memberFromItem(profileItem);
            if (member.status() == Member.Status.ERASED) {
                Instant erasedAt = Instant.parse(Attr.string(profileItem, "erasedAt"));
                return new IdempotentWriter.Write(200, new Erasure(member.memberId(), programId, "erased", erasedAt,
                        List.of()), List.of(), List.of());
            }
            Instant now = clock.instant();
            List<MemberContacts.Claim> releases = claimsOf(contacts, profileItem);
            if (attempts[0]++ > 0) {
                // A member enrolled before contacts were unique may share a contact with one enrolled since, who then
                // holds its item: that item is not this member's to delete.
                releases.removeIf(claim -> contacts.owner(claim).filter(owner -> !owner.equals(member.memberId())).isPresent());
            }
            UpdateExpression update = new UpdateExpression();
            // Attribute names through placeholders: name, status and others are DynamoDB reserved words.
            PERSONAL_ATTRIBUTES.forEach(attribute -> update.remove(update.name(attribute)));
            update.remove(update.name(TableSchema.GSI1_PK));
            update.remove(update.name(TableSchema.GSI1_SK));
            update.set(update.name("status") + " = " + update.value(Attr.s(Member.Status.ERASED.name())));
            update.set(update.name("erasedAt") + " = " + update.value(Attr.s(now.toString())));
            update.set(update.name("consents") + " = " + update.value(AttributeValue.fromM(Map.of("sms", Attr.bool(false),
                    "email", Attr.bool(false), "push", Attr.bool(false)))));
            update.add(update.name("version") + " " + update.value(1));
            update.condition(update.name("version") + " = " + update.value(Attr.number(profileItem, "version")));
            TransactWriteItem profileUpdate = update.build(table, MemberRepository.profileKey(member.memberId()));
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(profileUpdate);
            items.add(blockForErasure(member.cardNumber(), now));
            releases.forEach(claim -> items.addAll(contacts.release(claim, member.memberId())));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("memberId", member.memberId());
            data.put("erasedAt", now.toString());
            data.put("blockedCards", List.of(member.cardNumber()));
            DomainEvent erased = new DomainEvent(UUID.randomUUID().toString(), "MemberErased", now, programId, data);
            return new IdempotentWriter.Write(200, new Erasure(member.memberId(), programId, "erased", now,
                    List.of(member.cardNumber())), items, List.of(erased));
        });
    }

    /** The member's current card, blocked: a checkout that scans it learns it is blocked, with reason "erased". */
    private TransactWriteItem blockForErasure(String cardNumber, Instant now) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(MemberRepository.cardKey(cardNumber))
                .updateExpression("SET #status = :blocked, blockedAt = :now, blockReason = :reason")
                .conditionExpression("attribute_exists(PK)")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":blocked", Attr.s(Card.Status.BLOCKED.name()),
                        ":now", Attr.s(now.toString()), ":reason", Attr.s("erased")))
                .build()).build();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Manual adjustments: POST /v1/programs/{programId}/members/{memberId}/adjustments (operator)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * {@code points}: positive gives points (a new lot issued by the member's enrolling merchant, available now,
     * burning at {@code expiresAt} or never); negative takes available points from the lots in spending order, as a
     * redemption does, never below zero.
     */
    record AdjustmentRequest(Long points, String reason, Instant expiresAt) {
        AdjustmentRequest {
            if (points == null || points == 0 || Math.abs(points) > MAX_ADJUSTMENT) {
                throw new IllegalArgumentException("points must be non-zero and at most " + MAX_ADJUSTMENT + " either way");
            }
            if (reason == null || !ADJUSTMENT_REASONS.contains(reason)) {
                throw new IllegalArgumentException("reason must be one of " + ADJUSTMENT_REASONS);
            }
            if (expiresAt != null && points < 0) {
                throw new IllegalArgumentException("expiresAt applies only to points given (positive points)");
            }
        }
    }

    record Adjustment(String entryId, String memberId, String programId, long points, String reason, Instant at,
                      Instant expiresAt, MemberViews.BalanceView balance) {
    }

    ApiResponse adjust(ApiRequest request) {
        String programId = request.pathParameter("programId");
        AdjustmentRequest body = request.body(AdjustmentRequest.class);
        return writer.execute(request, () -> {
            Instant now = clock.instant();
            if (body.expiresAt() != null && !body.expiresAt().isAfter(now)) {
                throw ApiException.validation("expiresAt must be in the future");
            }
            String memberId = request.pathParameter("memberId");
            MemberRepository.MemberState state = members.loadWithOpenLots(memberId)
                    .filter(s -> s.member().programId().equals(programId))
                    .orElseThrow(() -> ApiException.notFound("Member " + memberId));
            requireNotErased(state.member());
            MemberLedger ledger = new MemberLedger(memberId, programId, LotItems.fromItems(state.lotItems()));
            EntryMeta meta = new EntryMeta(Ids.newId("ent"), now, Actor.operator("operator"), body.reason());
            LedgerChange change;
            try {
                change = body.points() > 0
                        ? ledger.adjustUp(meta, new Accrual(body.points(), state.member().enrolledByMerchantId(), null, now,
                        body.expiresAt()))
                        : ledger.adjustDown(meta, -body.points());
            } catch (InsufficientPointsException e) {
                throw new ApiException(ProblemType.INSUFFICIENT_POINTS, "The member has " + e.available()
                        + " points available; an adjustment never takes a balance below zero",
                        Map.of("pointsAvailable", e.available()));
            }
            List<TransactWriteItem> items = new ArrayList<>();
            PointsFigures.Change figures = PointsFigures.Change.none(now);
            for (PointsLot changed : change.changedLots()) {
                Optional<PointsLot> read = ledger.lot(changed.lotId());
                if (read.isPresent()) {
                    items.addAll(LotItems.change(table, read.get(), changed));
                    figures = figures.plus(PointsFigures.Change.changed(read.get(), changed, now));
                } else {
                    items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(LotItems.toItem(changed))
                            .conditionExpression("attribute_not_exists(PK)").build()).build());
                    figures = figures.plus(PointsFigures.Change.added(changed, now));
                }
            }
            LedgerEntry entry = change.entry();
            items.add(LedgerEntryItems.append(table, entry));
            UpdateExpression update = new UpdateExpression();
            PointsFigures after = MemberFigures.apply(update, state.profileItem(), figures, now);
            update.add("version " + update.value(1));
            items.add(update.build(table, MemberRepository.profileKey(memberId)));
            Balance balance = after.balanceAt(now, MemberViews.EXPIRING_SOON);
            // As GET member shows it: what live holds reserve is not available (docs/ledger.md, "Holds").
            long held = app.loyalty.shared.domain.redeem.Spendable.heldAt(
                    app.loyalty.shared.store.RedemptionStore.reservations(state.profileItem()), now);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("memberId", memberId);
            data.put("entryId", entry.entryId());
            data.put("points", entry.points());
            data.put("reason", entry.reason());
            data.put("issuingMerchantId", body.points() > 0 ? state.member().enrolledByMerchantId() : null);
            data.values().removeIf(java.util.Objects::isNull);
            data.put("allocations", entry.allocations().stream()
                    .map(a -> Map.of("lotId", a.lotId(), "points", a.points())).toList());
            DomainEvent adjusted = new DomainEvent(UUID.randomUUID().toString(), "PointsAdjusted", now, programId, data);
            return new IdempotentWriter.Write(201, new Adjustment(entry.entryId(), memberId, programId, entry.points(),
                    entry.reason(), now, body.expiresAt(), new MemberViews.BalanceView(Math.max(0, balance.available() - held),
                    held, balance.pending(), balance.expiringSoon(), now.plus(MemberViews.EXPIRING_SOON))),
                    items, List.of(adjusted));
        });
    }

    // ------------------------------------------------------------------------------------------------------------

    /** The profile item of the path's member in {@code programId}; another program's member is a 404. */
    private Map<String, AttributeValue> memberInProgram(ApiRequest request, String programId) {
        String memberId = request.pathParameter("memberId");
        return members.load(memberId).filter(s -> s.member().programId().equals(programId))
                .map(MemberRepository.MemberState::profileItem)
                .orElseThrow(() -> ApiException.notFound("Member " + memberId));
    }

    private static void requireNotErased(Member member) {
        if (member.status() == Member.Status.ERASED) {
            throw new ApiException(ProblemType.MEMBER_ERASED, "Member " + member.memberId()
                    + " was erased on request; its personal data is gone and it takes no changes");
        }
    }

    private Program programOf(Caller caller) {
        return programs.find(caller.programId()).orElseThrow(
                () -> new IllegalStateException("Authorized merchant's program is missing: " + caller.programId()));
    }

    static List<String> tags(Map<String, AttributeValue> profile) {
        AttributeValue tags = profile.get("tags");
        return tags == null || !tags.hasSs() || tags.ss().isEmpty() ? null : List.copyOf(new TreeSet<>(tags.ss()));
    }

    /**
     * The member's values that have uniqueness items: phone and email in the program, each merchant's customer id
     * (released by erasure, re-keyed by a key rotation).
     */
    static List<MemberContacts.Claim> claimsOf(MemberContacts contacts, Map<String, AttributeValue> profile) {
        Member member = MemberRepository.memberFromItem(profile);
        List<MemberContacts.Claim> claims = new ArrayList<>();
        MemberProfile details = member.profile();
        if (details != null && details.phone() != null) {
            claims.add(contacts.contact(ContactHasher.Kind.PHONE, member.programId(), details.phone()));
        }
        if (details != null && details.email() != null) {
            claims.add(contacts.contact(ContactHasher.Kind.EMAIL, member.programId(), details.email()));
        }
        externalIds(profile).forEach((merchantId, id) -> claims.add(contacts.externalId(merchantId, id)));
        return claims;
    }

    static Map<String, String> externalIds(Map<String, AttributeValue> profile) {
        AttributeValue ids = profile.get(MemberRepository.EXTERNAL_IDS);
        if (ids == null || !ids.hasM()) {
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        ids.m().forEach((merchant, id) -> result.put(merchant, id.s()));
        return result;
    }

    static String externalIdOf(Map<String, AttributeValue> profile, String merchantId) {
        return merchantId == null ? null : externalIds(profile).get(merchantId);
    }

    /** A merchant's customer id: 1-64 characters of letters, digits and . _ : @ / + - (an id, not free text). */
    static String requireExternalId(String externalId) {
        if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
            throw new IllegalArgumentException("externalId must be 1-64 characters of letters, digits and . _ : @ / + -");
        }
        return externalId;
    }

    private static int limit(ApiRequest request) {
        return request.query("limit").map(v -> {
            try {
                int n = Integer.parseInt(v);
                if (n < 1 || n > MAX_PAGE) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw ApiException.validation("limit must be an integer 1.." + MAX_PAGE);
            }
        }).orElse(DEFAULT_PAGE);
    }

    /** An RFC 3339 instant, or a date meaning its UTC midnight. */
    private static Instant instant(String name, String value) {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.validation(name + " must be a date (YYYY-MM-DD) or an RFC 3339 time with an offset");
        }
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        return Attr.optionalNumber(item, name).orElse(0L);
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String unbase64(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("cursor is not one this list returned");
        }
    }
}
