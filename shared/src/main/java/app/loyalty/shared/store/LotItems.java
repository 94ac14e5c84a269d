package app.loyalty.shared.store;

import app.loyalty.shared.domain.ledger.PointsLot;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lot items live in the member partition. An open lot (points left) has SK LOT#&lt;earnedAt&gt;#&lt;lotId&gt;; a lot that
 * can still expire is also in the sharded expiry index (GSI2PK EXPIRES#&lt;date&gt;#&lt;shard&gt;), so the expiry job
 * reads only what is due on a day, never every member; a lot pending when written is likewise in the activation index
 * (GSI1PK ACTIVATES#&lt;date&gt;#&lt;shard&gt;) until the job records its activation. A closed lot (spent, reversed or written off: remaining 0)
 * moves, in the transaction that closes it, to SK HIST#LOT#&lt;earnedAt&gt;#&lt;lotId&gt;, outside the open range: reads
 * of a member cost the same after years of history, and the statement can still page through it.
 */
public final class LotItems {
    public static final int EXPIRY_SHARDS = 16;
    public static final String HISTORY_PREFIX = "HIST#";

    private LotItems() {
    }

    public static Map<String, AttributeValue> key(PointsLot lot) {
        return Attr.key(MemberRepository.memberPk(lot.memberId()), sortKey(lot));
    }

    public static String sortKey(PointsLot lot) {
        return MemberRepository.LOT_PREFIX + lot.earnedAt() + "#" + lot.lotId();
    }

    /** Where a closed lot lives: the open key with the history prefix. */
    public static Map<String, AttributeValue> historyKey(PointsLot lot) {
        return Attr.key(MemberRepository.memberPk(lot.memberId()), HISTORY_PREFIX + sortKey(lot));
    }

    /** A lot's item where it belongs: open while it has points, else in the history range. */
    public static Map<String, AttributeValue> toItem(PointsLot lot) {
        Map<String, AttributeValue> item = new HashMap<>(lot.remaining() > 0 ? key(lot) : historyKey(lot));
        item.put("lotId", Attr.s(lot.lotId()));
        item.put("memberId", Attr.s(lot.memberId()));
        item.put("amount", Attr.n(lot.amount()));
        item.put("remaining", Attr.n(lot.remaining()));
        item.put("earnedAt", Attr.s(lot.earnedAt().toString()));
        item.put("availableAt", Attr.s(lot.availableAt().toString()));
        item.put("issuingMerchantId", Attr.s(lot.issuingMerchantId()));
        if (lot.sourceOrderId() != null) {
            item.put("sourceOrderId", Attr.s(lot.sourceOrderId()));
        }
        if (lot.remaining() > 0 && lot.availableAt().isAfter(lot.earnedAt())) {
            // Pending when written: the activation index (GSI1 ACTIVATES#date#shard) lets the daily job find it.
            // The job removes these two attributes when it records the activation, so it happens once.
            item.put(TableSchema.GSI1_PK, Attr.s(activationPartition(lot)));
            item.put(TableSchema.GSI1_SK, Attr.s(lot.availableAt() + "#" + lot.memberId() + "#" + lot.lotId()));
        }
        if (lot.expiresAt() != null) {
            item.put("expiresAt", Attr.s(lot.expiresAt().toString()));
            if (lot.remaining() > 0) {
                item.put(TableSchema.GSI2_PK, Attr.s(expiryPartition(lot)));
                item.put(TableSchema.GSI2_SK, Attr.s(lot.expiresAt() + "#" + lot.memberId() + "#" + lot.lotId()));
            }
        }
        return item;
    }

    public static PointsLot fromItem(Map<String, AttributeValue> item) {
        return new PointsLot(Attr.string(item, "lotId"), Attr.string(item, "memberId"), Attr.number(item, "amount"),
                Attr.number(item, "remaining"), Instant.parse(Attr.string(item, "earnedAt")),
                Instant.parse(Attr.string(item, "availableAt")),
                Attr.optionalString(item, "expiresAt").map(Instant::parse).orElse(null),
                Attr.string(item, "issuingMerchantId"), Attr.optionalString(item, "sourceOrderId").orElse(null));
    }

    /**
     * The writes that take a lot from {@code read} to {@code changed}, only if it still holds what was read: its
     * remaining updated in place while points are left; else deleted from the open range and put in the history
     * range (which also takes it out of the expiry index).
     */
    public static List<TransactWriteItem> change(String tableName, PointsLot read, PointsLot changed) {
        Map<String, AttributeValue> readValue = Map.of(":read", Attr.n(read.remaining()));
        if (changed.remaining() > 0) {
            return List.of(TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key(read))
                    .updateExpression("SET remaining = :remaining")
                    .conditionExpression("remaining = :read")
                    .expressionAttributeValues(Map.of(":remaining", Attr.n(changed.remaining()), ":read", Attr.n(read.remaining())))
                    .build()).build());
        }
        return List.of(
                TransactWriteItem.builder().delete(Delete.builder().tableName(tableName).key(key(read))
                        .conditionExpression("remaining = :read").expressionAttributeValues(readValue).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(toItem(changed))
                        .conditionExpression("attribute_not_exists(PK)").build()).build());
    }

    public static List<PointsLot> fromItems(List<Map<String, AttributeValue>> items) {
        return items.stream().map(LotItems::fromItem).toList();
    }

    /** The expiry index partition of one UTC day and shard. */
    public static String expiryPartition(LocalDate day, int shard) {
        return "EXPIRES#" + day + "#" + shard;
    }

    /** ACTIVATES#yyyy-mm-dd#shard: the UTC day pending points become available, sharded like the expiry index. */
    public static String activationPartition(PointsLot lot) {
        return activationPartition(lot.availableAt().atZone(ZoneOffset.UTC).toLocalDate(), shardOf(lot.memberId()));
    }

    public static String activationPartition(LocalDate day, int shard) {
        return "ACTIVATES#" + day + "#" + shard;
    }

    /** The shard of a member in the date indexes: every lot of a member lands in the same shard of a day. */
    public static int shardOf(String memberId) {
        return Math.floorMod(memberId.hashCode(), EXPIRY_SHARDS);
    }

    /** EXPIRES#yyyy-mm-dd#shard: the day the lot burns (UTC), spread over shards by member so no partition runs hot. */
    public static String expiryPartition(PointsLot lot) {
        return expiryPartition(lot.expiresAt().atZone(ZoneOffset.UTC).toLocalDate(), shardOf(lot.memberId()));
    }
}
