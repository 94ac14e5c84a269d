package app.loyalty.shared.store;

import app.loyalty.shared.domain.ledger.PointsLot;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lot items live in the member partition: PK MEMBER#id, SK LOT#&lt;earnedAt&gt;#&lt;lotId&gt;. A lot that can still
 * expire is also in the sharded expiry index (GSI2PK EXPIRES#&lt;date&gt;#&lt;shard&gt;), so the expiry job reads only
 * what is due on a day, never every member.
 */
public final class LotItems {
    public static final int EXPIRY_SHARDS = 16;

    private LotItems() {
    }

    public static Map<String, AttributeValue> key(PointsLot lot) {
        return Attr.key(MemberRepository.memberPk(lot.memberId()), sortKey(lot));
    }

    public static String sortKey(PointsLot lot) {
        return MemberRepository.LOT_PREFIX + lot.earnedAt() + "#" + lot.lotId();
    }

    public static Map<String, AttributeValue> toItem(PointsLot lot) {
        Map<String, AttributeValue> item = new HashMap<>(key(lot));
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

    public static List<PointsLot> fromItems(List<Map<String, AttributeValue>> items) {
        return items.stream().map(LotItems::fromItem).toList();
    }

    /** EXPIRES#yyyy-mm-dd#shard: the day the lot burns (UTC), spread over shards by member so no partition runs hot. */
    public static String expiryPartition(PointsLot lot) {
        int shard = Math.floorMod(lot.memberId().hashCode(), EXPIRY_SHARDS);
        return "EXPIRES#" + lot.expiresAt().atZone(ZoneOffset.UTC).toLocalDate() + "#" + shard;
    }
}
