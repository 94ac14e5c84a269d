package app.loyalty.functions.purchaseaccrual;

import app.loyalty.functions.purchaseaccrual.PurchaseView.Amount;
import app.loyalty.functions.purchaseaccrual.PurchaseView.BalanceView;

/** The answer of a return (openapi.yaml: ReturnResult), stored once on the return marker for replays. */
record ReturnView(String orderId, String returnId, String memberId, Amount returned, Amount totalReturned,
                  Amount returnable, long pointsReversed, Reversal reversal, long orderPoints, long orderPointsReversed,
                  BalanceView balance) {

    record Reversal(long requested, long fromOrderLots, long fromOtherLots, long unrecovered) {
    }
}
