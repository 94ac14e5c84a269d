package app.loyalty.shared.domain.ledger;

import static app.loyalty.shared.domain.ledger.LotBuilder.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerEntryTest {

    private static LedgerEntry entry(EntryType type, long points, List<LotAllocation> allocations) {
        return new LedgerEntry("ent_1", "mbr_1", "prg_1", type, points, T0, Actor.system("test"), "test", null,
                allocations);
    }

    private static List<LotAllocation> one(long points) {
        return List.of(new LotAllocation("lot_1", points));
    }

    @Test
    void constructor_refusesASignTheTypeDoesNotAllow() {
        assertThatThrownBy(() -> entry(EntryType.ACCRUE, -5, one(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> entry(EntryType.REDEEM, 5, one(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> entry(EntryType.REVERSE, 5, one(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> entry(EntryType.EXPIRE, 5, one(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> entry(EntryType.ADJUST, 0, one(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> entry(EntryType.ACTIVATE, 5, one(5))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructor_refusesAllocationsThatDoNotAddUpToThePoints() {
        assertThatThrownBy(() -> entry(EntryType.REDEEM, -5, one(4))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> entry(EntryType.REDEEM, -5, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(entry(EntryType.REDEEM, -5, List.of(new LotAllocation("a", 2), new LotAllocation("b", 3))).points())
                .isEqualTo(-5);
    }

    @Test
    void constructor_refusesTheSameLotTwiceInOneEntry() {
        assertThatThrownBy(() -> entry(EntryType.REDEEM, -4,
                List.of(new LotAllocation("a", 2), new LotAllocation("a", 2)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructor_refusesAnOverlongReason() {
        String reason = "x".repeat(LedgerEntry.MAX_REASON_LENGTH + 1);
        assertThatThrownBy(() -> new LedgerEntry("e", "m", "p", EntryType.ACCRUE, 1, T0, Actor.system("t"), reason, null,
                one(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allocationPoints_mustBePositive() {
        assertThatThrownBy(() -> new LotAllocation("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void changeTo_isSignedByTheEntry_andZeroForActivation() {
        assertThat(entry(EntryType.ACCRUE, 5, one(5)).changeTo("lot_1")).isEqualTo(5);
        assertThat(entry(EntryType.REDEEM, -5, one(5)).changeTo("lot_1")).isEqualTo(-5);
        assertThat(entry(EntryType.REDEEM, -5, one(5)).changeTo("other")).isZero();
        assertThat(entry(EntryType.ACTIVATE, 0, one(5)).changeTo("lot_1")).isZero();
    }
}
