package app.loyalty.shared.domain.ledger;

import java.util.List;
import java.util.Objects;

/**
 * The result of one ledger operation: the ledger after it, the entries to append, and the lots to write (new
 * or with a new remaining). Entries and changed lots belong in one transaction.
 */
public record LedgerChange(MemberLedger ledger, List<LedgerEntry> entries, List<PointsLot> changedLots) {

    public LedgerChange {
        Objects.requireNonNull(ledger, "ledger");
        entries = List.copyOf(entries);
        changedLots = List.copyOf(changedLots);
    }

    static LedgerChange none(MemberLedger ledger) {
        return new LedgerChange(ledger, List.of(), List.of());
    }

    /** The entry of an operation that writes exactly one (accrue, spend, adjust, activate). */
    public LedgerEntry entry() {
        if (entries.size() != 1) {
            throw new IllegalStateException("this change has " + entries.size() + " entries, not one");
        }
        return entries.getFirst();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The net change to the member's balance. */
    public long points() {
        long sum = 0;
        for (LedgerEntry entry : entries) {
            sum = Math.addExact(sum, entry.points());
        }
        return sum;
    }
}
