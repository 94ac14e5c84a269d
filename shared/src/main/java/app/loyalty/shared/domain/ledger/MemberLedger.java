package app.loyalty.shared.domain.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One member's points in one program: their lots. Immutable; every operation returns a {@link LedgerChange}
 * with the new ledger, the entries to append and the lots to write, and leaves this instance untouched, so a
 * refused operation (an exception) changes nothing.
 *
 * <p>Invariants every operation keeps (and MemberLedgerPropertiesTest checks after random sequences):
 * 0 <= remaining <= amount for every lot; the balance is the sum of lot remainders and never negative; the
 * entries written so far add up to that balance; each lot's remaining equals its amount changed by the
 * allocations of the entries that touched it; every lot names its issuing merchant.
 *
 * <p>Exhausted lots stay in the ledger: an order's lot is still needed to reverse its points after they are
 * spent, and it keeps the history traceable.
 */
public record MemberLedger(String memberId, String programId, List<PointsLot> lots) {

    public MemberLedger {
        Checks.requireText(memberId, "memberId");
        Checks.requireText(programId, "programId");
        lots = List.copyOf(lots);
        Set<String> lotIds = new HashSet<>();
        for (PointsLot lot : lots) {
            if (!lot.memberId().equals(memberId)) {
                throw new IllegalArgumentException("lot " + lot.lotId() + " belongs to another member");
            }
            if (!lotIds.add(lot.lotId())) {
                throw new IllegalArgumentException("lot " + lot.lotId() + " appears twice");
            }
        }
    }

    public static MemberLedger empty(String memberId, String programId) {
        return new MemberLedger(memberId, programId, List.of());
    }

    public Balance balanceAt(Instant now, Duration expiringSoonWindow) {
        return Balance.of(lots, now, expiringSoonWindow);
    }

    public Optional<PointsLot> lot(String lotId) {
        return lots.stream().filter(lot -> lot.lotId().equals(lotId)).findFirst();
    }

    /** Points earned on a purchase: a new lot (its id is the entry id) and an ACCRUE entry. */
    public LedgerChange accrue(EntryMeta meta, Accrual accrual) {
        if (accrual.sourceOrderId() == null) {
            throw new IllegalArgumentException("an accrual must name the order that earned it");
        }
        return grant(EntryType.ACCRUE, meta, accrual);
    }

    /** Points given by a correction (e.g. goodwill): a new lot and a positive ADJUST entry. */
    public LedgerChange adjustUp(EntryMeta meta, Accrual grant) {
        return grant(EntryType.ADJUST, meta, grant);
    }

    /**
     * Points spent as a discount on {@code orderId}: a REDEEM entry consuming available lots soonest-expiring
     * first.
     *
     * @throws InsufficientPointsException if fewer points are available; nothing is changed
     */
    public LedgerChange spend(EntryMeta meta, long points, String orderId) {
        Objects.requireNonNull(orderId, "orderId");
        return take(EntryType.REDEEM, meta, orderId, Spending.allocate(lots, points, meta.at()));
    }

    /**
     * Points removed by a correction: a negative ADJUST entry consuming available lots in spending order.
     *
     * @throws InsufficientPointsException if fewer points are available; nothing is changed
     */
    public LedgerChange adjustDown(EntryMeta meta, long points) {
        return take(EntryType.ADJUST, meta, null, Spending.allocate(lots, points, meta.at()));
    }

    /**
     * Takes back {@code points} earned by {@code orderId} because (part of) it was returned. The caller works out
     * how many (see the earn package's proportional return); this decides where they come from:
     * <ol>
     *   <li>the order's own lots: pending ones first (never spent, so the member notices least), then the rest
     *       in spending order;</li>
     *   <li>if the member has already spent some of them, the shortfall from their other available lots,
     *       soonest-expiring first;</li>
     *   <li>whatever is still missing is not taken at all (a balance never goes negative) but reported as
     *       {@link ReversalOutcome#unrecovered()} for the caller to surface.</li>
     * </ol>
     * One REVERSE entry records everything taken; when nothing could be taken there is no entry.
     *
     * @throws IllegalArgumentException if {@code points} exceeds what the order's lots were ever worth
     */
    public ReversalOutcome reverseOrder(EntryMeta meta, String merchantId, String orderId, long points) {
        Checks.requireText(orderId, "orderId");
        Checks.requirePositive(points, "points to reverse");
        Instant now = meta.at();
        List<PointsLot> orderLots = lots.stream().filter(lot -> lot.isFromOrder(merchantId, orderId))
                .sorted(Comparator.comparing((PointsLot lot) -> !lot.isPendingAt(now)).thenComparing(Spending.ORDER))
                .toList();
        long earnedByOrder = orderLots.stream().mapToLong(PointsLot::amount).sum();
        if (points > earnedByOrder) {
            throw new IllegalArgumentException(
                    "cannot reverse " + points + " points: order " + orderId + " earned " + earnedByOrder);
        }
        List<LotAllocation> fromOrder = Spending.takeInOrder(orderLots, points);
        long takenFromOrder = Spending.sum(fromOrder);

        List<PointsLot> otherAvailable = lots.stream()
                .filter(lot -> !lot.isFromOrder(merchantId, orderId) && lot.isAvailableAt(now))
                .sorted(Spending.ORDER).toList();
        List<LotAllocation> fromOthers = Spending.takeInOrder(otherAvailable, points - takenFromOrder);
        long takenFromOthers = Spending.sum(fromOthers);

        List<LotAllocation> all = new ArrayList<>(fromOrder);
        all.addAll(fromOthers);
        LedgerChange change = all.isEmpty() ? LedgerChange.none(this) : take(EntryType.REVERSE, meta, orderId, all);
        return new ReversalOutcome(change, points, takenFromOrder, takenFromOthers,
                points - takenFromOrder - takenFromOthers);
    }

    /**
     * Writes off every lot expired at {@code now} with points left: one EXPIRE entry per lot, with the id
     * {@link LotExpiry#entryIdFor} gives it. No entries when nothing is due.
     */
    public LedgerChange expire(Instant now, Actor actor) {
        List<LedgerEntry> entries = new ArrayList<>();
        Map<String, PointsLot> changed = new LinkedHashMap<>();
        for (PointsLot lot : LotExpiry.dueLots(lots, now)) {
            entries.add(LotExpiry.entryFor(lot, programId, now, actor));
            changed.put(lot.lotId(), lot.withRemaining(0));
        }
        return new LedgerChange(replacing(changed), entries, List.copyOf(changed.values()));
    }

    /**
     * Gives spent points back to the lots they came from, e.g. when a redemption is cancelled or an order paid
     * with points is refunded: a positive ADJUST entry. {@code allocations} are those of the REDEEM entry being
     * undone; the caller makes sure it undoes each at most once. Points whose lot has expired by now are not
     * given back, as they would have burnt had they not been spent (and an expired lot is written off only
     * once); the entry's points say how many came back, and there is no entry if none did.
     */
    public LedgerChange restore(EntryMeta meta, String orderId, List<LotAllocation> allocations) {
        Map<String, PointsLot> changed = new LinkedHashMap<>();
        List<LotAllocation> restored = new ArrayList<>();
        for (LotAllocation allocation : allocations) {
            PointsLot lot = lot(allocation.lotId()).orElseThrow(
                    () -> new IllegalArgumentException("no lot " + allocation.lotId() + " to give points back to"));
            if (lot.isExpiredAt(meta.at())) {
                continue;
            }
            if (allocation.points() > lot.consumed()) {
                throw new IllegalArgumentException("lot " + lot.lotId() + " cannot take back "
                        + allocation.points() + " points: only " + lot.consumed() + " were taken from it");
            }
            changed.put(lot.lotId(), lot.withRemaining(lot.remaining() + allocation.points()));
            restored.add(allocation);
        }
        if (restored.isEmpty()) {
            return LedgerChange.none(this);
        }
        LedgerEntry entry = new LedgerEntry(meta.entryId(), memberId, programId, EntryType.ADJUST,
                Spending.sum(restored), meta.at(), meta.actor(), meta.reason(), orderId, restored);
        return new LedgerChange(replacing(changed), List.of(entry), List.copyOf(changed.values()));
    }

    /**
     * Records that a pending lot became available (for the PointsActivated event and the statement): an ACTIVATE
     * entry with zero points, naming the lot and its remaining points. The lot itself does not change, as
     * availability follows from availableAt and the clock.
     */
    public LedgerChange activate(EntryMeta meta, String lotId) {
        PointsLot lot = lot(lotId).orElseThrow(() -> new IllegalArgumentException("no lot " + lotId));
        if (!lot.isAvailableAt(meta.at()) || lot.remaining() == 0) {
            throw new IllegalStateException("lot " + lotId + " has no points becoming available at " + meta.at());
        }
        LedgerEntry entry = new LedgerEntry(meta.entryId(), memberId, programId, EntryType.ACTIVATE, 0, meta.at(),
                meta.actor(), meta.reason(), lot.sourceOrderId(), List.of(new LotAllocation(lotId, lot.remaining())));
        return new LedgerChange(this, List.of(entry), List.of());
    }

    private LedgerChange grant(EntryType type, EntryMeta meta, Accrual accrual) {
        if (lot(meta.entryId()).isPresent()) {
            throw new IllegalStateException("lot " + meta.entryId() + " already exists");
        }
        if (accrual.availableAt().isBefore(meta.at())) {
            throw new IllegalArgumentException("points cannot become available before they are earned");
        }
        PointsLot lot = new PointsLot(meta.entryId(), memberId, accrual.points(), accrual.points(), meta.at(),
                accrual.availableAt(), accrual.expiresAt(), accrual.issuingMerchantId(), accrual.sourceOrderId());
        LedgerEntry entry = new LedgerEntry(meta.entryId(), memberId, programId, type, accrual.points(), meta.at(),
                meta.actor(), meta.reason(), accrual.sourceOrderId(),
                List.of(new LotAllocation(lot.lotId(), accrual.points())));
        List<PointsLot> withNewLot = new ArrayList<>(lots);
        withNewLot.add(lot);
        return new LedgerChange(new MemberLedger(memberId, programId, withNewLot), List.of(entry), List.of(lot));
    }

    /** Removes allocated points from their lots and records them in one entry of the given (negative) type. */
    private LedgerChange take(EntryType type, EntryMeta meta, String orderId, List<LotAllocation> allocations) {
        Map<String, PointsLot> changed = new LinkedHashMap<>();
        for (LotAllocation allocation : allocations) {
            PointsLot lot = lot(allocation.lotId()).orElseThrow();
            changed.put(lot.lotId(), lot.withRemaining(lot.remaining() - allocation.points()));
        }
        LedgerEntry entry = new LedgerEntry(meta.entryId(), memberId, programId, type, -Spending.sum(allocations),
                meta.at(), meta.actor(), meta.reason(), orderId, allocations);
        return new LedgerChange(replacing(changed), List.of(entry), List.copyOf(changed.values()));
    }

    private MemberLedger replacing(Map<String, PointsLot> changed) {
        if (changed.isEmpty()) {
            return this;
        }
        List<PointsLot> updated = lots.stream().map(lot -> changed.getOrDefault(lot.lotId(), lot)).toList();
        return new MemberLedger(memberId, programId, updated);
    }
}
