package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.discount.Quote.Kind;
import app.loyalty.shared.domain.discount.Quote.Reason;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.program.ProgramRules.Discount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The fixtures of the worked examples of docs/discounts.md (Quote*Test, one class per scheme, same numbers). */
final class Checkouts {
    private Checkouts() {
    }

    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    static final BasketLine COFFEE = new BasketLine("coffee", "drinks", 2, 350);
    static final BasketLine CAKE = new BasketLine("cake", "food", 1, 499);

    /** Rules with only the given engine parts; everything else as a program created with defaults. */
    static ProgramRules rules(Discount discount, Cashback cashback, List<Promotion> promotions, List<RewardPool> pools,
                              StaffDiscount staff, Stacking stacking) {
        return new ProgramRules(null, null, 0, null, discount, null, cashback, promotions, pools, staff, stacking, null);
    }

    static ProgramRules plain() {
        return rules(null, null, null, null, null, null);
    }

    static Program program(ProgramRules rules) {
        return new Program("prog-1", "Club", "EUR", rules, NOW, NOW, 1);
    }

    static Quote quote(ProgramRules rules, MemberFacts member, BasketLine... lines) {
        return CheckoutCalculator.quote(new Checkout(program(rules), "order-1", List.of(lines), List.of(), member, null,
                null, Map.of(), NOW));
    }

    static long[] discounts(Quote quote) {
        return quote.lines().stream().mapToLong(Quote.LineQuote::discount).toArray();
    }
}
