package app.loyalty.functions.bonusexpiry;

import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.LotExpiry;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.InactivityIndex;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramCache;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.RedemptionStore;
import app.loyalty.shared.store.CardLevels;
import app.loyalty.shared.store.LevelFallIndex;
import app.loyalty.shared.store.MemberStats;
import app.loyalty.shared.domain.discount.card.DiscountCard;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.store.UpdateExpression;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One run of the bonus-expiry job (hourly, so each program's local midnight is soon followed by one: expiry instants
 * are midnights of the program's rules.timeZone, indexed on the UTC day they fall on), at the clock's instant
 * {@code now}:
 * <ol>
 *   <li>finds the members with work through the sharded date indexes only (never by reading members): lots whose
 *       {@code expiresAt <= now} in GSI2 {@code EXPIRES#<day>#<shard>}, lots pending when written whose
 *       {@code availableAt <= now} in GSI1 {@code ACTIVATES#<day>#<shard>}, for the days since the last run that
 *       completed (its PROGRESS item), at most {@value #LOOKBACK_DAYS} days back (so a run missed during an outage
 *       is caught up), and today;</li>
 *   <li>settles each such member in one TransactWriteItems from a consistent read of their open lots: every due lot
 *       written off (EXPIRE entry, lot moved to the HIST# range, profile figures, PointsExpired) and every due
 *       pending lot activated (ACTIVATE entry, lot taken out of the activation index, PointsActivated). Each lot
 *       write is guarded by the remaining points read (or the index entry still being there), so a lot a return
 *       or a hold touched meanwhile makes the transaction fail and the member is read and settled again: the lot
 *       is counted once, with what it then holds;</li>
 *   <li>discount levels: members whose level check day has come in GSI3 {@code LEVEL#<day>#<shard>} (LevelFallIndex,
 *       set by purchases and returns) are re-evaluated (a lapsed level falls: TierChanged), warned once per fall day
 *       {@code discount.levelNoticeDays} before it (DiscountLevelFalling) and re-indexed; lapsed holds of the members
 *       the job settles are closed in the same transaction (HoldReleased);</li>
 *   <li>reminds: lots expiring within the next {@value ProgramRules.Expiry#MAX_NOTICE_DAYS} days, for members whose
 *       program's notice period has begun, get one PointsExpiringSoon per member and expiry instant, written with a
 *       conditional REMINDER# marker so a later run does not repeat it.</li>
 * </ol>
 * Idempotent: what a run settles leaves both indexes in the same transaction, so a second run finds nothing (and a
 * stale index read finds lots whose guards fail or that are no longer due). A run stopped midway (crash, timeout)
 * has committed whole members only; the next run carries on with the rest.
 */
public final class ExpiryJob {
    public static final String JOB_NAME = "bonus-expiry";
    /** Days before today whose index partitions each run reads again: a run missed this many days is caught up. */
    static final int LOOKBACK_DAYS = 7;
    /** Items per index Query page: members are settled page by page, so memory stays bounded. */
    static final int PAGE_SIZE = 100;
    /** Lots one member's transaction takes (3 items each at most, well under the 100-item limit); more: next round. */
    static final int MAX_LOTS_PER_TRANSACTION = 25;
    /** Settling one member is re-read and retried this often when a concurrent write wins a race. */
    static final int MAX_ATTEMPTS = 8;
    static final String REMINDER_PREFIX = "REMINDER#";
    /** Outbox records of the job's events that have no ledger entry (see eventsItem). */
    static final String JOB_EVENTS_PREFIX = "JOBEVENTS#";
    /** The job's progress item: the last day a run completed, so the next run need not re-read the days before. */
    static final Map<String, AttributeValue> PROGRESS_KEY = Attr.key("JOB#" + JOB_NAME, "PROGRESS");
    static final String LAST_COMPLETE_DAY = "lastCompleteDay";
    /** Reminder markers outlive their expiry date by this much (then DynamoDB's TTL deletes them). */
    static final Duration REMINDER_RETENTION = Duration.ofDays(30);
    static final Actor ACTOR = Actor.system(JOB_NAME);
    static final String ACTIVATION_REASON = "activation";
    static final String INACTIVITY_REASON = "inactivity";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final MemberRepository members;
    private final ProgramCache programs;
    private final RedemptionStore redemptions;
    /** Lapsed holds closed by this job instance's transactions (added to the summary at the end of a run). */
    private int holdsClosed;

    public ExpiryJob(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.members = new MemberRepository(dynamo, table);
        this.programs = new ProgramCache(new ProgramRepository(dynamo, table), clock);
        this.redemptions = new RedemptionStore(dynamo, table);
    }

    /** What one run did. {@code complete} is false when it stopped for lack of time; the next run continues. */
    public record Summary(String runAt, int membersSettled, int lotsExpired, long pointsExpired, int lotsActivated,
                          int remindersSent, int levelsChecked, int levelsFallen, int levelWarningsSent,
                          int holdsClosed, boolean complete) {
    }

    private static final class Tally {
        int members;
        int lotsExpired;
        long pointsExpired;
        int lotsActivated;
        int reminders;
        int levelsChecked;
        int levelsFallen;
        int levelWarnings;
        int holdsClosed;
    }

    /** Runs until done or until {@code timeLeft} says stop (checked between members). */
    public Summary run(BooleanSupplier timeLeft) {
        return run(timeLeft, true);
    }

    /** {@code recordProgress} false: a run that leaves no trace when it finds nothing (SnapStart priming). */
    public Summary run(BooleanSupplier timeLeft, boolean recordProgress) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Tally tally = new Tally();
        Set<String> settled = new HashSet<>();
        boolean complete = true;
        LocalDate from = firstDayToRead(today);
        outer:
        for (LocalDate day = from; !day.isAfter(today); day = day.plusDays(1)) {
            for (int shard = 0; shard < LotItems.EXPIRY_SHARDS; shard++) {
                for (IndexPartition partition : List.of(
                        new IndexPartition(TableSchema.GSI2, TableSchema.GSI2_PK, LotItems.expiryPartition(day, shard), "expiresAt"),
                        new IndexPartition(TableSchema.GSI1, TableSchema.GSI1_PK, LotItems.activationPartition(day, shard), "availableAt"))) {
                    if (!settlePartition(partition, now, settled, tally, timeLeft)) {
                        complete = false;
                        break outer;
                    }
                }
            }
        }
        if (complete) {
            complete = settleInactive(from, now, today, tally, timeLeft);
        }
        if (complete) {
            complete = settleLevels(from, now, today, tally, timeLeft);
        }
        if (complete) {
            complete = remind(now, today, tally, timeLeft);
        }
        tally.holdsClosed += holdsClosed;
        holdsClosed = 0;
        if (complete && recordProgress) {
            recordCompleted(today);
        }
        return new Summary(now.toString(), tally.members, tally.lotsExpired, tally.pointsExpired, tally.lotsActivated,
                tally.reminders, tally.levelsChecked, tally.levelsFallen, tally.levelWarnings, tally.holdsClosed, complete);
    }

    /**
     * The first day whose partitions this run reads: the day of the last run that completed (the days before it are
     * done: everything due in them was settled), at most {@value #LOOKBACK_DAYS} days back, and today at least (a later
     * run on the same day reads today again, for what became due since).
     */
    private LocalDate firstDayToRead(LocalDate today) {
        LocalDate earliest = today.minusDays(LOOKBACK_DAYS);
        Map<String, AttributeValue> progress = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(PROGRESS_KEY).consistentRead(true).build()).item();
        if (progress == null || !progress.containsKey(LAST_COMPLETE_DAY)) {
            return earliest;
        }
        // The last complete day is read again: what became due on it after that run's instant is still to do.
        LocalDate lastComplete = LocalDate.parse(Attr.string(progress, LAST_COMPLETE_DAY));
        LocalDate from = lastComplete.isBefore(earliest) ? earliest : lastComplete;
        return from.isAfter(today) ? today : from;
    }

    /** Remembers the last day a run completed, never moving it back (a run for an earlier clock does not). */
    private void recordCompleted(LocalDate today) {
        Map<String, AttributeValue> item = new HashMap<>(PROGRESS_KEY);
        item.put(LAST_COMPLETE_DAY, Attr.s(today.toString()));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#day) OR #day <= :today")
                    .expressionAttributeNames(Map.of("#day", LAST_COMPLETE_DAY))
                    .expressionAttributeValues(Map.of(":today", Attr.s(today.toString()))).build());
        } catch (ConditionalCheckFailedException later) {
            // a run for a later day completed already: its mark stands
        }
    }

    private record IndexPartition(String index, String keyName, String key, String dueAttribute) {
    }

    /** Settles the members with a due lot in one index partition, page by page; false when out of time. */
    private boolean settlePartition(IndexPartition partition, Instant now, Set<String> settled, Tally tally,
                                    BooleanSupplier timeLeft) {
        Map<String, AttributeValue> startKey = null;
        do {
            QueryResponse page = queryIndex(partition.index(), partition.keyName(), partition.key(), startKey);
            for (Map<String, AttributeValue> item : page.items()) {
                String memberId = Attr.string(item, "memberId");
                Instant due = Instant.parse(Attr.string(item, partition.dueAttribute()));
                if (due.isAfter(now) || settled.contains(memberId)) {
                    continue;
                }
                if (!timeLeft.getAsBoolean()) {
                    return false;
                }
                settle(memberId, now, tally);
                settled.add(memberId);
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return true;
    }

    private QueryResponse queryIndex(String index, String keyName, String key, Map<String, AttributeValue> startKey) {
        return dynamo.query(QueryRequest.builder().tableName(table).indexName(index)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", keyName))
                .expressionAttributeValues(Map.of(":pk", Attr.s(key)))
                .limit(PAGE_SIZE)
                .exclusiveStartKey(startKey)
                .build());
    }

    /** Expires and activates everything due of one member, in rounds of at most {@link #MAX_LOTS_PER_TRANSACTION}. */
    void settle(String memberId, Instant now, Tally tally) {
        boolean touched = false;
        while (true) {
            Optional<Round> round = settleRound(memberId, now);
            if (round.isEmpty()) {
                break;
            }
            touched = true;
            tally.lotsExpired += round.get().lotsExpired();
            tally.pointsExpired += round.get().pointsExpired();
            tally.lotsActivated += round.get().lotsActivated();
            if (!round.get().more()) {
                break;
            }
        }
        if (touched) {
            tally.members++;
        }
    }

    private record Round(int lotsExpired, long pointsExpired, int lotsActivated, boolean more) {
    }

    /** One transaction's worth for a member, retried from a fresh read when a guard fails; empty when nothing is due. */
    private Optional<Round> settleRound(String memberId, Instant now) {
        for (int attempt = 1; ; attempt++) {
            Optional<MemberRepository.MemberState> state = members.loadWithOpenLots(memberId);
            if (state.isEmpty()) {
                return Optional.empty();
            }
            String programId = state.get().member().programId();
            List<PointsLot> dueToExpire = new ArrayList<>();
            List<PointsLot> dueToActivate = new ArrayList<>();
            int due = 0;
            for (Map<String, AttributeValue> item : state.get().lotItems()) {
                PointsLot lot = LotItems.fromItem(item);
                boolean expires = lot.remaining() > 0 && lot.isExpiredAt(now);
                boolean activates = !expires && lot.remaining() > 0 && item.containsKey(TableSchema.GSI1_PK)
                        && !lot.availableAt().isAfter(now);
                if (!expires && !activates) {
                    continue;
                }
                if (++due > MAX_LOTS_PER_TRANSACTION) {
                    continue;
                }
                (expires ? dueToExpire : dueToActivate).add(lot);
            }
            if (dueToExpire.isEmpty() && dueToActivate.isEmpty()) {
                return Optional.empty();
            }
            List<TransactWriteItem> items = new ArrayList<>();
            PointsFigures.Change change = PointsFigures.Change.none(now);
            long pointsExpired = 0;
            for (PointsLot lot : dueToExpire) {
                PointsLot written = lot.withRemaining(0);
                LedgerEntry entry = LotExpiry.entryFor(lot, programId, now, ACTOR);
                items.addAll(LotItems.change(table, lot, written));
                items.add(appendWithEvent(entry, lot, expiredEvent(entry, lot, lot.expiresAt(), LotExpiry.REASON, now)));
                change = change.plus(PointsFigures.Change.changed(lot, written, now));
                pointsExpired += lot.remaining();
            }
            MemberLedger ledger = new MemberLedger(memberId, programId, dueToActivate);
            for (PointsLot lot : dueToActivate) {
                LedgerEntry entry = ledger.activate(new EntryMeta(activationEntryId(lot), now, ACTOR, ACTIVATION_REASON),
                        lot.lotId()).entry();
                items.add(leaveActivationIndex(lot));
                items.add(appendWithEvent(entry, lot, activatedEvent(entry, lot, now)));
            }
            List<DomainEvent> holdEvents = new ArrayList<>();
            UpdateExpression profile = new UpdateExpression();
            closeLapsedHolds(profile, state.get().profileItem(), programId, now, items, holdEvents);
            if (change.total() != 0) {
                MemberFigures.apply(profile, state.get().profileItem(), change, now);
            }
            if (change.total() != 0 || !holdEvents.isEmpty()) {
                profile.condition("attribute_exists(PK)");
                items.add(profile.build(table, MemberRepository.profileKey(memberId)));
            }
            if (!holdEvents.isEmpty()) {
                items.add(eventsItem(memberId, programId, now, holdEvents));
            }
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
                holdsClosed += holdEvents.size();
                return Optional.of(new Round(dueToExpire.size(), pointsExpired, dueToActivate.size(),
                        due > MAX_LOTS_PER_TRANSACTION));
            } catch (TransactionCanceledException raced) {
                // A return, a hold or a purchase changed this member since the read (a guard failed or the items
                // were in another transaction): read again and settle what is there now. Nothing was written.
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("member " + memberId + " kept changing while the expiry job ran; "
                            + "the next run settles it", raced);
                }
            }
        }
    }

    /** The ACTIVATE entry's id: from the lot alone, as a lot activates once. */
    static String activationEntryId(PointsLot lot) {
        return "activation-" + lot.lotId();
    }

    /** Takes the lot out of the activation index, only if it is still there: a second activation fails instead. */
    private TransactWriteItem leaveActivationIndex(PointsLot lot) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(LotItems.key(lot))
                .updateExpression("REMOVE #gsi1pk, #gsi1sk")
                .conditionExpression("attribute_exists(#gsi1pk) AND remaining = :read")
                .expressionAttributeNames(Map.of("#gsi1pk", TableSchema.GSI1_PK, "#gsi1sk", TableSchema.GSI1_SK))
                .expressionAttributeValues(Map.of(":read", Attr.n(lot.remaining())))
                .build()).build();
    }

    /** The append-only entry carrying its event in the outbox: the entry is the outbox record (DESIGN section 5). */
    private TransactWriteItem appendWithEvent(LedgerEntry entry, PointsLot lot, DomainEvent event) {
        // With the lot's issuer, so an expiry is breakage of that merchant's points in the settlement index.
        Map<String, AttributeValue> item = new HashMap<>(LedgerEntryItems.toItem(entry, List.of(lot)));
        item.put(TableSchema.OUTBOX, Attr.strings(Outbox.encode(List.of(event))));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    private static DomainEvent expiredEvent(LedgerEntry entry, PointsLot lot, Instant expiresAt, String reason, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", lot.memberId());
        data.put("merchantId", lot.issuingMerchantId());
        data.put("entryId", entry.entryId());
        data.put("lotId", lot.lotId());
        data.put("points", lot.remaining());
        data.put("expiresAt", expiresAt.toString());
        data.put("reason", reason);
        return new DomainEvent(UUID.randomUUID().toString(), "PointsExpired", now, entry.programId(), data);
    }

    private static DomainEvent activatedEvent(LedgerEntry entry, PointsLot lot, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", lot.memberId());
        data.put("merchantId", lot.issuingMerchantId());
        data.put("entryId", entry.entryId());
        data.put("lotId", lot.lotId());
        data.put("points", lot.remaining());
        if (lot.sourceOrderId() != null) {
            data.put("orderId", lot.sourceOrderId());
        }
        data.put("availableAt", lot.availableAt().toString());
        if (lot.expiresAt() != null) {
            data.put("expiresAt", lot.expiresAt().toString());
        }
        return new DomainEvent(UUID.randomUUID().toString(), "PointsActivated", now, entry.programId(), data);
    }

    // ---------------------------------------------------------------------------------------------------------
    // INACTIVITY policy
    // ---------------------------------------------------------------------------------------------------------

    /** Members whose inactivity date (InactivityIndex) is due: all their points are written off. False when out of time. */
    private boolean settleInactive(LocalDate from, Instant now, LocalDate today, Tally tally, BooleanSupplier timeLeft) {
        return walkMemberIndex(from, today, TableSchema.GSI2, TableSchema.GSI2_PK, InactivityIndex::partition,
                item -> !Instant.parse(Attr.string(item, InactivityIndex.INACTIVE_AT)).isAfter(now),
                memberId -> settleInactiveMember(memberId, now, tally), timeLeft);
    }

    /**
     * Walks a sharded date index of member profiles (GSI2 INACTIVE#, GSI3 LEVEL#) for the days {@code from} to
     * {@code today}, shard by shard and page by page, settling each member whose item is due. False when the run is
     * out of time (the next run carries on: settled members have left the index or moved to a later day).
     */
    private boolean walkMemberIndex(LocalDate from, LocalDate today, String index, String partitionKey,
                                    java.util.function.BiFunction<LocalDate, Integer, String> partition,
                                    java.util.function.Predicate<Map<String, AttributeValue>> due,
                                    java.util.function.Consumer<String> settle, BooleanSupplier timeLeft) {
        for (LocalDate day = from; !day.isAfter(today); day = day.plusDays(1)) {
            for (int shard = 0; shard < LotItems.EXPIRY_SHARDS; shard++) {
                Map<String, AttributeValue> startKey = null;
                do {
                    QueryResponse page = queryIndex(index, partitionKey, partition.apply(day, shard), startKey);
                    for (Map<String, AttributeValue> item : page.items()) {
                        if (!due.test(item)) {
                            continue;
                        }
                        if (!timeLeft.getAsBoolean()) {
                            return false;
                        }
                        settle.accept(Attr.string(item, "memberId"));
                    }
                    startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
                } while (startKey != null);
            }
        }
        return true;
    }

    /**
     * Writes off every open lot of a member whose inactivity date has passed (EXPIRE entries, reason "inactivity"), in
     * rounds of at most {@link #MAX_LOTS_PER_TRANSACTION}; the last round takes the profile out of the index. Every
     * round is guarded by the inactivity date read, so a purchase committing meanwhile (which moves it) stops it.
     */
    private void settleInactiveMember(String memberId, Instant now, Tally tally) {
        boolean touched = false;
        boolean more = true;
        for (int attempt = 1; more; attempt++) {
            Optional<MemberRepository.MemberState> state = members.loadWithOpenLots(memberId);
            if (state.isEmpty()) {
                return;
            }
            Map<String, AttributeValue> profileItem = state.get().profileItem();
            Optional<String> inactiveRead = Attr.optionalString(profileItem, InactivityIndex.INACTIVE_AT);
            if (inactiveRead.isEmpty() || Instant.parse(inactiveRead.get()).isAfter(now)) {
                break; // a purchase moved the date, or an earlier run finished this member
            }
            Instant inactiveAt = Instant.parse(inactiveRead.get());
            String programId = state.get().member().programId();
            List<PointsLot> open = LotItems.fromItems(state.get().lotItems()).stream()
                    .filter(lot -> lot.remaining() > 0).toList();
            List<PointsLot> round = open.subList(0, Math.min(open.size(), MAX_LOTS_PER_TRANSACTION));
            more = open.size() > round.size();
            List<TransactWriteItem> items = new ArrayList<>();
            PointsFigures.Change change = PointsFigures.Change.none(now);
            long points = 0;
            for (PointsLot lot : round) {
                PointsLot written = lot.withRemaining(0);
                LedgerEntry entry = new LedgerEntry(LotExpiry.entryIdFor(lot), memberId, programId,
                        app.loyalty.shared.domain.ledger.EntryType.EXPIRE, -lot.remaining(), now, ACTOR, INACTIVITY_REASON,
                        null, List.of(new app.loyalty.shared.domain.ledger.LotAllocation(lot.lotId(), lot.remaining())));
                items.addAll(LotItems.change(table, lot, written));
                items.add(appendWithEvent(entry, lot, expiredEvent(entry, lot, inactiveAt, INACTIVITY_REASON, now)));
                change = change.plus(PointsFigures.Change.changed(lot, written, now));
                points += lot.remaining();
            }
            UpdateExpression profile = new UpdateExpression();
            if (change.total() != 0) {
                MemberFigures.apply(profile, profileItem, change, now);
            }
            String inactive = profile.name(InactivityIndex.INACTIVE_AT);
            profile.condition(inactive + " = " + profile.value(Attr.s(inactiveRead.get())));
            if (!more) {
                profile.remove(inactive).remove(profile.name(TableSchema.GSI2_PK)).remove(profile.name(TableSchema.GSI2_SK));
            } else {
                profile.set(inactive + " = " + profile.value(Attr.s(inactiveRead.get())));
            }
            items.add(profile.build(table, MemberRepository.profileKey(memberId)));
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
                touched |= !round.isEmpty();
                tally.lotsExpired += round.size();
                tally.pointsExpired += points;
                attempt = 0;
            } catch (TransactionCanceledException raced) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("member " + memberId + " kept changing while the expiry job ran; "
                            + "the next run settles it", raced);
                }
                more = true;
            }
        }
        if (touched) {
            tally.members++;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Discount levels: falls (TierChanged) and warnings (DiscountLevelFalling)
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Members whose level check day (LevelFallIndex, GSI3 {@code LEVEL#<day>#<shard>}) has come, for the days this
     * run reads: each is re-evaluated and warned. False when out of time.
     */
    private boolean settleLevels(LocalDate from, Instant now, LocalDate today, Tally tally, BooleanSupplier timeLeft) {
        LocalDate levelToday = DiscountCard.dayOf(now);
        return walkMemberIndex(from, today, TableSchema.GSI3, TableSchema.GSI3_PK, LevelFallIndex::partition,
                item -> !LocalDate.parse(Attr.string(item, LevelFallIndex.LEVEL_CHECK_ON)).isAfter(levelToday),
                memberId -> settleLevel(memberId, now, tally), timeLeft);
    }

    /**
     * One member whose check day has come, in one transaction from one consistent read: the level brought up to now
     * (a lapsed grace falls: TierChanged, reason lapse, as a purchase would report it), a DiscountLevelFalling
     * warning when the next fall is within the program's levelNoticeDays and was not warned of, lapsed holds closed,
     * and the next check day indexed. Guarded by the check day and the total spend read, so a purchase or return
     * committing meanwhile (which re-indexes the member) makes it read again.
     */
    private void settleLevel(String memberId, Instant now, Tally tally) {
        LocalDate today = DiscountCard.dayOf(now);
        for (int attempt = 1; ; attempt++) {
            Optional<MemberRepository.MemberState> state = members.load(memberId);
            if (state.isEmpty()) {
                return;
            }
            Map<String, AttributeValue> profile = state.get().profileItem();
            Optional<String> checkRead = Attr.optionalString(profile, LevelFallIndex.LEVEL_CHECK_ON);
            if (checkRead.isEmpty() || LocalDate.parse(checkRead.get()).isAfter(today)) {
                return; // a purchase moved it, or an earlier run did this member
            }
            String programId = state.get().member().programId();
            Optional<Program> program = programs.find(programId);
            if (program.isEmpty()) {
                throw new IllegalStateException("member " + memberId + " names a missing program " + programId);
            }
            ProgramRules rules = program.get().rules();
            UpdateExpression update = new UpdateExpression();
            List<DomainEvent> events = new ArrayList<>();
            List<TransactWriteItem> items = new ArrayList<>();
            Optional<DomainEvent> fell = CardLevels.reevaluate(update, profile, rules, MemberStats.spendByDay(profile, now),
                    now, DiscountCard.Reason.LAPSE, memberId, programId);
            fell.ifPresent(events::add);
            DiscountCard.Evaluation evaluation = CardLevels.evaluate(profile, rules, now);
            DiscountCard.Keep keep = evaluation.keep();
            LocalDate warnedFor = LevelFallIndex.warnedFor(profile).orElse(null);
            boolean warn = LevelFallIndex.warningDue(keep, rules.discount().levelNoticeDays(), warnedFor, today);
            if (warn) {
                events.add(levelFallingEvent(memberId, programId, program.get().currency(), evaluation, now));
                update.set(update.name(LevelFallIndex.LEVEL_WARNED_FOR) + " = " + update.value(Attr.s(keep.fallsOn().toString())));
                warnedFor = keep.fallsOn();
            }
            LevelFallIndex.index(update, profile, memberId, rules, keep, warnedFor, now);
            List<DomainEvent> holdEvents = new ArrayList<>();
            closeLapsedHolds(update, profile, programId, now, items, holdEvents);
            events.addAll(holdEvents);
            String check = update.name(LevelFallIndex.LEVEL_CHECK_ON);
            update.condition(check + " = " + update.value(Attr.s(checkRead.get())));
            Optional<Long> spendRead = Attr.optionalNumber(profile, MemberStats.TOTAL_SPEND);
            String spend = update.name(MemberStats.TOTAL_SPEND);
            update.condition(spendRead.isPresent() ? spend + " = " + update.value(spendRead.get())
                    : "attribute_not_exists(" + spend + ")");
            items.add(update.build(table, MemberRepository.profileKey(memberId)));
            if (!events.isEmpty()) {
                items.add(eventsItem(memberId, programId, now, events));
            }
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
                tally.levelsChecked++;
                tally.levelsFallen += fell.isPresent() ? 1 : 0;
                tally.levelWarnings += warn ? 1 : 0;
                tally.holdsClosed += holdEvents.size();
                return;
            } catch (TransactionCanceledException raced) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("member " + memberId + " kept changing while the expiry job ran; "
                            + "the next run settles it", raced);
                }
            }
        }
    }

    /**
     * DiscountLevelFalling: spend {@code spendNeeded} minor units by the end of {@code keepBy} to keep the discount
     * and tier held now; without it they fall on {@code fallsOn}. Ids and amounts only.
     */
    private static DomainEvent levelFallingEvent(String memberId, String programId, String currency,
                                                 DiscountCard.Evaluation evaluation, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", memberId);
        data.put("discountBp", evaluation.discountBp());
        data.put("levelBp", evaluation.state().levelBp());
        data.put("tier", evaluation.state().tier());
        data.put("spendNeeded", evaluation.keep().spend());
        data.put("currency", currency);
        data.put("keepBy", evaluation.keep().by().toString());
        data.put("fallsOn", evaluation.keep().fallsOn().toString());
        data.put("windowSpend", evaluation.windowSpend());
        return new DomainEvent(UUID.randomUUID().toString(), "DiscountLevelFalling", now, programId, data);
    }

    /** Closes the lapsed holds the profile still lists (RedemptionStore.closeLapsed), guarding the holds version. */
    private void closeLapsedHolds(UpdateExpression update, Map<String, AttributeValue> profile, String programId,
                                  Instant now, List<TransactWriteItem> items, List<DomainEvent> events) {
        int before = events.size();
        redemptions.closeLapsed(update, profile, programId, now, null, items, events);
        if (events.size() > before) {
            RedemptionStore.guardHolds(update, profile);
        }
    }

    /**
     * An outbox record for events that have no ledger entry to ride on (TierChanged, DiscountLevelFalling,
     * HoldReleased): one item in the member partition, written once, deleted by TTL after the relay has read it.
     */
    private TransactWriteItem eventsItem(String memberId, String programId, Instant now, List<DomainEvent> events) {
        Map<String, AttributeValue> item = new HashMap<>(Attr.key(MemberRepository.memberPk(memberId),
                JOB_EVENTS_PREFIX + now + "#" + events.getFirst().eventId()));
        item.put("memberId", Attr.s(memberId));
        item.put("programId", Attr.s(programId));
        item.put(TableSchema.TTL, Attr.n(now.plus(REMINDER_RETENTION).getEpochSecond()));
        item.put(TableSchema.OUTBOX, Attr.strings(Outbox.encode(events)));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reminders
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Reads the expiry index for today and the days after it up to the longest notice period, and reminds each member once
     * per expiry instant whose program's notice period has begun. False when out of time.
     */
    private boolean remind(Instant now, LocalDate today, Tally tally, BooleanSupplier timeLeft) {
        Set<String> seen = new HashSet<>();
        // From today: in a time zone east of UTC an expiry instant can fall later on the same UTC day as the run.
        for (int ahead = 0; ahead <= ProgramRules.Expiry.MAX_NOTICE_DAYS; ahead++) {
            LocalDate day = today.plusDays(ahead);
            for (int shard = 0; shard < LotItems.EXPIRY_SHARDS; shard++) {
                Map<String, AttributeValue> startKey = null;
                do {
                    QueryResponse page = queryIndex(TableSchema.GSI2, TableSchema.GSI2_PK,
                            LotItems.expiryPartition(day, shard), startKey);
                    for (Map<String, AttributeValue> item : page.items()) {
                        String memberId = Attr.string(item, "memberId");
                        Instant expiresAt = Instant.parse(Attr.string(item, "expiresAt"));
                        if (!expiresAt.isAfter(now) || !seen.add(memberId + "#" + expiresAt)) {
                            continue;
                        }
                        if (!timeLeft.getAsBoolean()) {
                            return false;
                        }
                        if (remindOnce(memberId, expiresAt, now)) {
                            tally.reminders++;
                        }
                    }
                    startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
                } while (startKey != null);
            }
        }
        return true;
    }

    /**
     * One PointsExpiringSoon for the member's points burning at {@code expiresAt}, if the program's notice period has
     * begun: the points are the profile's figure for that instant (every lot burning then, exact). The marker's
     * condition makes it once per member and instant, whichever run gets there first.
     */
    private boolean remindOnce(String memberId, Instant expiresAt, Instant now) {
        Optional<MemberRepository.MemberState> state = members.load(memberId);
        if (state.isEmpty()) {
            return false;
        }
        String programId = state.get().member().programId();
        int noticeDays = programs.find(programId).map(Program::rules).map(ProgramRules::expiry)
                .orElse(ProgramRules.Expiry.DEFAULT).noticeDaysOrDefault();
        if (now.plus(Duration.ofDays(noticeDays)).isBefore(expiresAt)) {
            return false;
        }
        long points = Optional.ofNullable(MemberFigures.read(state.get().profileItem()).expiringAt().get(expiresAt)).orElse(0L);
        if (points <= 0) {
            return false;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", memberId);
        data.put("points", points);
        data.put("expiresAt", expiresAt.toString());
        data.put("noticeDays", noticeDays);
        DomainEvent event = new DomainEvent(UUID.randomUUID().toString(), "PointsExpiringSoon", now, programId, data);
        Map<String, AttributeValue> marker = new HashMap<>(Attr.key(MemberRepository.memberPk(memberId),
                REMINDER_PREFIX + expiresAt));
        marker.put("memberId", Attr.s(memberId));
        marker.put("programId", Attr.s(programId));
        marker.put("expiresAt", Attr.s(expiresAt.toString()));
        marker.put("points", Attr.n(points));
        marker.put("remindedAt", Attr.s(now.toString()));
        marker.put(TableSchema.TTL, Attr.n(expiresAt.plus(REMINDER_RETENTION).getEpochSecond()));
        marker.put(TableSchema.OUTBOX, Attr.strings(Outbox.encode(List.of(event))));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(marker)
                    .conditionExpression("attribute_not_exists(PK)").build());
            return true;
        } catch (ConditionalCheckFailedException alreadyReminded) {
            return false; // an earlier run (or a concurrent one) reminded this member of this date: once is enough
        }
    }
}
