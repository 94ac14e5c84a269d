package app.loyalty.shared.domain.earn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

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

    @Property(tries = 2000)
    void mulDivFloor_agreesWithBigInteger(@ForAll @LongRange(min = 0) long a, @ForAll @LongRange(min = 0) long b,
                                          @ForAll @LongRange(min = 1) long c) {
        BigInteger exact = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c));
        if (exact.bitLength() < 64) {
            assertThat(ExactMath.mulDivFloor(a, b, c)).isEqualTo(exact.longValueExact());
        } else {
            assertThatThrownBy(() -> ExactMath.mulDivFloor(a, b, c)).isInstanceOf(ArithmeticException.class);
        }
    }
}
