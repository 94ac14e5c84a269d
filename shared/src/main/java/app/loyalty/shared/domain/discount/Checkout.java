package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.program.Program;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one quote (and the purchase that follows it) is computed from: the same Checkout gives the same
 * {@link Quote}, which is how the quote equals what the purchase applies.
 *
 * @param program          the program: id (for the blind draw), currency, rules
 * @param orderId          the checkout's order id: the blind draw depends on it, so quote and purchase agree
 * @param lines            the basket, at least one line; amounts in minor units of the program currency
 * @param adjustments      order-level coupon, shipping, tax, fee
 * @param promoCode        the promo code the member entered with its uses so far, null when none
 * @param pointsToSpend    points the member asks to pay with, null or 0 for none
 * @param poolBudgetsLeft  per reward pool id, what is left of its budget; a pool missing here counts as its whole budget
 * @param now              the checkout instant (from the injected Clock)
 */
public record Checkout(Program program, String orderId, List<BasketLine> lines, List<Adjustment> adjustments,
                       MemberFacts member, PromoCodeUse promoCode, Long pointsToSpend, Map<String, Long> poolBudgetsLeft,
                       Instant now) {

    /** A promo code as the member entered it, with its use counters read from storage. */
    public record PromoCodeUse(PromoCode code, long usesSoFar, long usesByMember) {
        public PromoCodeUse {
            Objects.requireNonNull(code, "code");
            if (usesSoFar < 0 || usesByMember < 0 || usesByMember > usesSoFar) {
                throw new IllegalArgumentException("promo code uses must be 0 <= usesByMember <= usesSoFar");
            }
        }
    }

    public Checkout {
        Objects.requireNonNull(program, "program");
        if (orderId == null || orderId.isBlank()) {
            throw new IllegalArgumentException("orderId is required");
        }
        if (lines == null || lines.isEmpty()) {
            throw new IllegalArgumentException("a checkout needs at least one basket line");
        }
        lines = List.copyOf(lines);
        adjustments = adjustments == null ? List.of() : List.copyOf(adjustments);
        Objects.requireNonNull(member, "member");
        if (pointsToSpend != null && pointsToSpend < 0) {
            throw new IllegalArgumentException("pointsToSpend must not be negative");
        }
        poolBudgetsLeft = poolBudgetsLeft == null ? Map.of() : Map.copyOf(poolBudgetsLeft);
        if (poolBudgetsLeft.values().stream().anyMatch(left -> left < 0)) {
            throw new IllegalArgumentException("a reward pool's budget left must not be negative");
        }
        Objects.requireNonNull(now, "now");
    }
}
