package app.loyalty.shared.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Random sequences of accruals, spends, returns, expiry runs, adjustments, give-backs and clock moves, with the
 * ledger invariants of DESIGN section 3 checked after every single step. Expiry and availability fall on whole
 * hours and the clock moves in whole hours, so "expiresAt == now" and "availableAt == now" happen often.
 */
class MemberLedgerPropertiesTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> MERCHANTS = List.of("mch_a", "mch_b", "mch_c");
    private static final Actor JOB = Actor.system("bonus-expiry");

    sealed interface Step {
    }

    record Accrue(long points, int merchant, int pendingHours, Integer expiresAfterHours) implements Step {
    }

    record Spend(long points) implements Step {
    }

    /** Returns part of a previous order; {@code orderPick} chooses which, {@code points} is capped at what is left. */
    record Reverse(int orderPick, long points) implements Step {
    }

    record Expire() implements Step {
    }

    record AdvanceClock(int hours) implements Step {
    }

    record AdjustUp(long points, int merchant) implements Step {
    }

    record AdjustDown(long points) implements Step {
    }

    /** Cancels a previous redemption, giving its points back; {@code redeemPick} chooses which. */
    record Restore(int redeemPick) implements Step {
    }

    @Test
    void ledgerInvariantsHoldAfterEveryStep() {
        qt().withExamples(400).forAll(steps()).checkAssert(steps -> {
            Simulation simulation = new Simulation();
            for (Step step : steps) {
                simulation.apply(step);
                simulation.checkInvariants();
            }
        });
    }

    private static Gen<List<Step>> steps() {
        Gen<Step> accrue = longs().between(1, 500).zip(
                integers().between(0, MERCHANTS.size() - 1),
                integers().between(0, 48),
                orNull(integers().between(1, 300), 20), Accrue::new);
        Gen<Step> spend = longs().between(1, 800).map(Spend::new);
        Gen<Step> reverse = integers().between(0, 50).zip(longs().between(1, 500), Reverse::new);
        Gen<Step> expire = Generate.constant(new Expire());
        Gen<Step> advance = integers().between(0, 120).map(AdvanceClock::new);
        Gen<Step> adjustUp = longs().between(1, 200).zip(integers().between(0, MERCHANTS.size() - 1), AdjustUp::new);
        Gen<Step> adjustDown = longs().between(1, 300).map(AdjustDown::new);
        Gen<Step> restore = integers().between(0, 50).map(Restore::new);
        Gen<Step> step = Generate.frequency(List.of(
                Pair.of(5, accrue), Pair.of(4, spend),
                Pair.of(3, reverse), Pair.of(2, expire),
                Pair.of(4, advance), Pair.of(1, adjustUp),
                Pair.of(1, adjustDown), Pair.of(2, restore)));
        return lists().of(step).ofSizeBetween(0, 60);
    }

    /** The value, or null {@code percentNull} percent of the time (a lot that never expires). */
    private static <T> Gen<T> orNull(Gen<T> values, int percentNull) {
        return integers().between(1, 100).zip(values, (roll, value) -> roll <= percentNull ? null : value);
    }

    /** The ledger under test plus what a caller would keep around it: entries written, orders, redemptions. */
    private static final class Simulation {
        private MemberLedger ledger = MemberLedger.empty("mbr_1", "prg_1");
        private Instant now = START;
        private final List<LedgerEntry> entries = new ArrayList<>();
        private final List<String> orders = new ArrayList<>();
        /** Order ids are unique per merchant only; the issuing merchant is part of an order's identity. */
        private final java.util.Map<String, String> orderMerchants = new java.util.HashMap<>();
        private final Map<String, Long> reversedByOrder = new HashMap<>();
        private final List<LedgerEntry> unrestoredRedemptions = new ArrayList<>();
        private int nextId;

        void apply(Step step) {
            switch (step) {
                case Accrue accrue -> accrue(accrue);
                case Spend spend -> spend(spend.points());
                case Reverse reverse -> reverse(reverse);
                case Expire ignored -> expire();
                case AdvanceClock advance -> now = now.plus(Duration.ofHours(advance.hours()));
                case AdjustUp up -> commit(ledger.adjustUp(meta("goodwill"),
                        new Accrual(up.points(), MERCHANTS.get(up.merchant()), null, now, null)));
                case AdjustDown down -> adjustDown(down.points());
                case Restore restore -> restore(restore.redeemPick());
            }
        }

        private void accrue(Accrue accrue) {
            String orderId = "ord_" + nextId;
            Instant expiresAt = accrue.expiresAfterHours() == null ? null
                    : now.plus(Duration.ofHours(accrue.expiresAfterHours()));
            commit(ledger.accrue(meta("purchase"), new Accrual(accrue.points(), MERCHANTS.get(accrue.merchant()),
                    orderId, now.plus(Duration.ofHours(accrue.pendingHours())), expiresAt)));
            orders.add(orderId);
            orderMerchants.put(orderId, MERCHANTS.get(accrue.merchant()));
        }

        private void spend(long points) {
            long available = Spending.available(ledger.lots(), now);
            if (points > available) {
                MemberLedger before = ledger;
                assertThatThrownBy(() -> ledger.spend(meta("discount"), points, "ord_spend"))
                        .isInstanceOf(InsufficientPointsException.class);
                assertThat(ledger).isEqualTo(before);
                return;
            }
            LedgerChange change = ledger.spend(meta("discount"), points, "ord_spend");
            assertOnlyAvailableLotsWereTaken(change.entry());
            commit(change);
            unrestoredRedemptions.add(change.entry());
        }

        private void adjustDown(long points) {
            if (points > Spending.available(ledger.lots(), now)) {
                assertThatThrownBy(() -> ledger.adjustDown(meta("correction"), points))
                        .isInstanceOf(InsufficientPointsException.class);
                return;
            }
            LedgerChange change = ledger.adjustDown(meta("correction"), points);
            assertOnlyAvailableLotsWereTaken(change.entry());
            commit(change);
        }

        private void reverse(Reverse reverse) {
            if (orders.isEmpty()) {
                return;
            }
            String orderId = orders.get(reverse.orderPick() % orders.size());
            long earned = ledger.lots().stream().filter(lot -> lot.isFromOrder(orderMerchants.get(orderId), orderId)).mapToLong(PointsLot::amount).sum();
            long leftToReverse = earned - reversedByOrder.getOrDefault(orderId, 0L);
            if (leftToReverse == 0) {
                return;
            }
            long points = 1 + (reverse.points() - 1) % leftToReverse;
            ReversalOutcome outcome = ledger.reverseOrder(meta("return"), orderMerchants.get(orderId), orderId, points);
            assertThat(outcome.reversed() + outcome.unrecovered()).isEqualTo(points);
            assertThat(outcome.change().points()).isEqualTo(-outcome.reversed());
            commit(outcome.change());
            reversedByOrder.merge(orderId, points, Long::sum);
            if (outcome.unrecovered() > 0) {
                // The policy leaves points untaken only when nothing it may take is left.
                assertThat(ledger.lots()).filteredOn(lot -> lot.isFromOrder(orderMerchants.get(orderId), orderId) || lot.isAvailableAt(now))
                        .allSatisfy(lot -> assertThat(lot.remaining()).isZero());
            }
        }

        private void expire() {
            commit(ledger.expire(now, JOB));
            assertThat(ledger.lots()).filteredOn(lot -> lot.isExpiredAt(now))
                    .allSatisfy(lot -> assertThat(lot.remaining()).isZero());
        }

        private void restore(int pick) {
            if (unrestoredRedemptions.isEmpty()) {
                return;
            }
            LedgerEntry redemption = unrestoredRedemptions.remove(pick % unrestoredRedemptions.size());
            commit(ledger.restore(meta("redemption-cancelled"), redemption.orderId(), redemption.allocations()));
        }

        private void assertOnlyAvailableLotsWereTaken(LedgerEntry entry) {
            for (LotAllocation allocation : entry.allocations()) {
                assertThat(ledger.lot(allocation.lotId()).orElseThrow().isAvailableAt(now))
                        .as("lot %s taken by %s is available", allocation.lotId(), entry.type()).isTrue();
            }
        }

        private EntryMeta meta(String reason) {
            return new EntryMeta("ent_" + nextId++, now, Actor.merchant("mch_a"), reason);
        }

        private void commit(LedgerChange change) {
            entries.addAll(change.entries());
            ledger = change.ledger();
        }

        void checkInvariants() {
            Balance balance = ledger.balanceAt(now, Duration.ofHours(24));
            long sumOfRemainders = ledger.lots().stream().mapToLong(PointsLot::remaining).sum();
            long sumOfEntries = entries.stream().mapToLong(LedgerEntry::points).sum();

            assertThat(balance.total()).as("balance == sum of lot remainders").isEqualTo(sumOfRemainders);
            assertThat(sumOfEntries).as("sum of entries == balance").isEqualTo(balance.total());
            assertThat(balance.available()).as("available never negative").isNotNegative();
            assertThat(balance.pending()).isNotNegative();
            assertThat(balance.expired()).isNotNegative();
            assertThat(balance.available()).isEqualTo(Spending.available(ledger.lots(), now));
            assertThat(balance.expiringSoon()).isBetween(0L, balance.available() + balance.pending());

            Set<String> entryIds = new HashSet<>();
            assertThat(entries).allSatisfy(entry -> assertThat(entryIds.add(entry.entryId())).isTrue());

            for (PointsLot lot : ledger.lots()) {
                assertThat(lot.remaining()).as("0 <= remaining <= amount").isBetween(0L, lot.amount());
                assertThat(lot.issuingMerchantId()).as("every lot has its issuing merchant").isIn(MERCHANTS);
                // Traceability: the lot is exactly what the entries touching it made of it.
                LedgerEntry origin = entries.stream().filter(entry -> entry.entryId().equals(lot.lotId()))
                        .findFirst().orElseThrow();
                assertThat(origin.points()).isEqualTo(lot.amount());
                long netChange = entries.stream().mapToLong(entry -> entry.changeTo(lot.lotId())).sum();
                assertThat(netChange).as("entries touching lot %s", lot.lotId()).isEqualTo(lot.remaining());
            }
        }
    }
}
