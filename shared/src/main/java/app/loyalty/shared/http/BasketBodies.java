package app.loyalty.shared.http;

import app.loyalty.shared.domain.Text;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;

import java.util.regex.Pattern;

/**
 * A basket as checkouts send it, in a purchase and in a quote alike (openapi.yaml: BasketLine, BasketAdjustment): one
 * set of bounds, so whatever a quote accepts a purchase accepts too.
 */
public final class BasketBodies {
    public static final Pattern TEXT = Pattern.compile("[A-Za-z0-9._:/ -]{1,64}");
    public static final long MAX_AMOUNT = 10_000_000_000L;
    public static final int MAX_LINES = 200;
    public static final int MAX_ADJUSTMENTS = 20;
    public static final long MAX_QUANTITY = 10_000;

    private BasketBodies() {
    }

    public record LineBody(String sku, String category, Long quantity, Long unitPrice) {
        public LineBody {
            if (sku == null || !TEXT.matcher(sku).matches()) {
                throw new IllegalArgumentException("lines[].sku must be 1-64 letters, digits or . _ : / - space");
            }
            if (category == null || !TEXT.matcher(category).matches()) {
                throw new IllegalArgumentException("lines[].category must be 1-64 letters, digits or . _ : / - space");
            }
            if (quantity == null || quantity < 1 || quantity > MAX_QUANTITY) {
                throw new IllegalArgumentException("lines[].quantity must be 1.." + MAX_QUANTITY);
            }
            if (unitPrice == null || unitPrice < 0 || unitPrice > MAX_AMOUNT) {
                throw new IllegalArgumentException("lines[].unitPrice must be 0.." + MAX_AMOUNT + " minor units");
            }
        }

        public BasketLine toBasketLine() {
            return new BasketLine(sku, category, quantity, unitPrice);
        }
    }

    /** An order-level coupon, shipping, tax or fee: a coupon takes off, the others add. */
    public record AdjustmentBody(String kind, Long amount, String label) {
        public AdjustmentBody {
            Adjustment.Kind parsed = Adjustment.Kind.fromWireName("adjustments[].kind", kind);
            if (amount == null) {
                throw new IllegalArgumentException("adjustments[].amount is required");
            }
            if (parsed == Adjustment.Kind.COUPON && (amount > 0 || amount < -MAX_AMOUNT)) {
                throw new IllegalArgumentException("adjustments[].amount of a coupon takes off: -" + MAX_AMOUNT
                        + "..0 minor units");
            }
            if (parsed != Adjustment.Kind.COUPON && (amount < 0 || amount > MAX_AMOUNT)) {
                throw new IllegalArgumentException("adjustments[].amount of a " + kind + " adds: 0.." + MAX_AMOUNT
                        + " minor units");
            }
            Text.optional("adjustments[].label", label, Adjustment.MAX_LABEL);
        }

        public Adjustment toAdjustment() {
            return new Adjustment(Adjustment.Kind.fromWireName("adjustments[].kind", kind), amount, label);
        }
    }
}
