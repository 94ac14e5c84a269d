package app.loyalty.shared.domain.earn;

import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How purchases earn points in one program (see {@link EarnCalculator} for the exact arithmetic).
 *
 * @param rate                   points per minor units of eligible spend, rounded down to whole points
 * @param excludedCategories     lines in these categories earn nothing
 * @param excludedSkus           lines with these SKUs earn nothing
 * @param categoryMultipliersBps per category, a multiplier in basis points: 10000 = x1 (the default for a category
 *                               not listed), 20000 = x2, 5000 = x0.5, 0 = nothing; 0..100000
 * @param minimumBasket          a purchase whose total is below it earns nothing; also fixes the currency the
 *                               rules apply to ({@code Money.zero(currency)} for no minimum)
 * @param maxPointsPerPurchase   cap on one purchase, {@link #NO_CAP} for none
 * @param maxPointsPerDay        cap on a member's points per day, {@link #NO_CAP} for none
 * @param pendingDays            days from earning until the points can be spent (the returns window), 0..365
 * @param expiry                 when the points burn
 * @param staffRules             rules for members of kind STAFF; null = staff earn like customers
 * @param countedAdjustments     the adjustment kinds that count towards the eligible spend: a counted coupon is
 *                               spread over the lines (and counted charges) in proportion, a counted shipping, tax or
 *                               fee earns like an uncategorised line; the others neither add nor take off
 *                               ({@link #DEFAULT_COUNTED_ADJUSTMENTS} when not set: coupons count, charges do not)
 */
public record EarnRules(EarnRate rate, Set<String> excludedCategories, Set<String> excludedSkus,
                        Map<String, Integer> categoryMultipliersBps, Money minimumBasket, long maxPointsPerPurchase,
                        long maxPointsPerDay, int pendingDays, ExpiryPolicy expiry, EarnRules staffRules,
                        Set<Adjustment.Kind> countedAdjustments) {

    public static final long NO_CAP = Long.MAX_VALUE;
    public static final int ONE_X_BPS = 10_000;
    public static final int MAX_MULTIPLIER_BPS = 100_000;
    /**
     * A coupon the checkout applied lowers what the member paid, so by default it lowers what earns; shipping, tax
     * and fees are not goods and by default earn nothing.
     */
    public static final Set<Adjustment.Kind> DEFAULT_COUNTED_ADJUSTMENTS = Set.of(Adjustment.Kind.COUPON);

    public EarnRules {
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(minimumBasket, "minimumBasket");
        Objects.requireNonNull(expiry, "expiry");
        excludedCategories = Set.copyOf(excludedCategories);
        excludedSkus = Set.copyOf(excludedSkus);
        countedAdjustments = countedAdjustments == null ? DEFAULT_COUNTED_ADJUSTMENTS : Set.copyOf(countedAdjustments);
        categoryMultipliersBps = Map.copyOf(categoryMultipliersBps);
        if (categoryMultipliersBps.values().stream().anyMatch(bps -> bps < 0 || bps > MAX_MULTIPLIER_BPS)) {
            throw new IllegalArgumentException("category multipliers must be 0.." + MAX_MULTIPLIER_BPS + " basis points");
        }
        if (minimumBasket.isNegative()) {
            throw new IllegalArgumentException("the minimum basket must not be negative");
        }
        if (maxPointsPerPurchase < 0 || maxPointsPerDay < 0) {
            throw new IllegalArgumentException("point caps must not be negative");
        }
        if (pendingDays < 0 || pendingDays > 365) {
            throw new IllegalArgumentException("pendingDays must be 0..365");
        }
        if (staffRules != null) {
            if (staffRules.staffRules() != null) {
                throw new IllegalArgumentException("staff rules cannot have staff rules of their own");
            }
            if (!staffRules.currency().equals(minimumBasket.currency())) {
                throw new IllegalArgumentException("staff rules must use the program currency");
            }
        }
    }

    /** Rules under which the default adjustment kinds count ({@link #DEFAULT_COUNTED_ADJUSTMENTS}). */
    public EarnRules(EarnRate rate, Set<String> excludedCategories, Set<String> excludedSkus,
                     Map<String, Integer> categoryMultipliersBps, Money minimumBasket, long maxPointsPerPurchase,
                     long maxPointsPerDay, int pendingDays, ExpiryPolicy expiry, EarnRules staffRules) {
        this(rate, excludedCategories, excludedSkus, categoryMultipliersBps, minimumBasket, maxPointsPerPurchase,
                maxPointsPerDay, pendingDays, expiry, staffRules, DEFAULT_COUNTED_ADJUSTMENTS);
    }

    /** Plain rules: the rate only, nothing excluded or multiplied, no minimum, no caps, no pending days. */
    public static EarnRules simple(EarnRate rate, String currency, ExpiryPolicy expiry) {
        return new EarnRules(rate, Set.of(), Set.of(), Map.of(), Money.zero(currency), NO_CAP, NO_CAP, 0, expiry, null);
    }

    /** The earn rules a program's operator configured (ProgramRules.earn / staffEarn, pendingDays, expiry). */
    public static EarnRules of(Program program) {
        ProgramRules rules = program.rules();
        ExpiryPolicy expiry = (switch (rules.expiry().policy()) {
            case DAYS_AFTER_EARNING -> ExpiryPolicy.daysAfterEarning(rules.expiry().days());
            case END_OF_MONTH -> ExpiryPolicy.END_OF_MONTH;
            case END_OF_YEAR -> ExpiryPolicy.END_OF_YEAR;
            case NEVER -> ExpiryPolicy.NEVER;
            // Lots have no date of their own: the member's last purchase sets one for all (InactivityIndex).
            case INACTIVITY -> ExpiryPolicy.NEVER;
        }).inZone(rules.zone());
        EarnRules staff = rules.staffEarn() == null ? null
                : of(rules.staffEarn(), program.currency(), rules.pendingDays(), expiry, null);
        return of(rules.earn(), program.currency(), rules.pendingDays(), expiry, staff);
    }

    private static EarnRules of(ProgramRules.Earn earn, String currency, int pendingDays, ExpiryPolicy expiry,
                                EarnRules staff) {
        return new EarnRules(new EarnRate(earn.points(), earn.perAmount()), earn.excludedCategories(),
                earn.excludedSkus(), earn.categoryMultiplierBp(), Money.of(earn.minimumBasket(), currency),
                capOrNone(earn.maxPointsPerPurchase()), capOrNone(earn.maxPointsPerDay()), pendingDays, expiry, staff,
                earn.countedAdjustmentKinds());
    }

    private static long capOrNone(Long cap) {
        return cap == null ? NO_CAP : cap;
    }

    /** The rules for a member of this kind: staff earn under the staff rules when there are any. */
    public EarnRules rulesFor(MemberKind kind) {
        return kind == MemberKind.STAFF && staffRules != null ? staffRules : this;
    }

    public String currency() {
        return minimumBasket.currency();
    }

    /** Whether adjustments of this kind count towards the eligible spend. */
    public boolean counts(Adjustment.Kind kind) {
        return countedAdjustments.contains(kind);
    }

    /** The multiplier for a line, in basis points: 0 when the line is excluded. */
    int multiplierBpsFor(BasketLine line) {
        if (isExcluded(line)) {
            return 0;
        }
        return line.category() == null ? ONE_X_BPS : categoryMultipliersBps.getOrDefault(line.category(), ONE_X_BPS);
    }

    Earning.Exclusion exclusionOf(BasketLine line) {
        if (excludedSkus.contains(line.sku())) {
            return Earning.Exclusion.SKU;
        }
        if (line.category() != null && excludedCategories.contains(line.category())) {
            return Earning.Exclusion.CATEGORY;
        }
        return null;
    }

    boolean isExcluded(BasketLine line) {
        return exclusionOf(line) != null;
    }
}
