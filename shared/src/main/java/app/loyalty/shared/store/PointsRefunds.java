package app.loyalty.shared.store;

import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.EntryType;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.LotAllocation;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.redeem.PointsRefund;
import app.loyalty.shared.store.PointsPayments.OrderPayment;
import app.loyalty.shared.store.PointsPayments.SpentLot;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A return of an order paid partly with points: its share of the points goes back to the member and its share of the
 * money is refunded ({@link PointsRefund}). Each piece of points becomes a new lot (available now, with the issuing
 * merchant and expiry of the lot it was spent from, no source order so a later return never reverses it as earned)
 * and a positive ADJUST entry (reason "return-refund", naming the order). Points whose original lot has expired by
 * now do not come back (they would have burnt unspent) and are reported as expired.
 */
public final class PointsRefunds {
    private final PointsPayments payments;
    private final String table;

    public PointsRefunds(DynamoDbClient dynamo, String table) {
        this.payments = new PointsPayments(dynamo, table);
        this.table = table;
    }

    /** What one return gives back; {@code items} and {@code figures} join the return's transaction. */
    public record Refund(long points, long pointsExpired, long money, List<TransactWriteItem> items,
                         PointsFigures.Change figures) {
    }

    /** Empty when the order paid nothing with points (one GetItem of its link, only for such orders). */
    public Optional<Refund> refund(String merchantId, String memberId, String programId, String orderId, long amount,
                                   long paidWithPoints, long returnedBefore, long returnedAfter, Instant now) {
        if (paidWithPoints == 0) {
            return Optional.empty();
        }
        OrderPayment payment = payments.find(merchantId, orderId).orElseThrow(() -> new IllegalStateException(
                "Order " + orderId + " paid " + paidWithPoints + " with points but has no record of them"));
        PointsRefund.Step step = PointsRefund.step(amount, paidWithPoints, payment.points(), returnedBefore, returnedAfter);
        long before = step.pointsAfter() - step.points();
        List<PointsRefund.Piece> spent = payment.lots().stream()
                .map(lot -> new PointsRefund.Piece(lot.lotId(), lot.points())).toList();
        List<TransactWriteItem> items = new ArrayList<>();
        PointsFigures.Change figures = PointsFigures.Change.none(now);
        long restored = 0;
        long expired = 0;
        for (PointsRefund.Piece piece : PointsRefund.pieces(spent, before, step.pointsAfter())) {
            SpentLot from = payment.lots().stream().filter(l -> l.lotId().equals(piece.lotId())).findFirst().orElseThrow();
            if (from.expiresAt() != null && !now.isBefore(from.expiresAt())) {
                expired += piece.points();
                continue;
            }
            String id = Ids.newId("ent");
            PointsLot lot = new PointsLot(id, memberId, piece.points(), piece.points(), now, now, from.expiresAt(),
                    from.issuingMerchantId(), null);
            LedgerEntry entry = new LedgerEntry(id, memberId, programId, EntryType.ADJUST, piece.points(), now,
                    Actor.merchant(merchantId), "return-refund", orderId, List.of(new LotAllocation(id, piece.points())));
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(LotItems.toItem(lot))
                    .conditionExpression("attribute_not_exists(PK)").build()).build());
            items.add(LedgerEntryItems.append(table, entry, List.of(lot)));
            figures = figures.plus(PointsFigures.Change.added(lot, now));
            restored += piece.points();
        }
        if (step.points() > 0) {
            items.add(payments.recordRestored(merchantId, orderId, before, step.pointsAfter()));
        }
        return Optional.of(new Refund(restored, expired, step.money(), items, figures));
    }

}
