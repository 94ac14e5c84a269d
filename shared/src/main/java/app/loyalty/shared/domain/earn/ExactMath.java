package app.loyalty.shared.domain.earn;

/**
 * Exact integer arithmetic for the earn rules, on longs only. {@code a * b} of two amounts can exceed 64 bits
 * even when {@code a * b / c} does not, so {@link #mulDivFloor} keeps the 128-bit product (Math.multiplyHigh)
 * and divides it exactly instead of overflowing or rounding early.
 */
final class ExactMath {
    private ExactMath() {
    }

    /**
     * floor(a * b / c) for a, b >= 0 and c > 0, exact.
     *
     * @throws ArithmeticException if the result does not fit in a long
     */
    static long mulDivFloor(long a, long b, long c) {
        if (a < 0 || b < 0 || c <= 0) {
            throw new IllegalArgumentException("mulDivFloor needs a, b >= 0 and c > 0");
        }
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            return low / c;
        }
        if (high >= c) {
            // The quotient would need more than 64 bits.
            throw new ArithmeticException("long overflow");
        }
        // Long division of the 128-bit (high, low) by c, one bit of low at a time. The remainder stays below
        // c < 2^63, so shifting it left never loses a bit; compareUnsigned reads the shifted value correctly.
        long remainder = high;
        long quotient = 0;
        for (int bit = 63; bit >= 0; bit--) {
            remainder = (remainder << 1) | ((low >>> bit) & 1);
            quotient <<= 1;
            if (Long.compareUnsigned(remainder, c) >= 0) {
                remainder -= c;
                quotient |= 1;
            }
        }
        if (quotient < 0) {
            throw new ArithmeticException("long overflow");
        }
        return quotient;
    }
}
