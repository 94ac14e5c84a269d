package app.loyalty.shared.store;

import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.EntryType;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.LotAllocation;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
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
}
