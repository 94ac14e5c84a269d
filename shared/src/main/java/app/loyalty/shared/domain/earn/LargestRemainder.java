package app.loyalty.shared.domain.earn;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits a whole amount over parts in proportion to their weights, in whole minor units, with nothing lost or made
 * up (the largest remainder method): each part first gets floor(amount x weight / sum of weights); the units left
 * over go one each to the parts with the largest remainders, the earlier part first on a tie. So the shares add up
 * to the amount exactly, each is the floor or the ceiling of its exact share, and, as long as the amount is at most
 * the sum of the weights, no share exceeds its weight (a coupon spread over lines never takes a line below zero).
 */
public final class LargestRemainder {
    private LargestRemainder() {
    }

    /**
     * @param amount  0..sum(weights)
     * @param weights each at least 0
     * @return one share per weight, in the same order
     */
    public static long[] split(long amount, long[] weights) {
        long sum = 0;
        for (long weight : weights) {
            if (weight < 0) {
                throw new IllegalArgumentException("weights must not be negative");
            }
            sum = Math.addExact(sum, weight);
        }
        if (amount < 0 || amount > sum) {
            throw new IllegalArgumentException("the amount to split must be 0.." + sum + ", got " + amount);
        }
        long[] shares = new long[weights.length];
        if (amount == 0) {
            return shares;
        }
        // amount x weight reaches 10^20 for the largest baskets: exact in BigInteger, the quotient fits a long.
        BigInteger total = BigInteger.valueOf(sum);
        long[] remainders = new long[weights.length];
        long given = 0;
        for (int i = 0; i < weights.length; i++) {
            BigInteger[] division = BigInteger.valueOf(amount).multiply(BigInteger.valueOf(weights[i])).divideAndRemainder(total);
            shares[i] = division[0].longValueExact();
            remainders[i] = division[1].longValueExact();
            given += shares[i];
        }
        List<Integer> order = new ArrayList<>(weights.length);
        for (int i = 0; i < weights.length; i++) {
            order.add(i);
        }
        // Stable sort: equal remainders keep the parts' order, so the earlier part gets the unit.
        order.sort(Comparator.comparingLong((Integer i) -> remainders[i]).reversed());
        // The remainders add up to (amount - given) x sum, each below sum: more than (amount - given) of them are
        // positive, so only parts with a positive remainder (never a part of weight 0) get a unit.
        for (int k = 0; k < amount - given; k++) {
            shares[order.get(k)]++;
        }
        return shares;
    }
}
