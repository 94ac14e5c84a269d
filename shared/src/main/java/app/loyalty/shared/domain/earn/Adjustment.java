package app.loyalty.shared.domain.earn;

import java.util.Objects;

/**
 * An order-level adjustment a checkout sends beside the basket lines: a coupon it applied itself, shipping, tax or
 * a fee. Amounts are signed minor units of the purchase currency: a coupon takes off (at most zero), the others add
 * (at least zero). The total of a purchase is its lines plus its adjustments; earn and discount rules each say which
 * kinds count towards what they compute.
 *
 * @param label the checkout's own name for it (e.g. "SUMMER10", "DHL express"), shown back, never interpreted
 */
public record Adjustment(Kind kind, long amount, String label) {
    public enum Kind { COUPON, SHIPPING, TAX, FEE }

    public Adjustment {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.COUPON ? amount > 0 : amount < 0) {
            throw new IllegalArgumentException(kind == Kind.COUPON
                    ? "a coupon adjustment takes off: its amount must be zero or negative"
                    : "a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " adjustment adds: its amount must be zero or positive");
        }
    }
}
