package app.loyalty.shared.store;

import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.LedgerChange;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.redeem.Hold;
import app.loyalty.shared.domain.redeem.Spendable;
import app.loyalty.shared.events.DomainEvent;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Holds (redemptions) in the table, and the writes that reserve, spend and release points.
 *
 * <ul>
 *   <li>The hold item: PK REDEMPTION#&lt;redemptionId&gt;, SK REDEMPTION; its status changes only under the condition
 *       that it is still HELD (and, to capture or cancel, not lapsed: {@code expiresAtMs > now}), so a capture and a
 *       cancel racing cannot both win.</li>
 *   <li>The member's live reservations on the PROFILE item: map {@code holds.<redemptionId>} = {p: points,
 *       e: expiresAt, o: orderId, m: merchantId}, and {@code holdsVersion}, a counter every write that reserves,
 *       spends or releases points bumps under the condition that it still has the value read. The member's
 *       spendable points are worked out from the figures and this map ({@link Spendable}); the version makes two
 *       holds (or a hold and a spend) racing on one member serialize, so holds never exceed what is there.</li>
 * </ul>
 * A lapsed reservation counts for nothing from its expiresAt on; the next write through here on the member removes it
 * from the map, marks its hold EXPIRED and emits HoldReleased ({@link #closeLapsed}).
 */
public final class RedemptionStore {
    public static final String HOLDS = "holds";
    public static final String HOLDS_VERSION = "holdsVersion";
    public static final String ITEM_SK = "REDEMPTION";
    /** Lapsed holds closed per write; the rest go with the next writes (they already count for nothing). */
    static final int MAX_CLOSED_PER_WRITE = 4;
    /** Live holds a member may have at once: keeps the profile item small. */
    public static final int MAX_LIVE_HOLDS = 20;

    private final DynamoDbClient dynamo;
    private final String table;

    public RedemptionStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public static Map<String, AttributeValue> key(String redemptionId) {
        return Attr.key("REDEMPTION#" + redemptionId, ITEM_SK);
    }

    /** A hold with what happened to it afterwards, as stored. */
    public record StoredHold(Hold hold, Instant closedAt, String entryId, String capturedOrderId, long capturedPoints,
                             List<PointsPayments.SpentLot> spentLots) {
    }

    public Optional<StoredHold> find(String redemptionId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(key(redemptionId)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    public static StoredHold fromItem(Map<String, AttributeValue> item) {
        Hold hold = new Hold(Attr.string(item, "redemptionId"), Attr.string(item, "memberId"),
                Attr.string(item, "programId"), Attr.string(item, "merchantId"), Attr.string(item, "orderId"),
                Attr.number(item, "points"), Attr.number(item, "value"), Attr.string(item, "currency"),
                Hold.Status.valueOf(Attr.string(item, "status")), Instant.parse(Attr.string(item, "createdAt")),
                Instant.parse(Attr.string(item, "expiresAt")));
        List<PointsPayments.SpentLot> allocations = item.containsKey("allocations")
                ? PointsPayments.spentLots(item.get("allocations")) : List.of();
        return new StoredHold(hold, Attr.optionalString(item, "closedAt").map(Instant::parse).orElse(null),
                Attr.optionalString(item, "entryId").orElse(null),
                Attr.optionalString(item, "capturedOrderId").orElse(null),
                Attr.optionalNumber(item, "capturedPoints").orElse(0L), allocations);
    }

    /** The new hold's item; its id is new, so the put's condition only guards against a clash. */
    public TransactWriteItem create(Hold hold) {
        Map<String, AttributeValue> item = new HashMap<>(key(hold.redemptionId()));
        item.put("redemptionId", Attr.s(hold.redemptionId()));
        item.put("memberId", Attr.s(hold.memberId()));
        item.put("programId", Attr.s(hold.programId()));
        item.put("merchantId", Attr.s(hold.merchantId()));
        item.put("orderId", Attr.s(hold.orderId()));
        item.put("points", Attr.n(hold.points()));
        item.put("value", Attr.n(hold.value()));
        item.put("currency", Attr.s(hold.currency()));
        item.put("status", Attr.s(hold.status().name()));
        item.put("createdAt", Attr.s(hold.createdAt().toString()));
        item.put("expiresAt", Attr.s(hold.expiresAt().toString()));
        item.put("expiresAtMs", Attr.n(hold.expiresAt().toEpochMilli()));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    /**
     * The hold item moving from a live HELD to {@code status} at {@code now}. The condition re-checks, at commit,
     * what the read saw: still HELD, and (unless it is being closed as lapsed) not lapsed.
     */
    public TransactWriteItem close(Hold hold, Hold.Status status, Instant now, Spend spend, String capturedOrderId) {
        UpdateExpression update = new UpdateExpression();
        update.set(update.name("status") + " = " + update.value(Attr.s(status.name())));
        update.set("closedAt = " + update.value(Attr.s(now.toString())));
        update.condition(update.name("status") + " = " + update.value(Attr.s(Hold.Status.HELD.name())));
        if (status != Hold.Status.EXPIRED) {
            update.condition("expiresAtMs > " + update.value(now.toEpochMilli()));
        }
        if (spend != null) {
            update.set("entryId = " + update.value(Attr.s(spend.entry().entryId())));
            update.set("capturedOrderId = " + update.value(Attr.s(capturedOrderId)));
            update.set("capturedPoints = " + update.value(-spend.entry().points()));
            update.set("allocations = " + update.value(PointsPayments.toAttribute(spend.spentLots())));
        }
        return update.build(table, key(hold.redemptionId()));
    }

    /** The member's reservations as their profile lists them, lapsed ones included. */
    public static List<Spendable.Reservation> reservations(Map<String, AttributeValue> profile) {
        AttributeValue holds = profile.get(HOLDS);
        if (holds == null || !holds.hasM()) {
            return List.of();
        }
        List<Spendable.Reservation> reservations = new ArrayList<>();
        holds.m().forEach((id, value) -> reservations.add(new Spendable.Reservation(id,
                Long.parseLong(value.m().get("p").n()), Instant.parse(value.m().get("e").s()))));
        return reservations;
    }

    /**
     * Guards the profile update on the holds version read and bumps it: any other reservation, spend or release of
     * the member committed since the read makes this write fail and re-run on the new state.
     */
    public static void guardHolds(UpdateExpression update, Map<String, AttributeValue> profile) {
        Optional<Long> version = Attr.optionalNumber(profile, HOLDS_VERSION);
        if (version.isPresent()) {
            update.condition(HOLDS_VERSION + " = " + update.value(version.get()));
        } else {
            update.condition("attribute_not_exists(" + HOLDS_VERSION + ")");
        }
        update.set(HOLDS_VERSION + " = " + update.value(version.orElse(0L) + 1));
    }

    /** Adds a reservation for {@code hold} to the profile (the map is created on a profile that has none). */
    public static void reserve(UpdateExpression update, Map<String, AttributeValue> profile, Hold hold) {
        AttributeValue entry = AttributeValue.fromM(Map.of("p", Attr.n(hold.points()),
                "e", Attr.s(hold.expiresAt().toString()), "o", Attr.s(hold.orderId()), "m", Attr.s(hold.merchantId())));
        AttributeValue holds = profile.get(HOLDS);
        if (holds == null || !holds.hasM()) {
            update.set(HOLDS + " = " + update.value(AttributeValue.fromM(Map.of(hold.redemptionId(), entry))));
        } else {
            update.set(HOLDS + "." + update.name(hold.redemptionId()) + " = " + update.value(entry));
        }
    }

    public static void release(UpdateExpression update, String redemptionId) {
        update.remove(HOLDS + "." + update.name(redemptionId));
    }

    /**
     * Closes the member's lapsed reservations (at most {@value #MAX_CLOSED_PER_WRITE}, leaving out {@code except}):
     * removes them from the profile, marks their hold items EXPIRED and emits HoldReleased for each.
     */
    public void closeLapsed(UpdateExpression update, Map<String, AttributeValue> profile, String programId, Instant now,
                            String except, List<TransactWriteItem> items, List<DomainEvent> events) {
        AttributeValue holds = profile.get(HOLDS);
        if (holds == null || !holds.hasM()) {
            return;
        }
        String memberId = Attr.string(profile, "memberId");
        int closed = 0;
        for (Map.Entry<String, AttributeValue> e : holds.m().entrySet()) {
            Map<String, AttributeValue> value = e.getValue().m();
            Instant expiresAt = Instant.parse(value.get("e").s());
            if (closed == MAX_CLOSED_PER_WRITE || e.getKey().equals(except) || now.isBefore(expiresAt)) {
                continue;
            }
            closed++;
            release(update, e.getKey());
            UpdateExpression expire = new UpdateExpression();
            expire.set(expire.name("status") + " = " + expire.value(Attr.s(Hold.Status.EXPIRED.name())));
            expire.set("closedAt = " + expire.value(Attr.s(now.toString())));
            expire.condition(expire.name("status") + " = " + expire.value(Attr.s(Hold.Status.HELD.name())));
            items.add(expire.build(table, key(e.getKey())));
            events.add(holdReleased(programId, memberId, value.get("m").s(), e.getKey(), value.get("o").s(),
                    Long.parseLong(value.get("p").n()), "expired", expiresAt));
        }
    }

    /** What spending points writes: the lots changed, the REDEEM entry, and the change to the member's figures. */
    public record Spend(LedgerEntry entry, List<TransactWriteItem> items, PointsFigures.Change figuresChange,
                        List<PointsLot> lotsBefore) {
        /** The entry's allocations with the issuing merchant and expiry of each lot. */
        public List<PointsPayments.SpentLot> spentLots() {
            Map<String, PointsLot> read = new HashMap<>();
            lotsBefore.forEach(lot -> read.put(lot.lotId(), lot));
            return entry.allocations().stream().map(a -> new PointsPayments.SpentLot(a.lotId(), a.points(),
                    read.get(a.lotId()).issuingMerchantId(), read.get(a.lotId()).expiresAt())).toList();
        }
    }

    /**
     * Spends {@code points} from the member's open lots, soonest-expiring first: a REDEEM entry naming the lots, each
     * lot written only if it still holds what was read.
     *
     * @throws app.loyalty.shared.domain.ledger.InsufficientPointsException if the available lots do not cover it
     */
    public Spend spend(MemberLedger ledger, EntryMeta meta, long points, String orderId) {
        LedgerChange change = ledger.spend(meta, points, orderId);
        List<TransactWriteItem> items = new ArrayList<>();
        PointsFigures.Change figures = PointsFigures.Change.none(meta.at());
        List<PointsLot> before = new ArrayList<>();
        for (PointsLot changed : change.changedLots()) {
            PointsLot read = ledger.lot(changed.lotId()).orElseThrow();
            before.add(read);
            items.addAll(LotItems.change(table, read, changed));
            figures = figures.plus(PointsFigures.Change.changed(read, changed, meta.at()));
        }
        items.add(LedgerEntryItems.append(table, change.entry(), change.changedLots()));
        return new Spend(change.entry(), items, figures, before);
    }

    public static DomainEvent pointsHeld(Hold hold) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", hold.memberId());
        data.put("merchantId", hold.merchantId());
        data.put("redemptionId", hold.redemptionId());
        data.put("orderId", hold.orderId());
        data.put("points", hold.points());
        data.put("value", hold.value());
        data.put("currency", hold.currency());
        data.put("expiresAt", hold.expiresAt().toString());
        return new DomainEvent(UUID.randomUUID().toString(), "PointsHeld", hold.createdAt(), hold.programId(), data);
    }

    /** PointsRedeemed; {@code redemptionId} is null when a purchase spent points without a hold. */
    public static DomainEvent pointsRedeemed(String programId, String merchantId, String redemptionId, Spend spend,
                                             long value, String currency) {
        LedgerEntry entry = spend.entry();
        Map<String, String> issuers = new HashMap<>();
        spend.lotsBefore().forEach(lot -> issuers.put(lot.lotId(), lot.issuingMerchantId()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", entry.memberId());
        data.put("merchantId", merchantId);
        if (redemptionId != null) {
            data.put("redemptionId", redemptionId);
        }
        data.put("orderId", entry.orderId());
        data.put("entryId", entry.entryId());
        data.put("points", -entry.points());
        data.put("value", value);
        data.put("currency", currency);
        data.put("allocations", entry.allocations().stream().map(a -> Map.<String, Object>of("lotId", a.lotId(),
                "points", a.points(), "issuingMerchantId", issuers.get(a.lotId()))).toList());
        return new DomainEvent(UUID.randomUUID().toString(), "PointsRedeemed", entry.at(), programId, data);
    }

    public static DomainEvent holdReleased(String programId, String memberId, String merchantId, String redemptionId,
                                           String orderId, long points, String reason, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", memberId);
        data.put("merchantId", merchantId);
        data.put("redemptionId", redemptionId);
        data.put("orderId", orderId);
        data.put("points", points);
        data.put("reason", reason);
        return new DomainEvent(UUID.randomUUID().toString(), "HoldReleased", at, programId, data);
    }
}
