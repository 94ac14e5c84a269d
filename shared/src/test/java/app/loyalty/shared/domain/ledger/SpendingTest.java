package app.loyalty.shared.domain.ledger;

import static app.loyalty.shared.domain.ledger.LotBuilder.T0;
import static app.loyalty.shared.domain.ledger.LotBuilder.days;
import static app.loyalty.shared.domain.ledger.LotBuilder.ledgerOf;
import static app.loyalty.shared.domain.ledger.LotBuilder.lot;
import static app.loyalty.shared.domain.ledger.LotBuilder.meta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpendingTest {

    @Test
    void spend_consumesSoonestExpiringLotFirst() {
        MemberLedger ledger = ledgerOf(
                lot("later").points(100).expiresAt(T0.plus(days(20))),
                lot("sooner").points(100).expiresAt(T0.plus(days(5))));

        LedgerChange change = ledger.spend(meta("ent_spend", T0), 30, "ord_1");

        assertThat(change.entry().allocations()).containsExactly(new LotAllocation("sooner", 30));
        assertThat(change.ledger().lot("sooner").orElseThrow().remaining()).isEqualTo(70);
        assertThat(change.ledger().lot("later").orElseThrow().remaining()).isEqualTo(100);
    }

    @Test
    void spend_consumesNeverExpiringLotsLast() {
        MemberLedger ledger = ledgerOf(
                lot("never").points(100).earnedAt(T0.minus(days(300))),
                lot("expiring").points(10).expiresAt(T0.plus(days(300))));

        LedgerChange change = ledger.spend(meta("ent_spend", T0), 15, "ord_1");

        assertThat(change.entry().allocations())
                .containsExactly(new LotAllocation("expiring", 10), new LotAllocation("never", 5));
    }

    @Test
    void spend_breaksExpiryTiesByEarnedAtThenLotId() {
        MemberLedger ledger = ledgerOf(
                lot("b-older").points(10).earnedAt(T0.minus(days(9))).expiresAt(T0.plus(days(1))),
                lot("c-newest").points(10).earnedAt(T0.minus(days(1))).expiresAt(T0.plus(days(1))),
                lot("a-newest").points(10).earnedAt(T0.minus(days(1))).expiresAt(T0.plus(days(1))));

        LedgerChange change = ledger.spend(meta("ent_spend", T0), 25, "ord_1");

        assertThat(change.entry().allocations()).containsExactly(new LotAllocation("b-older", 10),
                new LotAllocation("a-newest", 10), new LotAllocation("c-newest", 5));
    }

    @Test
    void spend_skipsPendingAndExpiredLots() {
        MemberLedger ledger = ledgerOf(
                lot("expired").points(100).expiresAt(T0),
                lot("pending").points(100).earnedAt(T0.minus(days(1))).availableAt(T0.plusSeconds(1))
                        .expiresAt(T0.plus(days(1))),
                lot("usable").points(100).expiresAt(T0.plus(days(100))));

        LedgerChange change = ledger.spend(meta("ent_spend", T0), 100, "ord_1");

        assertThat(change.entry().allocations()).containsExactly(new LotAllocation("usable", 100));
    }

    @Test
    void spend_refusesMoreThanAvailable_andChangesNothing() {
        MemberLedger ledger = ledgerOf(
                lot("usable").points(50),
                lot("pending").points(100).earnedAt(T0).availableAt(T0.plus(days(1))));

        assertThatThrownBy(() -> ledger.spend(meta("ent_spend", T0), 51, "ord_1"))
                .isInstanceOfSatisfying(InsufficientPointsException.class, e -> {
                    assertThat(e.requested()).isEqualTo(51);
                    assertThat(e.available()).isEqualTo(50);
                });
        assertThat(ledger.balanceAt(T0, Duration.ZERO).available()).isEqualTo(50);
    }

    @Test
    void spend_recordsARedeemEntryOfTheSpentPoints_splitAcrossLots() {
        MemberLedger ledger = ledgerOf(
                lot("first").points(10).expiresAt(T0.plus(days(1))),
                lot("second").points(10).expiresAt(T0.plus(days(2))));

        LedgerChange change = ledger.spend(meta("ent_spend", T0), 15, "ord_9");

        LedgerEntry entry = change.entry();
        assertThat(entry.type()).isEqualTo(EntryType.REDEEM);
        assertThat(entry.points()).isEqualTo(-15);
        assertThat(entry.orderId()).isEqualTo("ord_9");
        assertThat(change.changedLots()).extracting(PointsLot::lotId, PointsLot::remaining)
                .containsExactly(tuple("first", 0L), tuple("second", 5L));
        assertThat(change.ledger().balanceAt(T0, Duration.ZERO).total()).isEqualTo(5);
    }

    @Test
    void spend_refusesZeroOrNegativePoints() {
        MemberLedger ledger = ledgerOf(lot("a"));

        assertThatThrownBy(() -> ledger.spend(meta("e", T0), 0, "ord_1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.spend(meta("e", T0), -5, "ord_1")).isInstanceOf(IllegalArgumentException.class);
    }
}
