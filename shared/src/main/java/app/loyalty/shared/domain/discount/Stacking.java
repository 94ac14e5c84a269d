package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.earn.Adjustment;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a program's discounts combine, explicitly (docs/discounts.md, "Order of application").
 *
 * @param order                   the order the discount steps apply in; each step takes its share of what the steps
 *                                before it left. Steps left out follow in the default order; a step twice is refused
 * @param promoCodeWithCard       COMBINE: a promo code applies on top of the card discount; BETTER_WINS: only the
 *                                one worth more to the member applies (the card on a tie)
 * @param maxTotalDiscountBp      the most all discounts together take off the discountable amount, basis points
 *                                0..10000 (default 10000: no limit beyond the basket itself)
 * @param discountableAdjustments order-level adjustments discounts also apply to (SHIPPING, TAX, FEE); default none,
 *                                so discounts take off the basket lines only. COUPON is refused: it already is a
 *                                discount, the checkout's own
 */
public record Stacking(List<Step> order, Combination promoCodeWithCard, Integer maxTotalDiscountBp,
                       Set<Adjustment.Kind> discountableAdjustments) {

    /** The discount steps a checkout goes through. Points are a payment, not a step: they always come last. */
    public enum Step { INSTANT_REWARDS, BIRTHDAY, CARD, STAFF, PROMO_CODE, BLIND_REWARD }

    public enum Combination { COMBINE, BETTER_WINS }

    public static final List<Step> DEFAULT_ORDER = List.of(Step.values());

    public static final Stacking DEFAULT = new Stacking(DEFAULT_ORDER, Combination.COMBINE, Bounds.ALL_BP, Set.of());

    public Stacking {
        if (order == null) {
            order = DEFAULT_ORDER;
        }
        if (order.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("stacking.order must not contain null");
        }
        if (new LinkedHashSet<>(order).size() != order.size()) {
            throw new IllegalArgumentException("stacking.order must name each step at most once");
        }
        List<Step> complete = new ArrayList<>(order);
        DEFAULT_ORDER.stream().filter(step -> !complete.contains(step)).forEach(complete::add);
        order = List.copyOf(complete);
        promoCodeWithCard = promoCodeWithCard == null ? Combination.COMBINE : promoCodeWithCard;
        maxTotalDiscountBp = Bounds.bp("stacking.maxTotalDiscountBp", maxTotalDiscountBp, Bounds.ALL_BP);
        if (discountableAdjustments == null) {
            discountableAdjustments = Set.of();
        }
        if (discountableAdjustments.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("stacking.discountableAdjustments must not contain null");
        }
        if (discountableAdjustments.contains(Adjustment.Kind.COUPON)) {
            throw new IllegalArgumentException("stacking.discountableAdjustments may hold SHIPPING, TAX and FEE: a COUPON is a discount already");
        }
        // An EnumSet keeps the kinds in declaration order, so the stored and the read rules list them the same way.
        discountableAdjustments = discountableAdjustments.isEmpty() ? Set.of()
                : java.util.Collections.unmodifiableSet(EnumSet.copyOf(discountableAdjustments));
    }
}
