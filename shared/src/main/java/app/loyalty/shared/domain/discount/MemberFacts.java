package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.member.MemberKind;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Set;

/**
 * What the discount engine needs to know about the member at checkout; the caller reads it (the member item, the
 * discount-card figures, the staff usage counter), the engine never does.
 *
 * @param cardDiscountBp            the member's discount card percentage, fixed or cumulative level, 0..10000
 * @param tier                      the member's tier name, null when unknown (a tier-bound promo code then refuses)
 * @param tags                      the member's segment tags
 * @param birthDate                 null when the member has not given one (no birthday bonus then)
 * @param availablePoints           points the member can spend now
 * @param staffDiscountUsedThisMonth minor units of staff discount already given this UTC month
 * @param pointsEarnedToday         points earned today, for the daily earn cap
 * @param birthdayBonusHad          the member already got the birthday bonus points of the birthday around now (the
 *                                  profile's marker): the points come once per birthday, the discount all its window
 */
public record MemberFacts(MemberKind kind, int cardDiscountBp, String tier, Set<String> tags, LocalDate birthDate,
                          long availablePoints, long staffDiscountUsedThisMonth, long pointsEarnedToday,
                          boolean birthdayBonusHad) {
    public MemberFacts {
        Objects.requireNonNull(kind, "kind");
        Bounds.range("member.cardDiscountBp", cardDiscountBp, 0, Bounds.ALL_BP);
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        Bounds.range("member.availablePoints", availablePoints, 0, Long.MAX_VALUE);
        Bounds.range("member.staffDiscountUsedThisMonth", staffDiscountUsedThisMonth, 0, Long.MAX_VALUE);
        Bounds.range("member.pointsEarnedToday", pointsEarnedToday, 0, Long.MAX_VALUE);
    }

    /** Facts of a member who has not had the birthday bonus of this birthday. */
    public MemberFacts(MemberKind kind, int cardDiscountBp, String tier, Set<String> tags, LocalDate birthDate,
                       long availablePoints, long staffDiscountUsedThisMonth, long pointsEarnedToday) {
        this(kind, cardDiscountBp, tier, tags, birthDate, availablePoints, staffDiscountUsedThisMonth, pointsEarnedToday,
                false);
    }

    /** These facts with {@code points} available instead (a hold the caller checked already covers them). */
    public MemberFacts withAvailablePoints(long points) {
        return new MemberFacts(kind, cardDiscountBp, tier, tags, birthDate, points, staffDiscountUsedThisMonth,
                pointsEarnedToday, birthdayBonusHad);
    }

    /** A customer with nothing but a card discount and points: the common case, and the tests' shorthand. */
    public static MemberFacts customer(int cardDiscountBp, long availablePoints) {
        return new MemberFacts(MemberKind.CUSTOMER, cardDiscountBp, null, Set.of(), null, availablePoints, 0, 0);
    }
}
