package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.earn.BasketLine;

import java.time.Instant;
import java.util.Set;

/**
 * One promotion of a program. The {@code kind} says which fields apply; the fields of the other kinds must be
 * absent (null), so a rule never carries a setting that silently does nothing.
 * <ul>
 *   <li>MULTIPLIER: the lines in {@code categories} (all lines when empty) earn {@code multiplierBp} (10001..100000,
 *       20000 = double points) times their points, within the window: "double points this weekend" is a window
 *       from Saturday 00:00 to Monday 00:00, a category multiplier is one without a window;</li>
 *   <li>INSTANT_REWARD: for every {@code buy.quantity} units matching {@code buy}, {@code get.quantity} units matching
 *       {@code get} cost {@code getDiscountBp} less (10000 = free), the cheapest matching units first, at most
 *       {@code maxPerOrder} times per order; when buy and get match the same items a group is buy + get units
 *       ("buy 2, get 1 free" needs 3);</li>
 *   <li>BIRTHDAY: within {@code daysAround} days (0..31) of the member's birthday (UTC dates), {@code bonusPoints}
 *       extra points and/or {@code discountBp} off every line.</li>
 * </ul>
 *
 * @param validFrom  first instant it applies (inclusive); null = always has
 * @param validUntil first instant it no longer applies (exclusive); null = never ends
 */
public record Promotion(String id, Kind kind, Instant validFrom, Instant validUntil, Set<String> categories,
                        Integer multiplierBp, ItemMatch buy, ItemMatch get, Integer getDiscountBp, Integer maxPerOrder,
                        Integer daysAround, Long bonusPoints, Integer discountBp) {

    public enum Kind { MULTIPLIER, INSTANT_REWARD, BIRTHDAY }

    /** Which items a rule means: one SKU or one category (exactly one of them), and how many units (1..1000). */
    public record ItemMatch(String sku, String category, Integer quantity) {
        public ItemMatch {
            if ((sku == null) == (category == null)) {
                throw new IllegalArgumentException("promotions[].buy and get need exactly one of sku and category");
            }
            if (sku != null) {
                sku = app.loyalty.shared.domain.Text.required("promotions[].sku", sku, 64);
            }
            if (category != null) {
                category = app.loyalty.shared.domain.Text.required("promotions[].category", category, 64);
            }
            quantity = quantity == null ? 1 : quantity;
            Bounds.range("promotions[].quantity", quantity, 1, 1000);
        }

        public boolean matches(BasketLine line) {
            return sku != null ? sku.equals(line.sku()) : category.equals(line.category());
        }

        /** Same items (ignoring the quantity). */
        boolean sameItemsAs(ItemMatch other) {
            return java.util.Objects.equals(sku, other.sku) && java.util.Objects.equals(category, other.category);
        }
    }

    public Promotion {
        id = Bounds.id("promotions[].id", id);
        if (kind == null) {
            throw new IllegalArgumentException("promotions[].kind is required");
        }
        if (validFrom != null && validUntil != null && !validFrom.isBefore(validUntil)) {
            throw new IllegalArgumentException("promotions[].validFrom must be before validUntil");
        }
        categories = Bounds.texts("promotions[].categories", categories);
        switch (kind) {
            case MULTIPLIER -> {
                if (multiplierBp == null) {
                    throw new IllegalArgumentException("promotions[].multiplierBp is required for MULTIPLIER");
                }
                Bounds.range("promotions[].multiplierBp", multiplierBp, 10_001, 100_000);
                absent(kind, "buy", buy, "get", get, "getDiscountBp", getDiscountBp, "maxPerOrder", maxPerOrder,
                        "daysAround", daysAround, "bonusPoints", bonusPoints, "discountBp", discountBp);
            }
            case INSTANT_REWARD -> {
                if (buy == null || get == null || getDiscountBp == null) {
                    throw new IllegalArgumentException("promotions[].buy, get and getDiscountBp are required for INSTANT_REWARD");
                }
                Bounds.range("promotions[].getDiscountBp", getDiscountBp, 1, Bounds.ALL_BP);
                maxPerOrder = maxPerOrder == null ? 1 : maxPerOrder;
                Bounds.range("promotions[].maxPerOrder", maxPerOrder, 1, 1000);
                if (!categories.isEmpty()) {
                    throw new IllegalArgumentException("promotions[].categories applies only to MULTIPLIER (INSTANT_REWARD uses buy and get)");
                }
                absent(kind, "multiplierBp", multiplierBp, "daysAround", daysAround, "bonusPoints", bonusPoints,
                        "discountBp", discountBp);
            }
            case BIRTHDAY -> {
                daysAround = daysAround == null ? 0 : daysAround;
                Bounds.range("promotions[].daysAround", daysAround, 0, 31);
                bonusPoints = bonusPoints == null ? 0L : bonusPoints;
                Bounds.range("promotions[].bonusPoints", bonusPoints, 0, 1_000_000);
                discountBp = Bounds.bp("promotions[].discountBp", discountBp, 0);
                if (bonusPoints == 0 && discountBp == 0) {
                    throw new IllegalArgumentException("promotions[].bonusPoints or discountBp must be positive for BIRTHDAY");
                }
                if (!categories.isEmpty()) {
                    throw new IllegalArgumentException("promotions[].categories applies only to MULTIPLIER");
                }
                absent(kind, "multiplierBp", multiplierBp, "buy", buy, "get", get, "getDiscountBp", getDiscountBp,
                        "maxPerOrder", maxPerOrder);
            }
        }
    }

    private static void absent(Kind kind, Object... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                throw new IllegalArgumentException("promotions[]." + namesAndValues[i] + " does not apply to " + kind);
            }
        }
    }

    /** Whether the promotion's window holds {@code now}. */
    public boolean isActiveAt(Instant now) {
        return (validFrom == null || !now.isBefore(validFrom)) && (validUntil == null || now.isBefore(validUntil));
    }

    /** For MULTIPLIER: whether it multiplies this line. */
    public boolean multiplies(BasketLine line) {
        return categories.isEmpty() || (line.category() != null && categories.contains(line.category()));
    }
}
