package app.loyalty.shared.domain.earn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import app.loyalty.shared.domain.Money;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProportionalReturnTest {

    private static Money eur(long minor) {
        return Money.of(minor, "EUR");
    }

    @Test
    void returnsAddingUpToTheOrder_reverseExactlyItsPoints_withoutDrift() {
        // 10.00 EUR that earned 70 points, returned in three parts.
        assertThat(ProportionalReturn.pointsToReverse(70, eur(1000), List.of(eur(333), eur(333), eur(334))))
                .containsExactly(23L, 23L, 24L);
        // Three thirds of 10 points: 3 + 3 + 4, not 3 + 3 + 3.
        assertThat(ProportionalReturn.pointsToReverse(10, eur(300), List.of(eur(100), eur(100), eur(100))))
                .containsExactly(3L, 3L, 4L);
    }

    @Test
    void aReturnWorthLessThanAPoint_reversesNothingNow_andIsCaughtUpByTheNext() {
        assertThat(ProportionalReturn.pointsToReverse(10, eur(1000), List.of(eur(50), eur(50), eur(900))))
                .containsExactly(0L, 1L, 9L);
    }

    @Test
    void returnAmount_refusesMoreThanIsLeftToReturn() {
        ProportionalReturn afterFirst = ProportionalReturn.of(70, eur(1000)).returnAmount(eur(600)).after();

        assertThatThrownBy(() -> afterFirst.returnAmount(eur(401)))
                .isInstanceOfSatisfying(ReturnExceedsPurchaseException.class,
                        e -> assertThat(e.returnable()).isEqualTo(eur(400)));
        assertThat(afterFirst.returnAmount(eur(400)).after().isFullyReturned()).isTrue();
    }

    @Test
    void returnAmount_refusesZeroOrAnotherCurrency() {
        ProportionalReturn order = ProportionalReturn.of(70, eur(1000));

        assertThatThrownBy(() -> order.returnAmount(eur(0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> order.returnAmount(Money.of(10, "USD"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reversedSoFar_followsFromWhatWasReturned() {
        assertThat(new ProportionalReturn(70, eur(1000), eur(500)).reversedSoFar()).isEqualTo(35);
        assertThat(new ProportionalReturn(70, eur(1000), eur(1000)).reversedSoFar()).isEqualTo(70);
    }

    @Test
    void returnsAddingUpToTheWholeOrder_reverseExactlyTheOriginalPoints_andNeverMoreOnTheWay() {
        qt().withExamples(1000)
                .forAll(longs().between(0, 10_000_000), longs().between(1, 10_000_000_000L),
                        lists().of(integers().between(1, 1000)).ofSizeBetween(1, 12))
                .checkAssert((points, amount, weights) -> {
                    List<Money> returns = split(amount, weights);

                    List<Long> reversed = ProportionalReturn.pointsToReverse(points, eur(amount), returns);

                    long cumulativePoints = 0;
                    long cumulativeAmount = 0;
                    for (int i = 0; i < reversed.size(); i++) {
                        assertThat(reversed.get(i)).isNotNegative();
                        cumulativePoints += reversed.get(i);
                        cumulativeAmount += returns.get(i).minorUnits();
                        assertThat(cumulativePoints).isLessThanOrEqualTo(points)
                                .isEqualTo(BigInteger.valueOf(points).multiply(BigInteger.valueOf(cumulativeAmount))
                                        .divide(BigInteger.valueOf(amount)).longValueExact());
                    }
                    assertThat(cumulativePoints).isEqualTo(points);
                });
    }

    /** Splits an amount into positive parts roughly in proportion to the weights (fewer parts if it is small). */
    private static List<Money> split(long amount, List<Integer> weights) {
        long weightSum = weights.stream().mapToLong(Integer::longValue).sum();
        List<Money> parts = new ArrayList<>();
        long given = 0;
        for (int i = 0; i < weights.size() - 1; i++) {
            long part = amount * weights.get(i) / weightSum;
            if (part > 0 && given + part < amount) {
                parts.add(eur(part));
                given += part;
            }
        }
        parts.add(eur(amount - given));
        return parts;
    }
}
