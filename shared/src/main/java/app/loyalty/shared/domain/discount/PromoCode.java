package app.loyalty.shared.domain.discount;

import java.time.Instant;
import java.util.Set;

/**
 * A promo code: {@code percentBp} off (1..10000) or {@code amountOff} minor units off (exactly one of them) the
 * eligible lines (those in {@code categories}, all lines when empty), within a window and limits. Storage and the
 * use counters live elsewhere; {@link #check} is the pure decision given the uses so far.
 *
 * @param validFrom         first instant it applies (inclusive), null = already
 * @param validUntil        first instant it no longer applies (exclusive), null = never ends
 * @param maxUses           uses overall, null = unlimited (1..10^9)
 * @param maxUsesPerMember  uses by one member, null = unlimited (1..10^6)
 * @param minimumBasket     the basket lines must add up to at least this (minor units, 0..10^10, default 0)
 * @param tiers             only members in these tiers; empty = every tier
 * @param tags              only members with at least one of these tags (a segment); empty = every member
 * @param categories        only lines in these categories are discounted; empty = all lines
 */
public record PromoCode(String code, Integer percentBp, Long amountOff, Instant validFrom, Instant validUntil,
                        Long maxUses, Long maxUsesPerMember, Long minimumBasket, Set<String> tiers, Set<String> tags,
                        Set<String> categories) {

    /** Why a code does not apply, as the quote's notApplied reason says it. */
    public enum Refusal { NOT_YET_VALID, EXPIRED, EXHAUSTED, MEMBER_LIMIT, BELOW_MINIMUM, NOT_ELIGIBLE, NO_ELIGIBLE_LINES }

    /** The outcome of {@link #check}: {@code refusal} null means the code applies. */
    public record Check(Refusal refusal, String message) {
        public boolean applies() {
            return refusal == null;
        }
    }

    private static final Check APPLIES = new Check(null, "applies");

    public PromoCode {
        if (code == null || !code.matches("[A-Z0-9][A-Z0-9_-]{0,31}")) {
            throw new IllegalArgumentException("promoCode.code must be 1..32 upper-case letters, digits, '-' or '_'");
        }
        if ((percentBp == null) == (amountOff == null)) {
            throw new IllegalArgumentException("promoCode needs exactly one of percentBp and amountOff");
        }
        if (percentBp != null) {
            Bounds.range("promoCode.percentBp", percentBp, 1, Bounds.ALL_BP);
        }
        if (amountOff != null) {
            Bounds.range("promoCode.amountOff", amountOff, 1, Bounds.MAX_AMOUNT);
        }
        if (validFrom != null && validUntil != null && !validFrom.isBefore(validUntil)) {
            throw new IllegalArgumentException("promoCode.validFrom must be before validUntil");
        }
        if (maxUses != null) {
            Bounds.range("promoCode.maxUses", maxUses, 1, 1_000_000_000);
        }
        if (maxUsesPerMember != null) {
            Bounds.range("promoCode.maxUsesPerMember", maxUsesPerMember, 1, 1_000_000);
        }
        minimumBasket = minimumBasket == null ? 0L : minimumBasket;
        Bounds.range("promoCode.minimumBasket", minimumBasket, 0, Bounds.MAX_AMOUNT);
        tiers = Bounds.texts("promoCode.tiers", tiers);
        tags = Bounds.texts("promoCode.tags", tags);
        categories = Bounds.texts("promoCode.categories", categories);
    }

    /**
     * Whether the code applies to this checkout, and if not the first reason in this order: the window, the limits
     * overall and per member, the member (tier, segment), the basket (minimum, eligible lines).
     *
     * @param basketAmount        the basket lines' total, minor units
     * @param eligibleLinesAmount the total of the lines in the code's categories
     * @param usesSoFar           the code's uses so far, all members
     * @param usesByMember        this member's uses so far
     */
    public Check check(Instant now, long basketAmount, long eligibleLinesAmount, String memberTier,
                       Set<String> memberTags, long usesSoFar, long usesByMember) {
        if (validFrom != null && now.isBefore(validFrom)) {
            return new Check(Refusal.NOT_YET_VALID, "the code " + code + " is valid from " + validFrom);
        }
        if (validUntil != null && !now.isBefore(validUntil)) {
            return new Check(Refusal.EXPIRED, "the code " + code + " expired at " + validUntil);
        }
        if (maxUses != null && usesSoFar >= maxUses) {
            return new Check(Refusal.EXHAUSTED, "the code " + code + " has been used all " + maxUses + " times");
        }
        if (maxUsesPerMember != null && usesByMember >= maxUsesPerMember) {
            return new Check(Refusal.MEMBER_LIMIT, "this member has used the code " + code + " " + usesByMember
                    + " of " + maxUsesPerMember + " times");
        }
        if (!tiers.isEmpty() && (memberTier == null || !tiers.contains(memberTier))) {
            return new Check(Refusal.NOT_ELIGIBLE, "the code " + code + " is for the tiers " + new java.util.TreeSet<>(tiers));
        }
        if (!tags.isEmpty() && (memberTags == null || memberTags.stream().noneMatch(tags::contains))) {
            return new Check(Refusal.NOT_ELIGIBLE, "the code " + code + " is for members tagged " + new java.util.TreeSet<>(tags));
        }
        if (basketAmount < minimumBasket) {
            return new Check(Refusal.BELOW_MINIMUM, "the code " + code + " needs a basket of at least " + minimumBasket
                    + " minor units, this one is " + basketAmount);
        }
        if (eligibleLinesAmount == 0) {
            return new Check(Refusal.NO_ELIGIBLE_LINES, "the code " + code + " applies to no line of this basket");
        }
        return APPLIES;
    }

    /** Whether the code discounts this line category. */
    public boolean covers(String category) {
        return categories.isEmpty() || (category != null && categories.contains(category));
    }
}
