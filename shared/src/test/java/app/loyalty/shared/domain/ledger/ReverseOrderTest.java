package app.loyalty.shared.domain.ledger;

import static app.loyalty.shared.domain.ledger.LotBuilder.T0;
import static app.loyalty.shared.domain.ledger.LotBuilder.days;
import static app.loyalty.shared.domain.ledger.LotBuilder.ledgerOf;
import static app.loyalty.shared.domain.ledger.LotBuilder.lot;
import static app.loyalty.shared.domain.ledger.LotBuilder.meta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReverseOrderTest {

    @Test
    void reverse_neverTakesAnotherMerchantsLotWithTheSameOrderId() {
        MemberLedger ledger = ledgerOf(
                lot("partner-pending").points(100).order("shared-1").merchant("mch_partner")
                        .earnedAt(T0).availableAt(T0.plus(days(14))).expiresAt(T0.plus(days(400))),
                lot("own").points(100).order("shared-1").expiresAt(T0.plus(days(300))));

        ReversalOutcome outcome = ledger.reverseOrder(meta("ent_rev", T0), LotBuilder.MERCHANT, "shared-1", 100);

        assertThat(outcome.change().entry().allocations()).containsExactly(new LotAllocation("own", 100));
        assertThat(outcome.change().ledger().lot("partner-pending").orElseThrow().remaining()).isEqualTo(100);
    }

    @Test
    void reverse_takesTheOrdersOwnPointsFirst_leavingOtherLotsAlone() {
        MemberLedger ledger = ledgerOf(
                lot("other").points(100).expiresAt(T0.plus(days(1))),
                lot("order").points(50).order("ord_1").expiresAt(T0.plus(days(300))));

        ReversalOutcome outcome = ledger.reverseOrder(meta("ent_rev", T0), LotBuilder.MERCHANT, "ord_1", 20);

        assertThat(outcome.change().entry().allocations()).containsExactly(new LotAllocation("order", 20));
        assertThat(outcome.change().entry().type()).isEqualTo(EntryType.REVERSE);
        assertThat(outcome.change().entry().points()).isEqualTo(-20);
        assertThat(outcome.change().entry().orderId()).isEqualTo("ord_1");
        assertThat(outcome.fromOrderLots()).isEqualTo(20);
        assertThat(outcome.isComplete()).isTrue();
    }

    @Test
    void reverse_takesPendingLotsOfTheOrderBeforeAvailableOnes() {
        MemberLedger ledger = ledgerOf(
                lot("order-available").points(10).order("ord_1").expiresAt(T0.plus(days(1))),
                lot("order-pending").points(10).order("ord_1").earnedAt(T0).availableAt(T0.plus(days(14)))
                        .expiresAt(T0.plus(days(400))));

        ReversalOutcome outcome = ledger.reverseOrder(meta("ent_rev", T0), LotBuilder.MERCHANT, "ord_1", 15);

        assertThat(outcome.change().entry().allocations())
                .containsExactly(new LotAllocation("order-pending", 10), new LotAllocation("order-available", 5));
    }

    @Test
    void reverse_takesTheAlreadySpentPartFromOtherAvailableLots_soonestExpiringFirst() {
        MemberLedger ledger = ledgerOf(
                lot("order").points(50).remaining(10).order("ord_1"),
                lot("other-late").points(100).expiresAt(T0.plus(days(90))),
                lot("other-soon").points(15).expiresAt(T0.plus(days(9))),
                lot("other-pending").points(100).earnedAt(T0).availableAt(T0.plus(days(1))),
                lot("other-expired").points(100).expiresAt(T0));

        ReversalOutcome outcome = ledger.reverseOrder(meta("ent_rev", T0), LotBuilder.MERCHANT, "ord_1", 40);

        assertThat(outcome.change().entry().allocations()).containsExactly(new LotAllocation("order", 10),
                new LotAllocation("other-soon", 15), new LotAllocation("other-late", 15));
        assertThat(outcome.fromOrderLots()).isEqualTo(10);
        assertThat(outcome.fromOtherLots()).isEqualTo(30);
        assertThat(outcome.unrecovered()).isZero();
    }

    @Test
    void reverse_reportsTheUnrecoverableShortfall_insteadOfGoingNegative() {
        MemberLedger ledger = ledgerOf(
                lot("order").points(50).remaining(5).order("ord_1"),
                lot("other").points(10));

        ReversalOutcome outcome = ledger.reverseOrder(meta("ent_rev", T0), LotBuilder.MERCHANT, "ord_1", 50);

        assertThat(outcome.reversed()).isEqualTo(15);
        assertThat(outcome.unrecovered()).isEqualTo(35);
        assertThat(outcome.change().entry().points()).isEqualTo(-15);
        Balance after = outcome.change().ledger().balanceAt(T0, Duration.ZERO);
        assertThat(after.total()).isZero();
        assertThat(after.available()).isZero();
    }

    @Test
    void reverse_withNothingLeftAnywhere_writesNoEntry_andReportsEverythingUnrecovered() {
        MemberLedger ledger = ledgerOf(lot("order").points(50).remaining(0).order("ord_1"));

        ReversalOutcome outcome = ledger.reverseOrder(meta("ent_rev", T0), LotBuilder.MERCHANT, "ord_1", 50);

        assertThat(outcome.change().isEmpty()).isTrue();
        assertThat(outcome.change().ledger()).isEqualTo(ledger);
        assertThat(outcome.unrecovered()).isEqualTo(50);
    }

    @Test
    void reverse_refusesMorePointsThanTheOrderEverEarned() {
        MemberLedger ledger = ledgerOf(lot("order").points(50).order("ord_1"), lot("other").points(500));

        assertThatThrownBy(() -> ledger.reverseOrder(meta("ent_rev", T0), LotBuilder.MERCHANT, "ord_1", 51))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.reverseOrder(meta("ent_rev", T0), LotBuilder.MERCHANT, "ord_unknown", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
