package app.loyalty.shared.domain.ledger;

import static app.loyalty.shared.domain.ledger.LotBuilder.T0;
import static app.loyalty.shared.domain.ledger.LotBuilder.days;
import static app.loyalty.shared.domain.ledger.LotBuilder.lot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BalanceTest {

    @Test
    void balance_putsEachLotInExactlyOneBucket_atTheBoundaries() {
        List<PointsLot> lots = List.of(
                lot("availableNow").points(1).earnedAt(T0.minusSeconds(10)).availableAt(T0).build(),
                lot("pendingUntilJustAfterNow").points(10).earnedAt(T0.minusSeconds(10)).availableAt(T0.plusNanos(1)).build(),
                lot("expiresExactlyNow").points(100).expiresAt(T0).build(),
                lot("expiresJustAfterNow").points(1000).expiresAt(T0.plusNanos(1)).build());

        Balance balance = Balance.of(lots, T0, Duration.ZERO);

        assertThat(balance.available()).isEqualTo(1 + 1000);
        assertThat(balance.pending()).isEqualTo(10);
        assertThat(balance.expired()).isEqualTo(100);
        assertThat(balance.total()).isEqualTo(1111);
    }

    @Test
    void balance_totalIsTheSumOfRemainders_notOfAmounts() {
        List<PointsLot> lots = List.of(lot("a").points(100).remaining(30).build(), lot("b").points(50).remaining(0).build());

        assertThat(Balance.of(lots, T0, Duration.ZERO)).isEqualTo(new Balance(30, 0, 0, 0, 30));
    }

    @Test
    void expiringSoon_includesLotsExpiringAtTheEndOfTheWindow_andNotBeyondOrNever() {
        List<PointsLot> lots = List.of(
                lot("atWindowEnd").points(1).expiresAt(T0.plus(days(30))).build(),
                lot("justBeyond").points(10).expiresAt(T0.plus(days(30)).plusNanos(1)).build(),
                lot("never").points(100).build(),
                lot("pendingButExpiringSoon").points(1000).earnedAt(T0).availableAt(T0.plus(days(1)))
                        .expiresAt(T0.plus(days(2))).build(),
                lot("alreadyExpired").points(10000).expiresAt(T0).build());

        assertThat(Balance.of(lots, T0, days(30)).expiringSoon()).isEqualTo(1 + 1000);
    }

    @Test
    void balance_ofNoLots_isZero() {
        assertThat(Balance.of(List.of(), T0, days(30))).isEqualTo(Balance.ZERO);
    }

    @Test
    void balance_refusesANegativeWindow() {
        assertThatThrownBy(() -> Balance.of(List.of(), T0, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
