package app.loyalty.shared.store;

import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.EntryType;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.LotAllocation;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.settlement.SettlementEntry;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ledger entries live in the member partition: PK MEMBER#id, SK ENTRY#&lt;iso instant&gt;#&lt;entryId&gt;, so a
 * statement is one Query in time order. Append-only: written once with attribute_not_exists(PK), never updated.
 * No PII: ids, points, the actor and a machine-readable reason only.
 */
public final class LedgerEntryItems {
    public static final String ENTRY_PREFIX = "ENTRY#";

    private LedgerEntryItems() {
    }

    public static String sortKey(LedgerEntry entry) {
        return ENTRY_PREFIX + entry.at() + "#" + entry.entryId();
    }

    public static Map<String, AttributeValue> key(LedgerEntry entry) {
        return Attr.key(MemberRepository.memberPk(entry.memberId()), sortKey(entry));
    }

    public static Map<String, AttributeValue> toItem(LedgerEntry entry) {
        Map<String, AttributeValue> item = new HashMap<>(key(entry));
        item.put("entryId", Attr.s(entry.entryId()));
        item.put("memberId", Attr.s(entry.memberId()));
        item.put("programId", Attr.s(entry.programId()));
        item.put("type", Attr.s(entry.type().name()));
        item.put("points", Attr.n(entry.points()));
        item.put("at", Attr.s(entry.at().toString()));
        item.put("actor", AttributeValue.fromM(Map.of(
                "kind", Attr.s(entry.actor().kind().name()), "id", Attr.s(entry.actor().id()))));
        item.put("reason", Attr.s(entry.reason()));
        if (entry.orderId() != null) {
            item.put("orderId", Attr.s(entry.orderId()));
        }
        item.put("allocations", AttributeValue.fromL(entry.allocations().stream()
                .map(a -> AttributeValue.fromM(Map.of("lotId", Attr.s(a.lotId()), "points", Attr.n(a.points()))))
                .toList()));
        return item;
    }

    public static LedgerEntry fromItem(Map<String, AttributeValue> item) {
        List<LotAllocation> allocations = item.get("allocations").l().stream()
                .map(a -> new LotAllocation(a.m().get("lotId").s(), Long.parseLong(a.m().get("points").n())))
                .toList();
        return new LedgerEntry(Attr.string(item, "entryId"), Attr.string(item, "memberId"),
                Attr.string(item, "programId"), EntryType.valueOf(Attr.string(item, "type")),
                Attr.number(item, "points"), Instant.parse(Attr.string(item, "at")),
                new Actor(Actor.Kind.valueOf(item.get("actor").m().get("kind").s()), item.get("actor").m().get("id").s()),
                Attr.string(item, "reason"), Attr.optionalString(item, "orderId").orElse(null), allocations);
    }

    /** The append of one entry; its condition makes a second write of the same entry fail instead of doubling it. */
    public static TransactWriteItem append(String tableName, LedgerEntry entry) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(toItem(entry))
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    /**
     * The append of an entry that moves points, for settlement: each allocation also names its lot's issuing
     * merchant ({@code issuer}), and the entry joins the sharded day index of its program's ledger
     * ({@link #settlementPartition}), so a settlement reads a period's entries without reading every member.
     *
     * @param lots the lots the entry allocates to (a change's lots, before or after it: only their issuer is read)
     */
    public static TransactWriteItem append(String tableName, LedgerEntry entry, Collection<PointsLot> lots) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(toItem(entry, lots))
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    /** {@link #toItem(LedgerEntry)} with the issuers and the settlement index (see {@link #append(String, LedgerEntry, Collection)}). */
    public static Map<String, AttributeValue> toItem(LedgerEntry entry, Collection<PointsLot> lots) {
        Map<String, AttributeValue> item = toItem(entry);
        if (!entry.type().movesPoints()) {
            return item;
        }
        Map<String, String> issuerByLot = new HashMap<>();
        lots.forEach(lot -> issuerByLot.put(lot.lotId(), lot.issuingMerchantId()));
        item.put("allocations", AttributeValue.fromL(entry.allocations().stream().map(a -> {
            String issuer = issuerByLot.get(a.lotId());
            if (issuer == null) {
                throw new IllegalArgumentException("No lot given for allocation " + a.lotId() + " of " + entry.entryId());
            }
            return AttributeValue.fromM(Map.of("lotId", Attr.s(a.lotId()), "points", Attr.n(a.points()),
                    "issuer", Attr.s(issuer)));
        }).toList()));
        item.put(TableSchema.GSI2_PK, Attr.s(settlementPartition(entry.programId(),
                entry.at().atZone(ZoneOffset.UTC).toLocalDate(), shardOf(entry.entryId()))));
        item.put(TableSchema.GSI2_SK, Attr.s(entry.at() + "#" + entry.entryId()));
        return item;
    }

    /** Shards of one program's day in the settlement index: spreads a busy day's writes over index partitions. */
    public static final int SETTLEMENT_SHARDS = 16;

    /** GSI2 partition of a program's ledger entries of one UTC day and shard: {@code LEDGER#<programId>#<date>#<shard>}. */
    public static String settlementPartition(String programId, LocalDate day, int shard) {
        return "LEDGER#" + programId + "#" + day + "#" + shard;
    }

    static int shardOf(String entryId) {
        return Math.floorMod(entryId.hashCode(), SETTLEMENT_SHARDS);
    }

    /**
     * The settlement's view of a stored entry: type, points, where (the actor's merchant), reason, and the points per
     * issuing merchant from the allocations' {@code issuer}.
     *
     * @throws IllegalStateException for an entry that moves points but was written without issuers
     */
    public static SettlementEntry settlementEntry(Map<String, AttributeValue> item) {
        LedgerEntry entry = fromItem(item);
        Map<String, Long> byIssuer = new java.util.TreeMap<>();
        if (entry.type().movesPoints()) {
            for (AttributeValue allocation : item.get("allocations").l()) {
                AttributeValue issuer = allocation.m().get("issuer");
                if (issuer == null) {
                    throw new IllegalStateException("Entry " + entry.entryId() + " has an allocation without its issuer");
                }
                byIssuer.merge(issuer.s(), Long.parseLong(allocation.m().get("points").n()), Math::addExact);
            }
        }
        List<SettlementEntry.IssuerShare> shares = byIssuer.entrySet().stream()
                .map(e -> new SettlementEntry.IssuerShare(e.getKey(), e.getValue())).toList();
        String merchantId = entry.actor().kind() == Actor.Kind.MERCHANT ? entry.actor().id() : null;
        return new SettlementEntry(entry.entryId(), entry.type(), entry.points(), entry.at(), merchantId,
                entry.reason(), shares);
    }
}
