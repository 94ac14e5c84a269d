package app.loyalty.shared.domain.earn;

import app.loyalty.shared.domain.Money;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How many of a purchase's points each (partial) return reverses, without drift. After returns adding up to R
 * of an order of amount A that earned P points, exactly {@code floor(P x R / A)} points have been reversed in
 * total: each return reverses that cumulative figure minus what earlier returns reversed. Rounding each return
 * separately would drift (three returns of a third of 10 points would reverse 3 + 3 + 3 = 9); this way returns
 * adding up to the whole order reverse exactly P, a return worth less than a point reverses 0 now and is caught up
 * by the next, and no series of returns ever reverses more than P.
 *
 * <p>The state is just the order and what has been returned so far; what has been reversed follows from it.
 * Returns by line are priced by the caller and passed as amounts.
 *
 * <p><b>Orders with adjustments.</b> The points stand for the order's {@code pointsBase} B, the part of the amount
 * that could earn ({@link EarnCalculator#pointsBase}: the amount less the shipping, tax and fees the rules did not
 * count); the rest, A - B, earned nothing. Money comes back goods first: after returns adding up to R,
 * {@code floor(P x min(R, B) / B)} points have been reversed, so returning the goods reverses all the points and
 * the uncounted charges refunded last reverse none. Without adjustments (or with every charge counted) B = A and
 * this is the formula above.
 */
public record ProportionalReturn(long originalPoints, Money originalAmount, Money returnedSoFar, long pointsBase) {

    public ProportionalReturn {
        Objects.requireNonNull(originalAmount, "originalAmount");
        Objects.requireNonNull(returnedSoFar, "returnedSoFar");
        if (originalPoints < 0) {
            throw new IllegalArgumentException("original points must not be negative");
        }
        if (originalAmount.minorUnits() <= 0) {
            throw new IllegalArgumentException("only a purchase with a positive amount can be returned");
        }
        if (returnedSoFar.isNegative() || returnedSoFar.isGreaterThan(originalAmount)) {
            throw new IllegalArgumentException("returned so far must be between 0 and the original amount");
        }
        if (pointsBase < 1 || pointsBase > originalAmount.minorUnits()) {
            throw new IllegalArgumentException("the points base must be 1..the original amount");
        }
    }

    /** An order whose points stand for its whole amount (no uncounted charges). */
    public ProportionalReturn(long originalPoints, Money originalAmount, Money returnedSoFar) {
        this(originalPoints, originalAmount, returnedSoFar, originalAmount.minorUnits());
    }

    /** The state of an order with uncounted charges nothing of which has been returned yet. */
    public static ProportionalReturn of(long originalPoints, Money originalAmount, long pointsBase) {
        return new ProportionalReturn(originalPoints, originalAmount, Money.zero(originalAmount.currency()), pointsBase);
    }

    /** The state of an order nothing of which has been returned yet. */
    public static ProportionalReturn of(long originalPoints, Money originalAmount) {
        return new ProportionalReturn(originalPoints, originalAmount, Money.zero(originalAmount.currency()));
    }

    /** One return: the state after it and the points it reverses. */
    public record Step(ProportionalReturn after, long pointsToReverse) {
    }

    /**
     * Returns {@code amount} more of the purchase.
     *
     * @throws ReturnExceedsPurchaseException if that is more than is left to return
     */
    public Step returnAmount(Money amount) {
        originalAmount.requireSameCurrency(amount);
        if (amount.minorUnits() <= 0) {
            throw new IllegalArgumentException("a return must have a positive amount");
        }
        if (amount.isGreaterThan(returnable())) {
            throw new ReturnExceedsPurchaseException(amount, returnable());
        }
        ProportionalReturn after = new ProportionalReturn(originalPoints, originalAmount, returnedSoFar.plus(amount),
                pointsBase);
        return new Step(after, after.reversedSoFar() - reversedSoFar());
    }

    /** floor(originalPoints x min(returnedSoFar, pointsBase) / pointsBase): the points all returns so far have reversed. */
    public long reversedSoFar() {
        return ExactMath.mulDivFloor(originalPoints, Math.min(returnedSoFar.minorUnits(), pointsBase), pointsBase);
    }

    public Money returnable() {
        return originalAmount.minus(returnedSoFar);
    }

    public boolean isFullyReturned() {
        return returnedSoFar.equals(originalAmount);
    }

    /** The points each of a series of returns reverses, in order. */
    public static List<Long> pointsToReverse(long originalPoints, Money originalAmount, List<Money> returns) {
        return pointsToReverse(originalPoints, originalAmount, originalAmount.minorUnits(), returns);
    }

    /** The points each of a series of returns of an order with this points base reverses, in order. */
    public static List<Long> pointsToReverse(long originalPoints, Money originalAmount, long pointsBase,
                                             List<Money> returns) {
        ProportionalReturn state = of(originalPoints, originalAmount, pointsBase);
        List<Long> points = new ArrayList<>(returns.size());
        for (Money amount : returns) {
            Step step = state.returnAmount(amount);
            points.add(step.pointsToReverse());
            state = step.after();
        }
        return points;
    }
}
