package app.loyalty.shared.store;

import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.earn.PointsPayment;
import app.loyalty.shared.domain.earn.PointsPaymentRefusedException;
import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.InsufficientPointsException;
import app.loyalty.shared.domain.ledger.LotAllocation;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.redeem.Hold;
import app.loyalty.shared.domain.redeem.PointsMoney;
import app.loyalty.shared.domain.redeem.Spendable;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.store.RedemptionStore.StoredHold;
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

/**
 * The part of a purchase paid with points, spent inside the purchase's own transaction: through the merchant's hold
 * for the order ({@code redemptionId}, captured here unless the capture route did it already), or, without one, by
 * spending directly under the same guard a hold takes (the member's holds version, live holds respected). Either way
 * a REDEEM entry takes the points from the member's open lots, soonest-expiring first, and an order link item
 * (PK ORDER#&lt;merchantId&gt;#&lt;orderId&gt;, SK REDEMPTION) records what was spent and from which lots, so a
 * return can give points back in proportion (docs/ledger.md, "Returns of orders paid with points").
 */
public final class PointsPayments {
    public static final String LINK_SK = "REDEMPTION";

    private final DynamoDbClient dynamo;
    private final String table;
    private final RedemptionStore holds;

    public PointsPayments(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.holds = new RedemptionStore(dynamo, table);
    }

    /** What paying with points adds to the purchase's transaction; {@link #NONE} when nothing was paid with points. */
    public record Payment(long points, long value, String redemptionId, String entryId, List<TransactWriteItem> items,
                          List<DomainEvent> events, PointsFigures.Change figures) {
        public boolean isNone() {
            return points == 0;
        }

        /** Points this purchase itself spends (0 when a capture already spent them for the order, or none paid). */
        public long pointsSpentNow() {
            return events.isEmpty() ? 0 : points;
        }
    }

    /** What an order spent in points, and how much of it returns gave back so far. */
    public record OrderPayment(long points, long paid, String entryId, List<SpentLot> lots, long restoredPoints) {
    }

    /** Points taken from one lot: enough to give them back traceable to the merchant that issued them. */
    public record SpentLot(String lotId, long points, String issuingMerchantId, Instant expiresAt) {
    }

    public static Map<String, AttributeValue> linkKey(String merchantId, String orderId) {
        return Attr.key(OrderRepository.orderPk(merchantId, orderId), LINK_SK);
    }

    /**
     * Spends the points that pay {@code paid} of {@code amount}, adding the profile clauses to {@code profileUpdate}.
     * Refusals (ApiException, nothing written): share of the bill (422 share), points not covered (422 points),
     * a redemptionId that is not this merchant's hold for this member and order (404 / 409), or lapsed, cancelled, or
     * too small (409 / 422).
     *
     * @param lotItems the member's open lots (read with the profile); only needed when {@code paid > 0}
     */
    public Payment pay(Program program, String merchantId, String memberId, Map<String, AttributeValue> profile,
                       List<Map<String, AttributeValue>> lotItems, String orderId, long amount, long paid,
                       String redemptionId, Instant now, UpdateExpression profileUpdate) {
        if (paid == 0) {
            if (redemptionId != null) {
                throw ApiException.validation("redemptionId needs paidWithPoints: the part of the total the held points pay");
            }
            return new Payment(0, 0, null, null, List.of(), List.of(), PointsFigures.Change.none(now));
        }
        var discount = program.rules().discount();
        long needed = PointsMoney.pointsFor(discount.pointValue(), paid);
        try {
            PointsPayment.requireCovered(amount, paid, Long.MAX_VALUE, discount);
        } catch (PointsPaymentRefusedException e) {
            throw refused("share", e.getMessage(), Map.of("maxPaidWithPoints", e.limit()));
        }
        Hold hold = null;
        if (redemptionId != null) {
            StoredHold stored = holds.find(redemptionId)
                    .filter(s -> s.hold().merchantId().equals(merchantId) && s.hold().programId().equals(program.programId()))
                    .orElseThrow(() -> ApiException.notFound("Redemption " + redemptionId));
            hold = stored.hold();
            if (!hold.memberId().equals(memberId) || !hold.orderId().equals(orderId)) {
                throw new ApiException(ProblemType.CONFLICT, "Redemption " + redemptionId + " holds points for order "
                        + hold.orderId() + " of another member or order, not this purchase",
                        Map.of("redemptionId", redemptionId, "orderId", hold.orderId()));
            }
            Hold.Status status = hold.statusAt(now);
            if (status == Hold.Status.CAPTURED) {
                // Captured by the capture route for this very order: the purchase links to what it spent.
                if (stored.capturedPoints() < needed) {
                    throw refused("points", "Redemption " + redemptionId + " captured " + stored.capturedPoints()
                            + " points; paying " + paid + " needs " + needed, Map.of("pointsNeeded", needed,
                            "pointsAvailable", stored.capturedPoints()));
                }
                return linkOnly(stored, merchantId, orderId, paid, now);
            }
            if (status != Hold.Status.HELD) {
                throw new ApiException(ProblemType.CONFLICT, "Redemption " + redemptionId + " is "
                        + status.name().toLowerCase(java.util.Locale.ROOT) + ": its points can no longer pay; hold them again",
                        Map.of("redemptionId", redemptionId, "redemptionStatus", status.name().toLowerCase(java.util.Locale.ROOT)));
            }
            if (hold.points() < needed) {
                throw refused("points", "Redemption " + redemptionId + " holds " + hold.points() + " points; paying "
                        + paid + " needs " + needed, Map.of("pointsNeeded", needed, "pointsAvailable", hold.points()));
            }
        } else {
            long spendable = Spendable.pointsFor(MemberFigures.read(profile), RedemptionStore.reservations(profile), now, now);
            if (needed > spendable) {
                throw refused("points", "paidWithPoints " + paid + " needs " + needed + " points but the member has "
                        + spendable + " available (live holds excluded)", Map.of("pointsNeeded", needed,
                        "pointsAvailable", spendable));
            }
        }
        // Velocity (docs/security.md): a direct payment is a redemption of its own (a hold was counted when taken), and
        // either way the points spent count towards the member's day.
        if (hold == null) {
            RedemptionVelocity.recordRedemption(profileUpdate, profile, now, program.rules().velocity());
        }
        RedemptionVelocity.recordPointsSpent(profileUpdate, profile, now, program.rules().velocity(), needed);
        MemberLedger ledger = new MemberLedger(memberId, program.programId(), LotItems.fromItems(lotItems));
        RedemptionStore.Spend spend;
        try {
            spend = holds.spend(ledger, new EntryMeta(Ids.newId("ent"), now, Actor.merchant(merchantId), "purchase"),
                    needed, orderId);
        } catch (InsufficientPointsException e) {
            throw refused("points", "paidWithPoints " + paid + " needs " + needed + " points but the member has "
                    + e.available() + " available", Map.of("pointsNeeded", needed, "pointsAvailable", e.available()));
        }
        List<TransactWriteItem> items = new ArrayList<>(spend.items());
        List<DomainEvent> events = new ArrayList<>();
        RedemptionStore.guardHolds(profileUpdate, profile);
        holds.closeLapsed(profileUpdate, profile, program.programId(), now, redemptionId, items, events);
        if (hold != null) {
            RedemptionStore.release(profileUpdate, redemptionId);
            items.add(holds.close(hold, Hold.Status.CAPTURED, now, spend, orderId));
            if (needed < hold.points()) {
                events.add(RedemptionStore.holdReleased(program.programId(), memberId, merchantId, redemptionId, orderId,
                        hold.points() - needed, "partial-capture", now));
            }
        }
        items.add(link(merchantId, orderId, new OrderPayment(needed, paid, spend.entry().entryId(), spend.spentLots(), 0)));
        events.add(RedemptionStore.pointsRedeemed(program.programId(), merchantId, redemptionId, spend,
                PointsMoney.valueOf(discount.pointValue(), needed), program.currency()));
        return new Payment(needed, PointsMoney.valueOf(discount.pointValue(), needed), redemptionId,
                spend.entry().entryId(), items, events, spend.figuresChange());
    }

    private Payment linkOnly(StoredHold stored, String merchantId, String orderId, long paid, Instant now) {
        TransactWriteItem link = link(merchantId, orderId,
                new OrderPayment(stored.capturedPoints(), paid, stored.entryId(), stored.spentLots(), 0));
        return new Payment(stored.capturedPoints(), stored.hold().value(), stored.hold().redemptionId(), stored.entryId(),
                List.of(link), List.of(), PointsFigures.Change.none(now));
    }

    private TransactWriteItem link(String merchantId, String orderId, OrderPayment payment) {
        Map<String, AttributeValue> item = new HashMap<>(linkKey(merchantId, orderId));
        item.put("points", Attr.n(payment.points()));
        item.put("paid", Attr.n(payment.paid()));
        item.put("entryId", Attr.s(payment.entryId()));
        item.put("restoredPoints", Attr.n(0));
        item.put("lots", toAttribute(payment.lots()));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    /** What the order spent in points; empty when it paid nothing with points. */
    public Optional<OrderPayment> find(String merchantId, String orderId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(linkKey(merchantId, orderId)).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        List<SpentLot> lots = spentLots(item.get("lots"));
        return Optional.of(new OrderPayment(Attr.number(item, "points"), Attr.number(item, "paid"),
                Attr.string(item, "entryId"), lots, Attr.number(item, "restoredPoints")));
    }

    /** Records that returns have now given back {@code restoredPoints} in total, if no other return counted since. */
    public TransactWriteItem recordRestored(String merchantId, String orderId, long before, long after) {
        UpdateExpression update = new UpdateExpression();
        update.set("restoredPoints = " + update.value(after));
        update.condition("restoredPoints = " + update.value(before));
        return update.build(table, linkKey(merchantId, orderId));
    }

    static AttributeValue toAttribute(List<SpentLot> lots) {
        return AttributeValue.fromL(lots.stream().map(lot -> {
            Map<String, AttributeValue> m = new HashMap<>();
            m.put("lotId", Attr.s(lot.lotId()));
            m.put("points", Attr.n(lot.points()));
            m.put("issuingMerchantId", Attr.s(lot.issuingMerchantId()));
            if (lot.expiresAt() != null) {
                m.put("expiresAt", Attr.s(lot.expiresAt().toString()));
            }
            return AttributeValue.fromM(m);
        }).toList());
    }

    static List<SpentLot> spentLots(AttributeValue list) {
        return list.l().stream().map(v -> {
            Map<String, AttributeValue> m = v.m();
            return new SpentLot(m.get("lotId").s(), Long.parseLong(m.get("points").n()), m.get("issuingMerchantId").s(),
                    m.containsKey("expiresAt") ? Instant.parse(m.get("expiresAt").s()) : null);
        }).toList();
    }

    private static ApiException refused(String reason, String detail, Map<String, Object> more) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.putAll(more);
        return new ApiException(ProblemType.POINTS_PAYMENT_NOT_COVERED, detail, details);
    }
}
