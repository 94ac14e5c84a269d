package app.loyalty.shared.domain.ledger;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One append-only line of a member's ledger. Entries are never edited or deleted: a mistake is corrected by a
 * new entry (an ADJUST or a REVERSE), so the sum of a member's entries is always their balance.
 *
 * <p>{@code points} is signed: positive adds to the balance (ACCRUE, positive ADJUST, incoming TRANSFER),
 * negative removes (REDEEM, REVERSE, EXPIRE, negative ADJUST, outgoing TRANSFER), zero only for ACTIVATE; the
 * type fixes which signs are allowed. The allocations say which lots the points came from or went to, and add
 * up to the entry's points in absolute value (for ACTIVATE: the points that became available). That is what
 * lets every point be traced to the merchant whose lot issued it.
 *
 * @param reason a short machine-readable cause such as "purchase", "return", "expiry", "goodwill". Never
 *               personal data: ledger entries are copied into events and statements.
 * @param orderId the order concerned, null when there is none (expiry, most adjustments)
 */
public record LedgerEntry(String entryId, String memberId, String programId, EntryType type, long points,
                          Instant at, Actor actor, String reason, String orderId, List<LotAllocation> allocations) {

    public static final int MAX_REASON_LENGTH = 200;

    public LedgerEntry {
        Checks.requireText(entryId, "entryId");
        Checks.requireText(memberId, "memberId");
        Checks.requireText(programId, "programId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Checks.requireText(reason, "reason");
        if (reason.length() > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("reason must be at most " + MAX_REASON_LENGTH + " characters");
        }
        Checks.optionalText(orderId, "orderId");
        if (!type.allows(points)) {
            throw new IllegalArgumentException("a " + type + " entry cannot carry " + points + " points");
        }
        allocations = List.copyOf(Objects.requireNonNull(allocations, "allocations"));
        if (allocations.isEmpty()) {
            throw new IllegalArgumentException("an entry must name the lots it concerns");
        }
        Set<String> lotIds = new HashSet<>();
        long allocated = 0;
        for (LotAllocation allocation : allocations) {
            if (!lotIds.add(allocation.lotId())) {
                throw new IllegalArgumentException("lot " + allocation.lotId() + " is allocated twice in one entry");
            }
            allocated = Math.addExact(allocated, allocation.points());
        }
        if (type.movesPoints() && allocated != Math.abs(points)) {
            throw new IllegalArgumentException(
                    "allocations add up to " + allocated + " but the entry moves " + Math.abs(points) + " points");
        }
    }

    /** The signed change this entry made to one lot's remaining points: 0 if it does not touch the lot. */
    public long changeTo(String lotId) {
        if (!type.movesPoints()) {
            return 0;
        }
        for (LotAllocation allocation : allocations) {
            if (allocation.lotId().equals(lotId)) {
                return points > 0 ? allocation.points() : -allocation.points();
            }
        }
        return 0;
    }
}
