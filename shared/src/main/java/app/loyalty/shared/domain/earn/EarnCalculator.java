package app.loyalty.shared.domain.earn;

import app.loyalty.shared.domain.Money;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The points a purchase earns. Pure and integer-only (longs, exact products, no double):
 * <ol>
 *   <li>rules: the member's kind picks the staff rules when the program has them;</li>
 *   <li>adjustments: of the order-level adjustments only the kinds the rules count take part
 *       ({@link EarnRules#countedAdjustments()}): a counted shipping, tax or fee is one more uncategorised piece at
 *       x1; the counted coupons (at most what the pieces add up to) are spread over the lines and counted charges in
 *       proportion to their totals, largest remainder in whole minor units ({@link LargestRemainder}), so no piece
 *       goes below zero and exclusions and multipliers still apply per line. Uncounted adjustments neither add nor
 *       take off;</li>
 *   <li>weighting: each piece's net total (line total less its coupon share) times its multiplier in basis points,
 *       0 for an excluded category or SKU; no lines = one line of the goods (total less adjustments) at x1.
 *       W = the sum;</li>
 *   <li>points payments earn nothing: W is scaled by (total - paidWithPoints) / total;</li>
 *   <li>rate and rounding: points = floor(W x (total - paid) x rate.points / (total x 10000 x rate.perMinorUnits)),
 *       computed exactly and <b>rounded down once for the whole purchase</b>, so splitting a basket into more
 *       lines never loses a point (1.50 + 1.50 at 1 point per 1.00 earns 3, not 2);</li>
 *   <li>a total below the minimum basket earns 0;</li>
 *   <li>caps: first the per-purchase cap, then what is left of the daily cap given the points already earned
 *       today (never below 0);</li>
 *   <li>time: the pending period (the returns window) runs from the purchase: available at 00:00Z after the UTC day
 *       of purchasedAt + pendingDays x 24 h (at once without pending days), but never before earnedAt (a lot cannot be spendable before it exists,
 *       so a purchase recorded after its window has passed is available at once); expiry per the rules'
 *       {@link ExpiryPolicy} from earnedAt and availableAt.</li>
 * </ol>
 * Intermediate products are exact (128-bit or BigInteger where they can exceed 64 bits); a result that does not
 * fit a long throws ArithmeticException (far beyond any amount the API accepts).
 */
public final class EarnCalculator {

    private EarnCalculator() {
    }

    public static Earning calculate(EarnRules programRules, Purchase purchase) {
        EarnRules rules = programRules.rulesFor(purchase.memberKind());
        Money total = purchase.total();
        if (!total.hasCurrency(rules.currency())) {
            throw new IllegalArgumentException("the purchase is in " + total.currency() + " but the program earns in "
                    + rules.currency());
        }
        // The pieces that can earn: the goods (the lines, or one line of the goods without lines) and the charges
        // (shipping, tax, fees) the rules count. Counted coupons are spread over them in proportion, in whole minor
        // units (largest remainder), so each line keeps its own exclusion and multiplier and none goes below zero.
        List<BasketLine> goods = purchase.goods();
        List<Adjustment> countedCharges = new ArrayList<>();
        long countedOff = 0;
        long counted = 0;
        long uncounted = 0;
        for (Adjustment adjustment : purchase.adjustments()) {
            if (!rules.counts(adjustment.kind())) {
                uncounted = Math.addExact(uncounted, adjustment.amount());
                continue;
            }
            counted = Math.addExact(counted, adjustment.amount());
            if (adjustment.amount() < 0) {
                countedOff = Math.subtractExact(countedOff, adjustment.amount());
            } else {
                countedCharges.add(adjustment);
            }
        }
        long[] amounts = new long[goods.size() + countedCharges.size()];
        long piecesTotal = 0;
        for (int i = 0; i < amounts.length; i++) {
            amounts[i] = i < goods.size() ? goods.get(i).lineTotal() : countedCharges.get(i - goods.size()).amount();
            piecesTotal = Math.addExact(piecesTotal, amounts[i]);
        }
        long[] shares = LargestRemainder.split(Math.min(countedOff, piecesTotal), amounts);

        List<Earning.LineEarning> lineEarnings = new ArrayList<>(amounts.length);
        long eligible = 0;
        long excluded = 0;
        long weighted = 0;
        for (int i = 0; i < amounts.length; i++) {
            boolean isLine = i < goods.size();
            BasketLine line = isLine ? goods.get(i) : null;
            Earning.Exclusion exclusion = isLine ? rules.exclusionOf(line) : null;
            int multiplier = isLine ? rules.multiplierBpsFor(line) : EarnRules.ONE_X_BPS;
            Earning.LineEarning earning = new Earning.LineEarning(
                    isLine ? line.sku() : "adjustment:" + countedCharges.get(i - goods.size()).kind().wireName(),
                    isLine ? line.category() : null, amounts[i], multiplier, exclusion, -shares[i]);
            lineEarnings.add(earning);
            long net = earning.netTotal();
            if (exclusion != null) {
                excluded = Math.addExact(excluded, net);
            } else {
                eligible = Math.addExact(eligible, net);
                weighted = Math.addExact(weighted, Math.multiplyExact(net, multiplier));
            }
        }

        long totalMinor = total.minorUnits();
        long paidWithMoney = totalMinor - purchase.paidWithPoints().minorUnits();
        boolean minimumMet = !total.isLessThan(rules.minimumBasket());
        long earningAmount = totalMinor == 0 ? 0
                : ExactMath.mulDivFloor(weighted, paidWithMoney, totalMinor) / EarnRules.ONE_X_BPS;
        long points = minimumMet && totalMinor > 0 ? ratePoints(weighted, paidWithMoney, totalMinor, rules.rate()) : 0;
        long beforeCaps = points;

        Earning.Cap cappedBy = Earning.Cap.NONE;
        if (points > rules.maxPointsPerPurchase()) {
            points = rules.maxPointsPerPurchase();
            cappedBy = Earning.Cap.PURCHASE;
        }
        // Without a daily cap there is nothing to cut: NO_CAP is not a figure to subtract from.
        long leftToday = rules.maxPointsPerDay() == EarnRules.NO_CAP ? Long.MAX_VALUE
                : Math.max(0, rules.maxPointsPerDay() - purchase.pointsEarnedToday());
        if (points > leftToday) {
            points = leftToday;
            cappedBy = Earning.Cap.DAY;
        }

        Instant earnedAt = purchase.earnedAt();
        // The returns window ends with the UTC day purchasedAt + pendingDays falls on, so the points of a day's
        // purchases become available together at the next midnight: a member's pending points then change on at most
        // one instant per day, which keeps the member's figures (PointsFigures) small. No pending days: at once.
        Instant availableAt = earnedAt;
        if (rules.pendingDays() > 0) {
            LocalDate lastDay = LocalDate.ofInstant(purchase.purchasedAt().plus(Duration.ofDays(rules.pendingDays())), ZoneOffset.UTC);
            Instant windowEnds = lastDay.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            availableAt = windowEnds.isBefore(earnedAt) ? earnedAt : windowEnds;
        }
        Instant expiresAt = rules.expiry().expiresAt(earnedAt, availableAt).orElse(null);
        Earning.Breakdown breakdown = new Earning.Breakdown(lineEarnings, eligible, excluded,
                purchase.paidWithPoints().minorUnits(), earningAmount, rules.rate(), minimumMet, beforeCaps, cappedBy,
                counted, uncounted);
        return new Earning(points, availableAt, expiresAt, breakdown);
    }

    /**
     * The part of a purchase's total its points stand for, which returns reverse points in proportion to
     * ({@link ProportionalReturn}): the total less the shipping, tax and fees the rules do not count (those earned
     * nothing, so refunding them reverses nothing). When that leaves nothing although the purchase may have earned
     * (a coupon as large as the goods plus uncounted charges), the whole total.
     */
    public static long pointsBase(EarnRules programRules, Purchase purchase) {
        EarnRules rules = programRules.rulesFor(purchase.memberKind());
        long base = purchase.total().minorUnits();
        for (Adjustment adjustment : purchase.adjustments()) {
            if (adjustment.amount() > 0 && !rules.counts(adjustment.kind())) {
                base = Math.subtractExact(base, adjustment.amount());
            }
        }
        return base > 0 ? base : purchase.total().minorUnits();
    }

    /**
     * floor(weighted x paid x rate.points / (total x 10000 x rate.perMinorUnits)), exact and rounded once. For the
     * largest amounts, multipliers and rates a program accepts the numerator reaches about 10^15 x 10^10 x 10^6
     * and the denominator 10^10 x 10^4 x 10^8, both far beyond a long, so both are BigIntegers; only the result
     * must fit a long (it is at most about 10^17).
     */
    static long ratePoints(long weightedBps, long paidWithMoney, long total, EarnRate rate) {
        BigInteger numerator = BigInteger.valueOf(weightedBps).multiply(BigInteger.valueOf(paidWithMoney))
                .multiply(BigInteger.valueOf(rate.points()));
        BigInteger denominator = BigInteger.valueOf(total).multiply(BigInteger.valueOf(EarnRules.ONE_X_BPS))
                .multiply(BigInteger.valueOf(rate.perMinorUnits()));
        return numerator.divide(denominator).longValueExact();
    }
}
