package app.loyalty.shared.domain.earn;

import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.member.MemberKind;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the earn calculation needs to know about one purchase.
 *
 * @param lines             the basket; when present, they plus the adjustments must add up to {@code total}; empty =
 *                          one uncategorised line of the goods: the total minus the adjustments (at least 0)
 * @param adjustments       order-level coupons, shipping, tax and fees the checkout applied; empty when none
 * @param paidWithPoints    the part of the total paid with points, which earns nothing; zero when none
 * @param pointsEarnedToday the points the member already earned today (for the daily cap)
 * @param purchasedAt       when the purchase happened: the start of the pending period (the returns window)
 * @param earnedAt          when the points are earned, i.e. recorded (the lot's earnedAt): the start of a
 *                          days-after-earning expiry, and the earliest the points can become available
 */
public record Purchase(MemberKind memberKind, List<BasketLine> lines, List<Adjustment> adjustments, Money total,
                       Money paidWithPoints, long pointsEarnedToday, Instant purchasedAt, Instant earnedAt) {

    public Purchase {
        Objects.requireNonNull(memberKind, "memberKind");
        lines = List.copyOf(lines);
        adjustments = List.copyOf(adjustments);
        Objects.requireNonNull(purchasedAt, "purchasedAt");
        Objects.requireNonNull(earnedAt, "earnedAt");
        if (total.isNegative() || paidWithPoints.isNegative()) {
            throw new IllegalArgumentException("amounts must not be negative");
        }
        if (paidWithPoints.isGreaterThan(total)) {
            throw new IllegalArgumentException("paidWithPoints " + paidWithPoints + " exceeds the total " + total);
        }
        if (pointsEarnedToday < 0) {
            throw new IllegalArgumentException("pointsEarnedToday must not be negative");
        }
        long adjusted = Adjustment.sum(adjustments);
        if (!lines.isEmpty()) {
            long sum = 0;
            for (BasketLine line : lines) {
                sum = Math.addExact(sum, line.lineTotal());
            }
            if (Math.addExact(sum, adjusted) != total.minorUnits()) {
                throw new IllegalArgumentException("the lines add up to " + sum + " minor units and the adjustments to "
                        + adjusted + " but the total is " + total.minorUnits());
            }
        } else if (adjusted > total.minorUnits()) {
            throw new IllegalArgumentException("the adjustments add up to " + adjusted + " minor units, more than the total "
                    + total.minorUnits() + ": the goods cannot cost less than nothing");
        }
    }

    /** A purchase without adjustments (the lines, when present, add up to the total). */
    public Purchase(MemberKind memberKind, List<BasketLine> lines, Money total, Money paidWithPoints,
                    long pointsEarnedToday, Instant purchasedAt, Instant earnedAt) {
        this(memberKind, lines, List.of(), total, paidWithPoints, pointsEarnedToday, purchasedAt, earnedAt);
    }

    /** A purchase whose points are earned the moment it happens ({@code purchasedAt == earnedAt}). */
    public Purchase(MemberKind memberKind, List<BasketLine> lines, Money total, Money paidWithPoints,
                    long pointsEarnedToday, Instant earnedAt) {
        this(memberKind, lines, total, paidWithPoints, pointsEarnedToday, earnedAt, earnedAt);
    }

    /** A purchase without lines, fully paid with money, earned the moment it happens. */
    public static Purchase ofTotal(MemberKind memberKind, Money total, Instant earnedAt) {
        return new Purchase(memberKind, List.of(), total, Money.zero(total.currency()), 0, earnedAt);
    }

    /** The basket lines, or without lines one uncategorised line "total" of the goods (the total minus the adjustments). */
    public List<BasketLine> goods() {
        return lines.isEmpty()
                ? List.of(new BasketLine("total", null, 1, total.minorUnits() - Adjustment.sum(adjustments)))
                : lines;
    }
}
