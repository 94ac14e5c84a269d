package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.discount.Quote.Applied;
import app.loyalty.shared.domain.discount.Quote.Kind;
import app.loyalty.shared.domain.discount.Quote.NotApplied;
import app.loyalty.shared.domain.discount.Quote.Reason;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.earn.EarnCalculator;
import app.loyalty.shared.domain.earn.EarnRules;
import app.loyalty.shared.domain.earn.Earning;
import app.loyalty.shared.domain.earn.Purchase;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;

import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

/**
 * The discount engine: what a checkout charges and credits (docs/discounts.md). Pure and integer-only; the quote
 * endpoint and the purchase both call {@link #quote} with the same {@link Checkout}, so the quote is what the
 * purchase applies.
 *
 * <ol>
 *   <li>The discountable items are the basket lines, then the adjustments whose kind {@link Stacking} makes
 *       discountable. Each keeps a remaining amount, starting at its amount.</li>
 *   <li>The discount steps run in the program's {@link Stacking#order()}; each takes its share of what the steps
 *       before it left. A percentage is taken once per step (floor(remaining x bp / 10000) of the items it covers)
 *       and spread over those items by largest remainder ({@link Shares}); a fixed amount likewise. No item ever
 *       goes below zero.</li>
 *   <li>A step that would pass the program's maximum total discount is cut to what is left of it (spread the same
 *       way); the staff step also to what is left of the member's monthly cap.</li>
 *   <li>Points pay last: at most discount.maxPointsPaymentBp of the amount due, at the program's point value.</li>
 *   <li>Points earned: {@link EarnCalculator} on the lines after discounts, the part paid with points taken out
 *       (points pay the lines first); then the MULTIPLIER bonus, cashback, the birthday bonus and blind points.</li>
 * </ol>
 */
public final class CheckoutCalculator {

    private CheckoutCalculator() {
    }

    public static Quote quote(Checkout checkout) {
        return new Run(checkout).quote();
    }

    /**
     * The purchase the earn rules see once this checkout's discounts are taken: each line at its net (quantity 1, so a
     * net that does not divide by the quantity stays exact), the discountable adjustments at their net and the others
     * as sent, the total their sum, and {@code paidWithPoints} of it paid with points. The engine earns on it, and the
     * purchase records its lot from it, so both earn alike. Null when the discounts leave less than nothing (a
     * checkout coupon larger than what the discounts left): such an order earns nothing.
     *
     * @param itemQuotes {@link Quote#lines()}: the basket lines, then the discountable adjustments, in order
     */
    public static Purchase netPurchase(Checkout checkout, List<Quote.LineQuote> itemQuotes, long paidWithPoints,
                                       Instant purchasedAt, Instant earnedAt) {
        List<BasketLine> lines = new ArrayList<>(checkout.lines().size());
        for (int i = 0; i < checkout.lines().size(); i++) {
            BasketLine line = checkout.lines().get(i);
            lines.add(new BasketLine(line.sku(), line.category(), 1, itemQuotes.get(i).net()));
        }
        List<Adjustment> adjustments = new ArrayList<>(checkout.adjustments().size());
        int next = lines.size();
        for (Adjustment adjustment : checkout.adjustments()) {
            adjustments.add(isDiscountable(checkout.program().rules(), adjustment)
                    ? new Adjustment(adjustment.kind(), itemQuotes.get(next++).net(), adjustment.label()) : adjustment);
        }
        long total = Adjustment.sum(adjustments);
        for (BasketLine line : lines) {
            total = Math.addExact(total, line.lineTotal());
        }
        if (total < 0) {
            return null;
        }
        String currency = checkout.program().currency();
        return new Purchase(checkout.member().kind(), lines, adjustments, Money.of(total, currency),
                Money.of(Math.min(paidWithPoints, total), currency), checkout.member().pointsEarnedToday(), purchasedAt,
                earnedAt);
    }

    private static boolean isDiscountable(ProgramRules rules, Adjustment adjustment) {
        return rules.stacking().discountableAdjustments().contains(adjustment.kind()) && adjustment.amount() > 0;
    }

    /** A discountable item: a basket line ({@code adjustment} null) or a discountable adjustment. */
    private record Item(String sku, String category, Adjustment.Kind adjustment, long quantity, long amount) {
        boolean isLine() {
            return adjustment == null;
        }
    }

    /** One calculation's working state. */
    private static final class Run {
        private final Checkout checkout;
        private final ProgramRules rules;
        private final MemberFacts member;
        private final List<Item> items = new ArrayList<>();
        private final long[] remaining;
        private final long discountable;
        private long maxTotalLeft;
        private final List<Applied> applied = new ArrayList<>();
        private final List<NotApplied> notApplied = new ArrayList<>();
        private final List<Quote.BlindReward> blindRewards = new ArrayList<>();
        private final PromoCode.Check promoCheck;
        private boolean cardOrPromoDecided;
        private long birthdayPoints;

        Run(Checkout checkout) {
            this.checkout = checkout;
            this.rules = checkout.program().rules();
            this.member = checkout.member();
            for (BasketLine line : checkout.lines()) {
                items.add(new Item(line.sku(), line.category(), null, line.quantity(), line.lineTotal()));
            }
            for (Adjustment adjustment : checkout.adjustments()) {
                if (isDiscountable(rules, adjustment)) {
                    items.add(new Item(adjustment.label() == null ? adjustment.kind().name() : adjustment.label(), null,
                            adjustment.kind(), 1, adjustment.amount()));
                }
            }
            remaining = items.stream().mapToLong(Item::amount).toArray();
            discountable = Shares.sum(remaining);
            maxTotalLeft = Shares.percent(discountable, rules.stacking().maxTotalDiscountBp());
            promoCheck = checkPromoCode();
        }

        Quote quote() {
            for (Stacking.Step step : rules.stacking().order()) {
                switch (step) {
                    case INSTANT_REWARDS -> instantRewards();
                    case BIRTHDAY -> birthday();
                    case CARD -> card();
                    case STAFF -> staff();
                    case PROMO_CODE -> promoCode();
                    case BLIND_REWARD -> blindRewards();
                }
            }
            long subtotal = Shares.sum(checkout.lines().stream().mapToLong(BasketLine::lineTotal).toArray())
                    + Shares.sum(checkout.adjustments().stream().mapToLong(Adjustment::amount).toArray());
            long totalDiscount = discountable - Shares.sum(remaining);
            long amountDue = Math.max(0, subtotal - totalDiscount);
            Quote.Points points = points(amountDue);
            List<Quote.LineQuote> lineQuotes = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                lineQuotes.add(new Quote.LineQuote(item.sku(), item.category(), item.adjustment(), item.amount(),
                        item.amount() - remaining[i], remaining[i]));
            }
            Credits credits = credits(lineQuotes, points.appliedValue());
            return new Quote(checkout.program().currency(), lineQuotes, subtotal, discountable, totalDiscount, amountDue,
                    points, amountDue - points.appliedValue(), credits.earned, credits.bonus, birthdayPoints,
                    credits.cashback, blindRewards, applied, notApplied);
        }

        // ---- the discount steps ------------------------------------------------------------------------------

        private void instantRewards() {
            for (Promotion promotion : rules.promotions()) {
                if (promotion.kind() != Promotion.Kind.INSTANT_REWARD || !promotion.isActiveAt(checkout.now())) {
                    continue;
                }
                Promotion.ItemMatch buy = promotion.buy();
                Promotion.ItemMatch get = promotion.get();
                long buyUnits = lineIndices(i -> buy.matches(checkout.lines().get(i)))
                        .mapToLong(i -> items.get(i).quantity()).sum();
                long groupSize = buy.sameItemsAs(get) ? buy.quantity() + get.quantity() : buy.quantity();
                long times = Math.min(promotion.maxPerOrder(), buyUnits / groupSize);
                if (times == 0) {
                    notApplied.add(new NotApplied(Kind.INSTANT_REWARD, promotion.id(), Reason.CONDITION_NOT_MET,
                            "buy " + groupSize + " of " + describe(buy) + " to get " + describe(get) + " "
                                    + off(promotion.getDiscountBp()) + "; the basket holds " + buyUnits));
                    continue;
                }
                // The cheapest matching units are the ones rewarded: unit price = remaining / quantity, compared exactly.
                List<Integer> candidates = lineIndices(i -> get.matches(checkout.lines().get(i)) && remaining[i] > 0).boxed()
                        .sorted(this::byUnitPrice).toList();
                if (candidates.isEmpty()) {
                    notApplied.add(new NotApplied(Kind.INSTANT_REWARD, promotion.id(), Reason.CONDITION_NOT_MET,
                            "the basket holds nothing of " + describe(get) + " to get " + off(promotion.getDiscountBp())));
                    continue;
                }
                long unitsLeft = times * get.quantity();
                long[] shares = new long[items.size()];
                for (int i : candidates) {
                    long units = Math.min(unitsLeft, items.get(i).quantity());
                    unitsLeft -= units;
                    shares[i] = BigInteger.valueOf(remaining[i]).multiply(BigInteger.valueOf(units))
                            .multiply(BigInteger.valueOf(promotion.getDiscountBp()))
                            .divide(BigInteger.valueOf(items.get(i).quantity()).multiply(BigInteger.valueOf(Bounds.ALL_BP)))
                            .longValueExact();
                    if (unitsLeft == 0) {
                        break;
                    }
                }
                take(Kind.INSTANT_REWARD, promotion.id(), shares, (times * get.quantity() - unitsLeft) + " of "
                        + describe(get) + " " + off(promotion.getDiscountBp()) + " for buying " + describe(buy));
            }
        }

        /** Cheaper unit first (remaining / quantity, compared exactly by cross-multiplying), then basket order. */
        private int byUnitPrice(int first, int second) {
            int byPrice = BigInteger.valueOf(remaining[first]).multiply(BigInteger.valueOf(items.get(second).quantity()))
                    .compareTo(BigInteger.valueOf(remaining[second]).multiply(BigInteger.valueOf(items.get(first).quantity())));
            return byPrice != 0 ? byPrice : Integer.compare(first, second);
        }

        private void birthday() {
            for (Promotion promotion : rules.promotions()) {
                if (promotion.kind() != Promotion.Kind.BIRTHDAY || !promotion.isActiveAt(checkout.now())) {
                    continue;
                }
                if (member.birthDate() == null) {
                    notApplied.add(new NotApplied(Kind.BIRTHDAY, promotion.id(), Reason.OUTSIDE_BIRTHDAY_WINDOW,
                            "the member has not given a birth date"));
                    continue;
                }
                LocalDate today = LocalDate.ofInstant(checkout.now(), ZoneOffset.UTC);
                if (!withinDaysOfBirthday(member.birthDate(), today, promotion.daysAround())) {
                    notApplied.add(new NotApplied(Kind.BIRTHDAY, promotion.id(), Reason.OUTSIDE_BIRTHDAY_WINDOW,
                            "the birthday bonus applies within " + promotion.daysAround() + " days of the member's birthday"));
                    continue;
                }
                if (promotion.discountBp() > 0) {
                    take(Kind.BIRTHDAY, promotion.id(), percentShares(i -> true, i -> promotion.discountBp()),
                            "birthday: " + off(promotion.discountBp()));
                }
                if (promotion.bonusPoints() > 0 && member.birthdayBonusHad()) {
                    notApplied.add(new NotApplied(Kind.BIRTHDAY, promotion.id(), Reason.ALREADY_GRANTED,
                            "the birthday bonus points of this birthday were already credited"));
                } else if (promotion.bonusPoints() > 0) {
                    birthdayPoints = Math.addExact(birthdayPoints, promotion.bonusPoints());
                    applied.add(new Applied(Kind.BIRTHDAY, promotion.id(), 0, promotion.bonusPoints(), "birthday bonus points"));
                }
            }
        }

        /**
         * Within {@code days} of the birthday, across the turn of the year; a 29 February birthday falls on 28 February
         * in other years (LocalDate.withYear).
         */
        static boolean withinDaysOfBirthday(LocalDate birthDate, LocalDate today, int days) {
            for (int year = today.getYear() - 1; year <= today.getYear() + 1; year++) {
                if (Math.abs(ChronoUnit.DAYS.between(birthDate.withYear(year), today)) <= days) {
                    return true;
                }
            }
            return false;
        }

        private void card() {
            if (member.cardDiscountBp() == 0) {
                return;
            }
            if (isBetterWins() && promoCheck != null && promoCheck.applies()) {
                cardOrPromo();
                return;
            }
            take(Kind.CARD, null, cardShares(), "discount card: " + off(member.cardDiscountBp()));
        }

        private long[] cardShares() {
            return percentShares(i -> true, i -> member.cardDiscountBp());
        }

        private void staff() {
            if (member.kind() != MemberKind.STAFF) {
                return;
            }
            StaffDiscount staff = rules.staff();
            long[] shares = percentShares(i -> true, i -> staff.bpFor(items.get(i).category()));
            long total = Shares.sum(shares);
            if (total == 0) {
                return;
            }
            long left = staff.leftThisMonth(member.staffDiscountUsedThisMonth());
            if (left == 0) {
                notApplied.add(new NotApplied(Kind.STAFF, null, Reason.STAFF_CAP_REACHED,
                        "the staff discount of this month (" + staff.monthlyCap() + " minor units) is used up"));
                return;
            }
            String why = "staff discount";
            if (total > left) {
                shares = Shares.spread(left, shares);
                why += ", cut to what is left of the monthly cap (" + left + " of " + staff.monthlyCap() + ")";
            }
            take(Kind.STAFF, null, shares, why);
        }

        private void promoCode() {
            if (promoCheck == null || !promoCheck.applies()) {
                return;
            }
            if (isBetterWins() && member.cardDiscountBp() > 0) {
                cardOrPromo();
                return;
            }
            take(Kind.PROMO_CODE, checkout.promoCode().code().code(), promoShares(), promoWhy());
        }

        private long[] promoShares() {
            PromoCode code = checkout.promoCode().code();
            IntPredicate covered = i -> covers(code, items.get(i));
            if (code.percentBp() != null) {
                return percentShares(covered, i -> code.percentBp());
            }
            long[] weights = new long[items.size()];
            for (int i = 0; i < items.size(); i++) {
                weights[i] = covered.test(i) ? remaining[i] : 0;
            }
            return Shares.spread(Math.min(code.amountOff(), Shares.sum(weights)), weights);
        }

        private String promoWhy() {
            PromoCode code = checkout.promoCode().code();
            return "promo code " + code.code() + ": " + (code.percentBp() != null ? off(code.percentBp())
                    : code.amountOff() + " minor units off");
        }

        /** BETTER_WINS: the card or the promo code, whichever takes off more (the card on a tie), where the first of them stands. */
        private void cardOrPromo() {
            if (cardOrPromoDecided) {
                return;
            }
            cardOrPromoDecided = true;
            long[] card = cardShares();
            long[] promo = promoShares();
            String code = checkout.promoCode().code().code();
            if (Shares.sum(promo) > Shares.sum(card)) {
                take(Kind.PROMO_CODE, code, promo, promoWhy() + ", worth more than the card's " + Shares.sum(card));
                notApplied.add(new NotApplied(Kind.CARD, null, Reason.NOT_COMBINABLE,
                        "the promo code " + code + " takes off more than the card, and this program applies only the better one"));
            } else {
                take(Kind.CARD, null, card, "discount card: " + off(member.cardDiscountBp()) + ", worth at least the promo code's "
                        + Shares.sum(promo));
                notApplied.add(new NotApplied(Kind.PROMO_CODE, code, Reason.NOT_COMBINABLE,
                        "the discount card takes off at least as much as the code, and this program applies only the better one"));
            }
        }

        private boolean isBetterWins() {
            return rules.stacking().promoCodeWithCard() == Stacking.Combination.BETTER_WINS;
        }

        private void blindRewards() {
            for (RewardPool pool : rules.rewardPools()) {
                RewardPool.Reward reward = BlindDraw.draw(checkout.program().programId(), pool, checkout.orderId());
                if (reward == null) {
                    notApplied.add(new NotApplied(Kind.BLIND_REWARD, pool.id(), Reason.NOT_DRAWN, "no reward drawn for this order"));
                    continue;
                }
                long budgetLeft = Math.min(pool.budget(), checkout.poolBudgetsLeft().getOrDefault(pool.id(), pool.budget()));
                if (budgetLeft == 0) {
                    notApplied.add(new NotApplied(Kind.BLIND_REWARD, pool.id(), Reason.BUDGET_EXHAUSTED,
                            "the reward pool's budget is spent"));
                    continue;
                }
                switch (reward.kind()) {
                    case POINTS -> {
                        long points = Math.min(reward.points(), budgetLeft);
                        blindRewards.add(new Quote.BlindReward(pool.id(), reward.kind(), points, 0, null));
                        applied.add(new Applied(Kind.BLIND_REWARD, pool.id(), 0, points, "blind reward: " + points + " points"
                                + (points < reward.points() ? " (what is left of the pool's budget)" : "")));
                    }
                    case LINE_PERCENT -> {
                        int line = lineIndices(i -> remaining[i] > 0).boxed()
                                .max(Comparator.<Integer>comparingLong(i -> remaining[i]).thenComparing(i -> -i)).orElse(-1);
                        long[] shares = new long[items.size()];
                        if (line >= 0) {
                            shares[line] = Math.min(budgetLeft, Shares.percent(remaining[line], reward.percentBp()));
                        }
                        blindMoney(pool, reward, shares, "blind reward: " + off(reward.percentBp()) + " the dearest line");
                    }
                    case FREE_SKU -> {
                        int line = lineIndices(i -> checkout.lines().get(i).sku().equals(reward.sku()) && remaining[i] > 0)
                                .findFirst().orElse(-1);
                        if (line < 0) {
                            notApplied.add(new NotApplied(Kind.BLIND_REWARD, pool.id(), Reason.SKU_NOT_IN_BASKET,
                                    "drawn: one " + reward.sku() + " free, but the basket holds none"));
                            continue;
                        }
                        long[] shares = new long[items.size()];
                        shares[line] = Math.min(budgetLeft, remaining[line] / items.get(line).quantity());
                        blindMoney(pool, reward, shares, "blind reward: one " + reward.sku() + " free");
                    }
                }
            }
        }

        private void blindMoney(RewardPool pool, RewardPool.Reward reward, long[] shares, String why) {
            long taken = take(Kind.BLIND_REWARD, pool.id(), shares, why);
            if (taken > 0) {
                blindRewards.add(new Quote.BlindReward(pool.id(), reward.kind(), 0, taken, reward.sku()));
            }
        }

        // ---- shared arithmetic -------------------------------------------------------------------------------

        /**
         * Takes a step's shares off the items, cut to what is left of the program's maximum total discount. Records it
         * as applied (or, cut to nothing, as not applied) and answers the amount taken.
         */
        private long take(Kind kind, String id, long[] shares, String why) {
            long total = Shares.sum(shares);
            if (total == 0) {
                return 0;
            }
            if (total > maxTotalLeft) {
                if (maxTotalLeft == 0) {
                    notApplied.add(new NotApplied(kind, id, Reason.MAX_TOTAL_DISCOUNT,
                            "the program's maximum total discount (" + rules.stacking().maxTotalDiscountBp() + " bp) is reached"));
                    return 0;
                }
                shares = Shares.spread(maxTotalLeft, shares);
                total = maxTotalLeft;
                why += ", cut to the program's maximum total discount";
            }
            for (int i = 0; i < shares.length; i++) {
                remaining[i] -= shares[i];
            }
            maxTotalLeft -= total;
            applied.add(new Applied(kind, id, total, 0, why));
            return total;
        }

        /**
         * A percentage of the covered items' remaining amounts, taken once per distinct percentage (floor) and spread
         * over those items by largest remainder.
         */
        private long[] percentShares(IntPredicate covered, IntUnaryOperator bpOf) {
            long[] shares = new long[items.size()];
            Map<Integer, long[]> weightsByBp = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                int bp = covered.test(i) ? bpOf.applyAsInt(i) : 0;
                if (bp > 0) {
                    weightsByBp.computeIfAbsent(bp, key -> new long[items.size()])[i] = remaining[i];
                }
            }
            weightsByBp.forEach((bp, weights) -> {
                long[] group = Shares.spread(Shares.percent(Shares.sum(weights), bp), weights);
                for (int i = 0; i < shares.length; i++) {
                    shares[i] += group[i];
                }
            });
            return shares;
        }

        private IntStream lineIndices(IntPredicate predicate) {
            return IntStream.range(0, checkout.lines().size()).filter(predicate);
        }

        private PromoCode.Check checkPromoCode() {
            Checkout.PromoCodeUse use = checkout.promoCode();
            if (use == null) {
                return null;
            }
            long basket = Shares.sum(checkout.lines().stream().mapToLong(BasketLine::lineTotal).toArray());
            long eligible = 0;
            for (Item item : items) {
                eligible += covers(use.code(), item) ? item.amount() : 0;
            }
            PromoCode.Check check = use.code().check(checkout.now(), basket, eligible, member.tier(), member.tags(),
                    use.usesSoFar(), use.usesByMember());
            if (!check.applies()) {
                notApplied.add(new NotApplied(Kind.PROMO_CODE, use.code().code(), Reason.valueOf(check.refusal().name()),
                        check.message()));
            }
            return check;
        }

        /** A code with categories covers the lines in them; one without covers every discountable item. */
        private static boolean covers(PromoCode code, Item item) {
            return code.categories().isEmpty() || (item.isLine() && code.covers(item.category()));
        }

        // ---- points: payment and credits ---------------------------------------------------------------------

        private Quote.Points points(long amountDue) {
            ProgramRules.Discount.PointValue value = rules.discount().pointValue();
            long maxPayable = Shares.percent(amountDue, rules.discount().maxPointsPaymentBp());
            long usable = Math.min(member.availablePoints(), mulDiv(maxPayable, value.points(), value.minorUnits()));
            long usableValue = mulDiv(usable, value.minorUnits(), value.points());
            long requested = checkout.pointsToSpend() == null ? 0 : checkout.pointsToSpend();
            long appliedValue = mulDiv(Math.min(requested, usable), value.minorUnits(), value.points());
            // The fewest points that pay appliedValue: a point is never spent for less than it is worth.
            long appliedPoints = value.pointsFor(appliedValue);
            if (requested > appliedPoints) {
                notApplied.add(new NotApplied(Kind.POINTS, null, Reason.POINTS_LIMITED, "asked to spend " + requested
                        + " points; this order takes " + appliedPoints + " (usable: " + usable + ", of "
                        + member.availablePoints() + " available, at most " + rules.discount().maxPointsPaymentBp()
                        + " bp of the amount due)"));
            }
            if (appliedPoints > 0) {
                applied.add(new Applied(Kind.POINTS, null, appliedValue, appliedPoints, "points pay " + appliedValue + " minor units"));
            }
            return new Quote.Points(usable, usableValue, requested, appliedPoints, appliedValue);
        }

        private record Credits(long earned, long bonus, long cashback) {
        }

        private Credits credits(List<Quote.LineQuote> itemQuotes, long paidWithPoints) {
            List<BasketLine> netLines = new ArrayList<>();
            for (int i = 0; i < checkout.lines().size(); i++) {
                BasketLine line = checkout.lines().get(i);
                netLines.add(new BasketLine(line.sku(), line.category(), 1, remaining[i]));
            }
            long linesNet = Shares.sum(netLines.stream().mapToLong(BasketLine::lineTotal).toArray());
            long paidWithMoney = linesNet - Math.min(paidWithPoints, linesNet);
            EarnRules earnRules = EarnRules.of(checkout.program());
            Purchase net = netPurchase(checkout, itemQuotes, paidWithPoints, checkout.now(), checkout.now());
            if (net == null) {
                return new Credits(0, 0, 0);
            }
            Earning earning = EarnCalculator.calculate(earnRules, net);
            if (linesNet == 0) {
                return new Credits(earning.points(), 0, 0);
            }
            long bonus = multiplierBonus(earnRules.rulesFor(member.kind()), earning, netLines, paidWithMoney, linesNet);
            long cashback = cashback(netLines, paidWithMoney, linesNet);
            return new Credits(earning.points(), bonus, cashback);
        }

        /**
         * Each line earns the highest active MULTIPLIER that covers it: the extra (multiplier - x1) on the line's
         * weighted earn, rounded down once per promotion; then cut to what the earn caps leave after the base points.
         */
        private long multiplierBonus(EarnRules earnRules, Earning earning, List<BasketLine> netLines, long paidWithMoney,
                                     long linesNet) {
            if (!earning.breakdown().minimumBasketMet()) {
                return 0;
            }
            List<Promotion> active = rules.promotions().stream()
                    .filter(p -> p.kind() == Promotion.Kind.MULTIPLIER && p.isActiveAt(checkout.now())).toList();
            if (active.isEmpty()) {
                return 0;
            }
            long[] bonusByPromotion = new long[active.size()];
            BigInteger[] weighted = new BigInteger[active.size()];
            java.util.Arrays.fill(weighted, BigInteger.ZERO);
            for (int i = 0; i < netLines.size(); i++) {
                BasketLine line = netLines.get(i);
                int best = -1;
                for (int p = 0; p < active.size(); p++) {
                    if (active.get(p).multiplies(line) && (best < 0 || active.get(p).multiplierBp() > active.get(best).multiplierBp())) {
                        best = p;
                    }
                }
                if (best >= 0) {
                    long earnWeight = Math.multiplyExact(line.lineTotal(), earning.breakdown().lines().get(i).multiplierBps());
                    weighted[best] = weighted[best].add(BigInteger.valueOf(earnWeight)
                            .multiply(BigInteger.valueOf(active.get(best).multiplierBp() - EarnRules.ONE_X_BPS)));
                }
            }
            BigInteger denominator = BigInteger.valueOf(linesNet).multiply(BigInteger.valueOf(EarnRules.ONE_X_BPS))
                    .multiply(BigInteger.valueOf(EarnRules.ONE_X_BPS)).multiply(BigInteger.valueOf(earnRules.rate().perMinorUnits()));
            for (int p = 0; p < active.size(); p++) {
                bonusByPromotion[p] = weighted[p].multiply(BigInteger.valueOf(paidWithMoney))
                        .multiply(BigInteger.valueOf(earnRules.rate().points())).divide(denominator).longValueExact();
            }
            long bonus = Shares.sum(bonusByPromotion);
            long capLeft = earnRules.maxPointsPerPurchase() - earning.points();
            if (earnRules.maxPointsPerDay() != EarnRules.NO_CAP) {
                capLeft = Math.min(capLeft, earnRules.maxPointsPerDay() - member.pointsEarnedToday() - earning.points());
            }
            capLeft = Math.max(0, capLeft);
            String why = "";
            if (bonus > capLeft) {
                bonusByPromotion = Shares.spread(capLeft, bonusByPromotion);
                bonus = capLeft;
                why = ", cut to the earn caps";
            }
            for (int p = 0; p < active.size(); p++) {
                if (bonusByPromotion[p] > 0) {
                    applied.add(new Applied(Kind.MULTIPLIER, active.get(p).id(), 0, bonusByPromotion[p],
                            active.get(p).multiplierBp() + " bp of the points" + why));
                }
            }
            return bonus;
        }

        /** floor(sum of net x bp / 10000 x paidWithMoney / linesNet) minor units, as points at the point value (down). */
        private long cashback(List<BasketLine> netLines, long paidWithMoney, long linesNet) {
            BigInteger weighted = BigInteger.ZERO;
            for (BasketLine line : netLines) {
                weighted = weighted.add(BigInteger.valueOf(line.lineTotal())
                        .multiply(BigInteger.valueOf(rules.cashback().bpFor(line.category(), member.cardDiscountBp()))));
            }
            long cashbackMinor = weighted.multiply(BigInteger.valueOf(paidWithMoney))
                    .divide(BigInteger.valueOf(linesNet).multiply(BigInteger.valueOf(Bounds.ALL_BP))).longValueExact();
            ProgramRules.Discount.PointValue value = rules.discount().pointValue();
            long points = mulDiv(cashbackMinor, value.points(), value.minorUnits());
            if (points > 0) {
                applied.add(new Applied(Kind.CASHBACK, null, 0, points, "cashback of " + cashbackMinor + " minor units"));
            }
            return points;
        }

        private static long mulDiv(long a, long b, long c) {
            return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)).longValueExact();
        }

        private static String describe(Promotion.ItemMatch match) {
            return match.sku() != null ? "sku " + match.sku() : "category " + match.category();
        }

        private static String off(int bp) {
            return bp == Bounds.ALL_BP ? "free" : bp / 100 + (bp % 100 == 0 ? "" : "." + String.format("%02d", bp % 100)) + " % off";
        }
    }
}
