package app.loyalty.shared.domain.discount;

import java.util.Map;
import java.util.TreeMap;

/**
 * Cashback: a share of what the member pays with money for the basket lines, credited back as points at the
 * program's point value ({@code discount.pointValue}), rounded down to whole points.
 *
 * <p>The percentage of a line is, first match wins: its category's entry in {@code categoryBp}; else the entry of
 * {@code levelBp} for the highest card-discount level (basis points) the member's card reaches; else {@code bp}.
 *
 * @param bp         the program's cashback in basis points of the money paid (0..10000, default 0 = none)
 * @param categoryBp per line category, basis points 0..10000 (at most 100 entries)
 * @param levelBp    per card-discount level: the key is the card discount in basis points from which the value
 *                   applies (e.g. {"500": 100, "1000": 200}: 1 % cashback from a 5 % card, 2 % from a 10 % card),
 *                   written as JSON keys are, in canonical decimal ("0".."10000": not "05" or "+5", which a number
 *                   parser would take but openapi.yaml's pattern refuses)
 */
public record Cashback(Integer bp, Map<String, Integer> categoryBp, Map<String, Integer> levelBp) {
    public static final Cashback NONE = new Cashback(0, Map.of(), Map.of());

    private static final java.util.regex.Pattern LEVEL = java.util.regex.Pattern.compile("0|[1-9][0-9]{0,3}|10000");

    public Cashback {
        bp = Bounds.bp("cashback.bp", bp, 0);
        categoryBp = Bounds.categoryBp("cashback.categoryBp", categoryBp);
        if (levelBp == null) {
            levelBp = Map.of();
        }
        if (levelBp.size() > 100) {
            throw new IllegalArgumentException("cashback.levelBp must have at most 100 entries");
        }
        levelBp.forEach((level, value) -> {
            if (level == null || !LEVEL.matcher(level).matches()) {
                throw new IllegalArgumentException("cashback.levelBp keys must be card discount levels 0..10000 bp");
            }
            if (value == null || value < 0 || value > Bounds.ALL_BP) {
                throw new IllegalArgumentException("cashback.levelBp values must be basis points 0..10000");
            }
        });
        levelBp = Map.copyOf(levelBp);
    }

    /** The cashback percentage of a line in {@code category} for a member whose card gives {@code cardDiscountBp}. */
    public int bpFor(String category, int cardDiscountBp) {
        if (category != null && categoryBp.containsKey(category)) {
            return categoryBp.get(category);
        }
        TreeMap<Integer, Integer> byLevel = new TreeMap<>();
        levelBp.forEach((level, value) -> byLevel.put(Integer.parseInt(level), value));
        Map.Entry<Integer, Integer> level = byLevel.floorEntry(cardDiscountBp);
        return level != null ? level.getValue() : bp;
    }
}
