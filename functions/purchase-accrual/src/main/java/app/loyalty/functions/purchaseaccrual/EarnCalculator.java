package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.store.OrderRepository.Line;

import java.math.BigInteger;
import java.util.List;

/**
 * The points a purchase earns under a program's earn rules, all in integers (no double anywhere):
 * <ol>
 *   <li>each line's total (quantity x unit price) is excluded when its category or SKU is excluded, else weighted
 *       by its category's multiplier in basis points (10000 = x1; default x1); no lines = one line of the total;</li>
 *   <li>the part of the bill paid with points earns nothing: the weighted amount is scaled by
 *       (total - paidWithPoints) / total;</li>
 *   <li>points = floor(weighted amount x rule.points / rule.perAmount), computed exactly and rounded down once,
 *       at the end (never per line, so splitting a basket into lines never loses points);</li>
 *   <li>a basket under the minimum basket earns nothing; the per-purchase cap then limits the result. The daily
 *       cap depends on the member's day so far and is applied by {@link #capForDay}.</li>
 * </ol>
 */
final class EarnCalculator {
    static final int ONE_X_BP = 10_000;

    private EarnCalculator() {
    }

    record Earning(long eligibleAmount, long excludedAmount, long paidWithPoints, long earningAmount,
                   long ratePoints, long ratePerAmount, boolean minimumBasketMet, long pointsBeforeCaps, long points,
                   String cappedBy) {
        Earning withDayCap(long points, boolean capped) {
            return new Earning(eligibleAmount, excludedAmount, paidWithPoints, earningAmount, ratePoints, ratePerAmount,
                    minimumBasketMet, pointsBeforeCaps, points, capped ? "day" : cappedBy);
        }
    }

    static Earning earn(ProgramRules.Earn rules, long total, List<Line> lines, long paidWithPoints) {
        long eligible = 0;
        long excluded = 0;
        BigInteger weightedBp = BigInteger.ZERO;
        if (lines.isEmpty()) {
            eligible = total;
            weightedBp = BigInteger.valueOf(total).multiply(BigInteger.valueOf(ONE_X_BP));
        }
        for (Line line : lines) {
            if (rules.excludedCategories().contains(line.category()) || rules.excludedSkus().contains(line.sku())) {
                excluded += line.total();
                continue;
            }
            eligible += line.total();
            int bp = rules.categoryMultiplierBp().getOrDefault(line.category(), ONE_X_BP);
            weightedBp = weightedBp.add(BigInteger.valueOf(line.total()).multiply(BigInteger.valueOf(bp)));
        }
        // weighted amount actually earning = weightedBp / 10000 * (total - paid) / total
        BigInteger numerator = weightedBp.multiply(BigInteger.valueOf(total - paidWithPoints));
        BigInteger denominator = BigInteger.valueOf(total).multiply(BigInteger.valueOf(ONE_X_BP));
        long earningAmount = numerator.divide(denominator).longValueExact();
        boolean minimumMet = total >= rules.minimumBasket();
        long points = minimumMet
                ? numerator.multiply(BigInteger.valueOf(rules.points()))
                        .divide(denominator.multiply(BigInteger.valueOf(rules.perAmount()))).longValueExact()
                : 0;
        long beforeCaps = points;
        String cappedBy = null;
        if (rules.maxPointsPerPurchase() != null && points > rules.maxPointsPerPurchase()) {
            points = rules.maxPointsPerPurchase();
            cappedBy = "purchase";
        }
        return new Earning(eligible, excluded, paidWithPoints, earningAmount, rules.points(), rules.perAmount(),
                minimumMet, beforeCaps, points, cappedBy);
    }

    /** Limits an earning to what is left of the member's daily cap, given the points already earned that day. */
    static Earning capForDay(Earning earning, Long dailyCap, long earnedToday) {
        if (dailyCap == null) {
            return earning;
        }
        long left = Math.max(0, dailyCap - earnedToday);
        return earning.points() > left ? earning.withDayCap(left, true) : earning;
    }
}
