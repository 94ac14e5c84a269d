package app.loyalty.shared.domain.earn;

import app.loyalty.shared.domain.Text;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An order-level adjustment a checkout sends beside the basket lines: a coupon it applied itself, shipping, tax or
 * a fee. Amounts are signed minor units of the purchase currency: a coupon takes off (at most zero), the others add
 * (at least zero). The total of a purchase is its lines plus its adjustments; earn and discount rules each say which
 * kinds count towards what they compute ({@link EarnRules#countedAdjustments()}).
 *
 * @param label the checkout's own name for it (e.g. "SUMMER10", "DHL express"), shown back, never interpreted;
 *              null when none; the {@link Text} rule applies (at most {@value #MAX_LABEL} characters, normalized)
 */
public record Adjustment(Kind kind, long amount, String label) {
    public static final int MAX_LABEL = 64;

    public enum Kind {
        COUPON, SHIPPING, TAX, FEE;

        /** The name on the wire (openapi.yaml): lower case, e.g. "coupon". */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind a wire name stands for; IllegalArgumentException for any other text. */
        public static Kind fromWireName(String field, String name) {
            for (Kind kind : values()) {
                if (kind.wireName().equals(name)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException(field + " must be one of coupon, shipping, tax, fee");
        }
    }

    public Adjustment {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.COUPON ? amount > 0 : amount < 0) {
            throw new IllegalArgumentException(kind == Kind.COUPON
                    ? "a coupon adjustment takes off: its amount must be zero or negative"
                    : "a " + kind.wireName() + " adjustment adds: its amount must be zero or positive");
        }
        label = Text.optional("adjustments[].label", label, MAX_LABEL);
    }

    public Adjustment(Kind kind, long amount) {
        this(kind, amount, null);
    }

    /** The signed sum of the adjustments' amounts. */
    public static long sum(List<Adjustment> adjustments) {
        long sum = 0;
        for (Adjustment adjustment : adjustments) {
            sum = Math.addExact(sum, adjustment.amount());
        }
        return sum;
    }
}
