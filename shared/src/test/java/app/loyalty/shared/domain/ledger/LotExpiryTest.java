package app.loyalty.shared.domain.ledger;

import static app.loyalty.shared.domain.ledger.LotBuilder.T0;
import static app.loyalty.shared.domain.ledger.LotBuilder.days;
import static app.loyalty.shared.domain.ledger.LotBuilder.ledgerOf;
import static app.loyalty.shared.domain.ledger.LotBuilder.lot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LotExpiryTest {

    private static final Actor JOB = Actor.system("bonus-expiry");

    @Test
    void expire_writesOffALotExpiringExactlyNow() {
        MemberLedger ledger = ledgerOf(lot("due").points(100).remaining(40).expiresAt(T0));

        LedgerChange change = ledger.expire(T0, JOB);

        LedgerEntry entry = change.entry();
        assertThat(entry.type()).isEqualTo(EntryType.EXPIRE);
        assertThat(entry.points()).isEqualTo(-40);
        assertThat(entry.at()).isEqualTo(T0);
        assertThat(entry.actor()).isEqualTo(JOB);
        assertThat(entry.allocations()).containsExactly(new LotAllocation("due", 40));
        assertThat(change.ledger().lot("due").orElseThrow().remaining()).isZero();
    }

    @Test
    void expire_leavesLotsThatExpireLater_evenByANanosecond() {
        MemberLedger ledger = ledgerOf(lot("later").points(100).expiresAt(T0.plusNanos(1)), lot("never").points(5));

        LedgerChange change = ledger.expire(T0, JOB);

        assertThat(change.isEmpty()).isTrue();
        assertThat(change.ledger()).isEqualTo(ledger);
    }

    @Test
    void expire_writesOneEntryPerDueLot_skippingExhaustedOnes() {
        MemberLedger ledger = ledgerOf(
                lot("b").points(10).expiresAt(T0.minus(days(1))),
                lot("a").points(20).expiresAt(T0.minus(days(2))),
                lot("spent").points(30).remaining(0).expiresAt(T0.minus(days(3))),
                lot("alive").points(40).expiresAt(T0.plus(days(1))));

        LedgerChange change = ledger.expire(T0, JOB);

        assertThat(change.entries()).extracting(LedgerEntry::points).containsExactly(-20L, -10L);
        assertThat(change.changedLots()).extracting(PointsLot::lotId).containsExactly("a", "b");
        assertThat(change.ledger().balanceAt(T0, Duration.ZERO).total()).isEqualTo(40);
    }

    @Test
    void expire_twice_writesNothingTheSecondTime() {
        MemberLedger once = ledgerOf(lot("due").points(10).expiresAt(T0)).expire(T0, JOB).ledger();

        assertThat(once.expire(T0.plus(days(1)), JOB).entries()).isEmpty();
    }

    @Test
    void expiryEntryId_isDerivedFromTheLot_soARerunProducesTheSameId() {
        PointsLot lot = lot("ent_42").points(10).expiresAt(T0).build();

        assertThat(LotExpiry.entryFor(lot, "prg_1", T0, JOB).entryId())
                .isEqualTo(LotExpiry.entryFor(lot, "prg_1", T0.plusSeconds(5), JOB).entryId())
                .isEqualTo(LotExpiry.entryIdFor(lot))
                .contains("ent_42");
    }

    @Test
    void entryFor_refusesALotThatIsNotDue() {
        PointsLot lot = lot("alive").points(10).expiresAt(T0.plusSeconds(1)).build();

        assertThatThrownBy(() -> LotExpiry.entryFor(lot, "prg_1", T0, JOB)).isInstanceOf(IllegalArgumentException.class);
    }
}
