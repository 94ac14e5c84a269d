package app.loyalty.shared.domain;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;

/**
 * An amount of money: a whole number of minor units (cents for EUR, yen for JPY) in an ISO 4217 currency.
 * Never a double, so sums and comparisons are exact. Arithmetic and comparison refuse to mix currencies
 * rather than silently adding euros to dollars, and overflow throws instead of wrapping.
 *
 * <p>The canonical constructor accepts negative amounts because a difference can be negative; amounts that
 * come from the outside world (prices, totals, payments) go through {@link #of}, which refuses them.
 */
public record Money(long minorUnits, String currency) implements Comparable<Money> {

    public Money {
        Objects.requireNonNull(currency, "currency");
        if (!isIsoCurrency(currency)) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code such as EUR, got: " + currency);
        }
    }

    /** A non-negative amount, e.g. a price or a total. */
    public static Money of(long minorUnits, String currency) {
        if (minorUnits < 0) {
            throw new IllegalArgumentException("an amount of money must not be negative, got: " + minorUnits);
        }
        return new Money(minorUnits, currency);
    }

    public static Money zero(String currency) {
        return new Money(0, currency);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(minorUnits, other.minorUnits), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.subtractExact(minorUnits, other.minorUnits), currency);
    }

    /** Orders amounts of the same currency; throws for different currencies, which have no order without a rate. */
    @Override
    public int compareTo(Money other) {
        requireSameCurrency(other);
        return Long.compare(minorUnits, other.minorUnits);
    }

    public boolean isLessThan(Money other) {
        return compareTo(other) < 0;
    }

    public boolean isGreaterThan(Money other) {
        return compareTo(other) > 0;
    }

    public Money min(Money other) {
        return compareTo(other) <= 0 ? this : other;
    }

    public boolean isZero() {
        return minorUnits == 0;
    }

    public boolean isNegative() {
        return minorUnits < 0;
    }

    public boolean hasCurrency(String code) {
        return currency.equals(code);
    }

    /** Throws unless {@code other} is in this currency. */
    public void requireSameCurrency(Money other) {
        Objects.requireNonNull(other, "other");
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot combine " + currency + " with " + other.currency);
        }
    }

    /** For logs and messages: "12.34 EUR", using the currency's usual number of decimals. */
    @Override
    public String toString() {
        int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        return BigDecimal.valueOf(minorUnits, digits).toPlainString() + " " + currency;
    }

    private static boolean isIsoCurrency(String code) {
        try {
            // getInstance also accepts nothing but upper-case codes, so "eur" is refused rather than normalised.
            return Currency.getInstance(code).getCurrencyCode().equals(code);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
