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
