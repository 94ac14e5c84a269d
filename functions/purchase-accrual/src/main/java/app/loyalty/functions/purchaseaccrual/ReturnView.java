package app.loyalty.functions.purchaseaccrual;

import app.loyalty.functions.purchaseaccrual.PurchaseView.Amount;
import app.loyalty.functions.purchaseaccrual.PurchaseView.BalanceView;

/** The answer of a return (openapi.yaml: ReturnResult), stored once on the return marker for replays. */
record ReturnView(String orderId, String returnId, String memberId, Amount returned, Amount totalReturned,
                  Amount returnable, long pointsReversed, Reversal reversal, long orderPoints, long orderPointsReversed,
                  BalanceView balance, PointsRefund pointsRefund) {

    /** An order paid partly with points: this return's share of the points given back and of the money refunded. */
    record PointsRefund(long points, long pointsExpired, Amount money) {
        static PointsRefund of(app.loyalty.shared.store.PointsRefunds.Refund refund, String currency) {
            return refund == null ? null : new PointsRefund(refund.points(), refund.pointsExpired(),
                    new Amount(refund.money(), currency));
        }
    }

    record Reversal(long requested, long fromOrderLots, long fromOtherLots, long unrecovered) {
    }
}
