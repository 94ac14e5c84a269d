package app.loyalty.shared.domain.earn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class ExactMathTest {

    @Test
    void mulDivFloor_keepsTheFull128BitProduct() {
        // 10^10 x 10^10 overflows a long; divided by 10^10 it is 10^10 again.
        assertThat(ExactMath.mulDivFloor(10_000_000_000L, 10_000_000_000L, 10_000_000_000L)).isEqualTo(10_000_000_000L);
        assertThat(ExactMath.mulDivFloor(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(ExactMath.mulDivFloor(Long.MAX_VALUE, 3, 4)).isEqualTo(BigInteger.valueOf(Long.MAX_VALUE)
                .multiply(BigInteger.valueOf(3)).divide(BigInteger.valueOf(4)).longValueExact());
    }

    @Test
    void mulDivFloor_roundsDown() {
        assertThat(ExactMath.mulDivFloor(199, 1, 100)).isEqualTo(1);
        assertThat(ExactMath.mulDivFloor(7, 3, 2)).isEqualTo(10);
    }

    @Test
    void mulDivFloor_throwsWhenTheResultDoesNotFitALong() {
        assertThatThrownBy(() -> ExactMath.mulDivFloor(Long.MAX_VALUE, 2, 1)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> ExactMath.mulDivFloor(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void mulDivFloor_agreesWithBigInteger() {
        qt().withExamples(2000)
                .forAll(anyMagnitude(0), anyMagnitude(0), anyMagnitude(1))
                .checkAssert((a, b, c) -> {
                    BigInteger exact = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c));
                    if (exact.bitLength() < 64) {
                        assertThat(ExactMath.mulDivFloor(a, b, c)).isEqualTo(exact.longValueExact());
                    } else {
                        assertThatThrownBy(() -> ExactMath.mulDivFloor(a, b, c)).isInstanceOf(ArithmeticException.class);
                    }
                });
    }

    /**
     * Longs from min to Long.MAX_VALUE, every bit length equally often. Uniform longs are nearly all above 2^60,
     * so the product of two would almost always overflow and the path for products that fit would go untested.
     */
    private static Gen<Long> anyMagnitude(long min) {
        return integers().between(0, 62)
                .flatMap(bits -> longs().between(min, Math.max(min, (1L << (bits + 1)) - 1)));
    }
}
