package app.loyalty.shared.domain.discount;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Integer splitting of an order-level amount over lines: the largest remainder method (Hamilton). Every share
 * is floor(total x weight / sum of weights), and the minor units left over go one each to the shares with the
 * largest fractional parts, the earlier line first on a tie. So the shares add up to the total exactly, and no
 * share exceeds ceil(total x weight / sum): with total <= sum no share exceeds its weight, and a line can never
 * go negative.
 */
final class Shares {
    private Shares() {
    }

    static long[] spread(long total, long[] weights) {
        long[] shares = new long[weights.length];
        long sum = Arrays.stream(weights).sum();
        if (total == 0 || sum == 0) {
            return shares;
        }
        if (total < 0 || total > sum) {
            throw new IllegalArgumentException("cannot spread " + total + " over weights adding up to " + sum);
        }
        BigInteger bigTotal = BigInteger.valueOf(total);
        BigInteger bigSum = BigInteger.valueOf(sum);
        long[] remainders = new long[weights.length];
        long given = 0;
        for (int i = 0; i < weights.length; i++) {
            BigInteger[] division = bigTotal.multiply(BigInteger.valueOf(weights[i])).divideAndRemainder(bigSum);
            shares[i] = division[0].longValueExact();
            remainders[i] = division[1].longValueExact();
            given += shares[i];
        }
        long left = total - given;
        int[] byRemainder = IntStream.range(0, weights.length).boxed()
                .sorted(Comparator.<Integer>comparingLong(i -> remainders[i]).reversed().thenComparing(i -> i))
                .mapToInt(Integer::intValue).toArray();
        for (int k = 0; k < left; k++) {
            shares[byRemainder[k]]++;
        }
        return shares;
    }

    /** floor(amount x bp / 10000), exact for any amount a basket holds. */
    static long percent(long amount, int bp) {
        return BigInteger.valueOf(amount).multiply(BigInteger.valueOf(bp)).divide(BigInteger.valueOf(Bounds.ALL_BP))
                .longValueExact();
    }

    static long sum(long[] values) {
        long sum = 0;
        for (long value : values) {
            sum = Math.addExact(sum, value);
        }
        return sum;
    }
}
