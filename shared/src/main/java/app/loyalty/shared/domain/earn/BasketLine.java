package app.loyalty.shared.domain.earn;

/**
 * One line of a purchase as the checkout sends it. Prices are minor units of the purchase currency.
 *
 * @param category null when the checkout does not categorise; such a line is never excluded or multiplied by
 *                 category
 */
public record BasketLine(String sku, String category, long quantity, long unitPriceMinor) {
    public BasketLine {
        if (sku == null || sku.isBlank()) {
            throw new IllegalArgumentException("a basket line needs a sku");
        }
        if (category != null && category.isBlank()) {
            throw new IllegalArgumentException("a basket line's category must be null or non-blank");
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
