package app.loyalty.shared.domain.ledger;

import static app.loyalty.shared.domain.ledger.LotBuilder.MEMBER;
import static app.loyalty.shared.domain.ledger.LotBuilder.PROGRAM;
import static app.loyalty.shared.domain.ledger.LotBuilder.T0;
import static app.loyalty.shared.domain.ledger.LotBuilder.days;
import static app.loyalty.shared.domain.ledger.LotBuilder.ledgerOf;
import static app.loyalty.shared.domain.ledger.LotBuilder.lot;
import static app.loyalty.shared.domain.ledger.LotBuilder.meta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberLedgerTest {

    @Test
    void accrue_createsALotNamedAfterItsEntry_withTheIssuingMerchantAndOrder() {
        Accrual accrual = new Accrual(120, "mch_shop", "ord_1", T0.plus(days(14)), T0.plus(days(365)));

        LedgerChange change = MemberLedger.empty(MEMBER, PROGRAM).accrue(meta("ent_acc", T0), accrual);

        PointsLot lot = change.changedLots().getFirst();
        assertThat(lot).isEqualTo(new PointsLot("ent_acc", MEMBER, 120, 120, T0, T0.plus(days(14)),
                T0.plus(days(365)), "mch_shop", "ord_1"));
        LedgerEntry entry = change.entry();
        assertThat(entry.type()).isEqualTo(EntryType.ACCRUE);
        assertThat(entry.points()).isEqualTo(120);
        assertThat(entry.orderId()).isEqualTo("ord_1");
        assertThat(entry.allocations()).containsExactly(new LotAllocation("ent_acc", 120));
        assertThat(change.ledger().balanceAt(T0, Duration.ZERO)).isEqualTo(new Balance(0, 120, 0, 0, 120));
    }

    @Test
    void accrue_refusesAnAccrualWithoutOrder_orAvailableBeforeEarned_orAReusedId() {
        MemberLedger ledger = ledgerOf(lot("ent_acc"));

        assertThatThrownBy(() -> ledger.accrue(meta("ent_new", T0), new Accrual(1, "mch_1", null, T0, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.accrue(meta("ent_new", T0), new Accrual(1, "mch_1", "o", T0.minusNanos(1), null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.accrue(meta("ent_acc", T0), new Accrual(1, "mch_1", "o", T0, null)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void operations_returnANewLedger_andLeaveTheOriginalUntouched() {
        MemberLedger original = ledgerOf(lot("a").points(100));

        original.spend(meta("ent_spend", T0), 60, "ord_1");
        original.adjustDown(meta("ent_down", T0), 10);
        original.accrue(meta("ent_acc", T0), new Accrual(5, "mch_1", "ord_2", T0, null));

        assertThat(original).isEqualTo(ledgerOf(lot("a").points(100)));
    }

    @Test
    void adjustUp_createsALotWithoutOrder_availableWhenTheGrantSays() {
        LedgerChange change = MemberLedger.empty(MEMBER, PROGRAM)
                .adjustUp(new EntryMeta("ent_adj", T0, Actor.operator("op_1"), "goodwill"),
                        new Accrual(30, "mch_1", null, T0, null));

        assertThat(change.entry().type()).isEqualTo(EntryType.ADJUST);
        assertThat(change.entry().points()).isEqualTo(30);
        assertThat(change.entry().actor()).isEqualTo(Actor.operator("op_1"));
        assertThat(change.ledger().balanceAt(T0, Duration.ZERO).available()).isEqualTo(30);
    }

    @Test
    void adjustDown_takesAvailablePointsInSpendingOrder_andRefusesToGoNegative() {
        MemberLedger ledger = ledgerOf(lot("late").points(10).expiresAt(T0.plus(days(9))),
                lot("soon").points(10).expiresAt(T0.plus(days(1))));

        LedgerChange change = ledger.adjustDown(meta("ent_down", T0), 12);

        assertThat(change.entry().points()).isEqualTo(-12);
        assertThat(change.entry().allocations()).containsExactly(new LotAllocation("soon", 10), new LotAllocation("late", 2));
        assertThatThrownBy(() -> ledger.adjustDown(meta("ent_down", T0), 21)).isInstanceOf(InsufficientPointsException.class);
    }

    @Test
    void restore_givesSpentPointsBackToTheLotsTheyCameFrom() {
        MemberLedger ledger = ledgerOf(lot("soon").points(10).expiresAt(T0.plus(days(1))),
                lot("late").points(10).expiresAt(T0.plus(days(9))));
        LedgerChange spent = ledger.spend(meta("ent_spend", T0), 15, "ord_1");

        LedgerChange restored = spent.ledger().restore(meta("ent_cancel", T0), "ord_1", spent.entry().allocations());

        assertThat(restored.entry().type()).isEqualTo(EntryType.ADJUST);
        assertThat(restored.entry().points()).isEqualTo(15);
        assertThat(restored.entry().allocations()).isEqualTo(spent.entry().allocations());
        assertThat(restored.ledger()).isEqualTo(ledger);
    }

    @Test
    void restore_leavesOutPointsWhoseLotExpiredMeanwhile() {
        MemberLedger ledger = ledgerOf(lot("soon").points(10).expiresAt(T0.plus(days(1))),
                lot("late").points(10).expiresAt(T0.plus(days(9))));
        LedgerChange spent = ledger.spend(meta("ent_spend", T0), 15, "ord_1");

        LedgerChange restored = spent.ledger().restore(meta("ent_cancel", T0.plus(days(1))), "ord_1",
                spent.entry().allocations());

        assertThat(restored.entry().allocations()).containsExactly(new LotAllocation("late", 5));
        assertThat(restored.ledger().lot("soon").orElseThrow().remaining()).isZero();
    }

    @Test
    void restore_refusesToGiveBackMoreThanWasTakenFromALot() {
        MemberLedger ledger = ledgerOf(lot("a").points(10).remaining(8));

        assertThatThrownBy(() -> ledger.restore(meta("ent_cancel", T0), "ord_1", List.of(new LotAllocation("a", 3))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.restore(meta("ent_cancel", T0), "ord_1", List.of(new LotAllocation("zz", 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void activate_recordsAZeroPointEntryNamingTheLot_onceItIsAvailable() {
        MemberLedger ledger = ledgerOf(lot("p").points(40).remaining(30).order("ord_1").earnedAt(T0.minus(days(14)))
                .availableAt(T0));

        LedgerChange change = ledger.activate(meta("ent_act", T0), "p");

        assertThat(change.entry().type()).isEqualTo(EntryType.ACTIVATE);
        assertThat(change.entry().points()).isZero();
        assertThat(change.entry().allocations()).containsExactly(new LotAllocation("p", 30));
        assertThat(change.ledger()).isEqualTo(ledger);
        assertThatThrownBy(() -> ledger.activate(meta("ent_act", T0.minusNanos(1)), "p"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void constructor_refusesLotsOfAnotherMember_orTheSameLotTwice() {
        PointsLot foreign = new PointsLot("x", "mbr_other", 1, 1, T0, T0, null, "mch_1", null);

        assertThatThrownBy(() -> new MemberLedger(MEMBER, PROGRAM, List.of(foreign)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledgerOf(lot("a"), lot("a"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lots_cannotBeModifiedThroughTheLedger() {
        MemberLedger ledger = ledgerOf(lot("a"));

        assertThatThrownBy(() -> ledger.lots().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
