package app.loyalty.shared.domain.ledger;

import static app.loyalty.shared.domain.ledger.LotBuilder.T0;
import static app.loyalty.shared.domain.ledger.LotBuilder.lot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PointsLotTest {

    @Test
    void constructor_refusesRemainingAboveAmountOrBelowZero() {
        assertThatThrownBy(() -> lot("a").points(10).remaining(11).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lot("a").points(10).remaining(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThat(lot("a").points(10).remaining(0).build().isExhausted()).isTrue();
    }

    @Test
    void constructor_refusesALotWithoutIssuingMerchant() {
        assertThatThrownBy(() -> lot("a").merchant(" ").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lot("a").merchant(null).build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructor_refusesTimesOutOfOrder() {
        assertThatThrownBy(() -> lot("a").earnedAt(T0).availableAt(T0.minusSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lot("a").earnedAt(T0).expiresAt(T0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isExpiredAt_isTrue_whenExpiresAtIsExactlyNow() {
        PointsLot lot = lot("a").expiresAt(T0).build();

        assertThat(lot.isExpiredAt(T0.minusNanos(1))).isFalse();
        assertThat(lot.isAvailableAt(T0.minusNanos(1))).isTrue();
        assertThat(lot.isExpiredAt(T0)).isTrue();
        assertThat(lot.isAvailableAt(T0)).isFalse();
    }

    @Test
    void isAvailableAt_isTrue_whenAvailableAtIsExactlyNow() {
        PointsLot lot = lot("a").earnedAt(T0.minusSeconds(60)).availableAt(T0).build();

        assertThat(lot.isPendingAt(T0.minusNanos(1))).isTrue();
        assertThat(lot.isAvailableAt(T0.minusNanos(1))).isFalse();
        assertThat(lot.isAvailableAt(T0)).isTrue();
        assertThat(lot.isPendingAt(T0)).isFalse();
    }

    @Test
    void lotWithoutExpiry_neverExpires() {
        assertThat(lot("a").build().isExpiredAt(T0.plusSeconds(10L * 365 * 24 * 3600))).isFalse();
    }

    @Test
    void lotExpiringBeforeItActivates_countsAsExpiredNotPending() {
        PointsLot lot = lot("a").earnedAt(T0).availableAt(T0.plusSeconds(100)).expiresAt(T0.plusSeconds(50)).build();

        assertThat(lot.isPendingAt(T0.plusSeconds(60))).isFalse();
        assertThat(lot.isExpiredAt(T0.plusSeconds(60))).isTrue();
    }
}
