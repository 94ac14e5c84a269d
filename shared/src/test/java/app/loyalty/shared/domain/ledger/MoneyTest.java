package app.loyalty.shared.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.loyalty.shared.domain.Money;
import org.junit.jupiter.api.Test;

// Lives next to the ledger tests because that is the test package this module's ledger work owns.
class MoneyTest {

    @Test
    void of_refusesNegativeAmounts() {
        assertThatThrownBy(() -> Money.of(-1, "EUR")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Money.of(0, "EUR").isZero()).isTrue();
    }

    @Test
    void constructor_refusesCodesThatAreNotIso4217() {
        assertThatThrownBy(() -> Money.of(1, "XYZ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.of(1, "eur")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.of(1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void plusAndMinus_workInMinorUnits_andMinusMayGoNegative() {
        assertThat(Money.of(1050, "EUR").plus(Money.of(1, "EUR"))).isEqualTo(Money.of(1051, "EUR"));
        assertThat(Money.of(100, "EUR").minus(Money.of(150, "EUR"))).isEqualTo(new Money(-50, "EUR"));
        assertThat(new Money(-50, "EUR").isNegative()).isTrue();
    }

    @Test
    void arithmeticAndComparison_refuseMixedCurrencies() {
        Money euros = Money.of(100, "EUR");
        Money dollars = Money.of(100, "USD");
        assertThatThrownBy(() -> euros.plus(dollars)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> euros.minus(dollars)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> euros.compareTo(dollars)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> euros.isLessThan(dollars)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compare_ordersAmountsOfOneCurrency() {
        assertThat(Money.of(99, "EUR").isLessThan(Money.of(100, "EUR"))).isTrue();
        assertThat(Money.of(100, "EUR").isGreaterThan(Money.of(99, "EUR"))).isTrue();
        assertThat(Money.of(100, "EUR").compareTo(Money.of(100, "EUR"))).isZero();
        assertThat(Money.of(7, "EUR").min(Money.of(5, "EUR"))).isEqualTo(Money.of(5, "EUR"));
    }

    @Test
    void plus_throwsOnOverflow_insteadOfWrapping() {
        assertThatThrownBy(() -> Money.of(Long.MAX_VALUE, "EUR").plus(Money.of(1, "EUR")))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void toString_usesTheCurrencysDecimals() {
        assertThat(Money.of(1234, "EUR")).hasToString("12.34 EUR");
        assertThat(Money.of(1234, "JPY")).hasToString("1234 JPY");
        assertThat(new Money(-5, "EUR")).hasToString("-0.05 EUR");
    }
}
