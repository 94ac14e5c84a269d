package app.loyalty.shared.domain.earn;

/**
 * One line of a purchase as the checkout sends it. Prices are minor units of the purchase currency. SKU and
 * category are the checkout's own codes, compared as they are: any non-empty text (the API accepts, e.g., a code
 * of spaces, so the domain must too).
 *
 * @param category null when the checkout does not categorise; such a line is never excluded or multiplied by
 *                 category
 */
public record BasketLine(String sku, String category, long quantity, long unitPriceMinor) {
    /**
     * The SKU of the one line a basket without lines is priced as ({@link #wholePurchase}). '#' is not allowed in an
     * API SKU, so no promotion, reward or exclusion naming a real SKU can ever match it.
     */
    public static final String WHOLE_PURCHASE_SKU = "#whole-purchase";

    /**
     * A purchase or quote sent without lines as one line of its goods (the total less its adjustments), without a
     * category: so a promo code applies to it as to any basket, and a code restricted to categories finds no line.
     */
    public static BasketLine wholePurchase(long goodsMinor) {
        return new BasketLine(WHOLE_PURCHASE_SKU, null, 1, goodsMinor);
    }

    public BasketLine {
        if (sku == null || sku.isEmpty()) {
            throw new IllegalArgumentException("a basket line needs a sku");
        }
        if (category != null && category.isEmpty()) {
            throw new IllegalArgumentException("a basket line's category must be null or non-empty");
        }
        if (quantity < 1) {
            throw new IllegalArgumentException("a basket line's quantity must be at least 1");
        }
        if (unitPriceMinor < 0) {
            throw new IllegalArgumentException("a basket line's unit price must not be negative");
        }
    }

    public long lineTotal() {
        return Math.multiplyExact(quantity, unitPriceMinor);
    }
}
