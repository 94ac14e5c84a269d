package app.loyalty.shared.domain.ledger;

/**
 * What reversing an order's points did. {@code fromOrderLots + fromOtherLots + unrecovered == requested}.
 *
 * @param fromOrderLots points taken back from the lots the order itself created
 * @param fromOtherLots points the member had already spent, taken instead from their other available lots
 * @param unrecovered   points that could not be taken back without a negative balance: recorded here, never
 *                      in the ledger, so the caller can report them (e.g. to the issuing merchant)
 */
public record ReversalOutcome(LedgerChange change, long requested, long fromOrderLots, long fromOtherLots,
                              long unrecovered) {
    public ReversalOutcome {
        if (fromOrderLots < 0 || fromOtherLots < 0 || unrecovered < 0
                || fromOrderLots + fromOtherLots + unrecovered != requested) {
            throw new IllegalArgumentException("a reversal's parts must add up to the points requested");
        }
    }

    public long reversed() {
        return fromOrderLots + fromOtherLots;
    }

    public boolean isComplete() {
        return unrecovered == 0;
    }
}
