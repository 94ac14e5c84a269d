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

import static app.loyalty.shared.domain.discount.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** docs/discounts.md, the worked examples of "Birthday" (fixtures: {@link Checkouts}). */
class QuoteBirthdayTest {
    final Promotion birthday = new Promotion("birthday", Promotion.Kind.BIRTHDAY, null, null, null, null, null, null,
            null, null, 3, 500L, 1000);

    Quote on(LocalDate birthDate, String now) {
        MemberFacts member = new MemberFacts(MemberKind.CUSTOMER, 0, null, Set.of(), birthDate, 0, 0, 0);
        return CheckoutCalculator.quote(new Checkout(program(rules(null, null, List.of(birthday), null, null, null)),
                "order-1", List.of(new BasketLine("cake", "food", 1, 5000)), List.of(), member, null, null, Map.of(),
                Instant.parse(now)));
    }

    @Test
    void twoDaysBefore_tenPercentOffAndFiveHundredPoints() {
        Quote quote = on(LocalDate.parse("1990-03-12"), "2026-03-10T12:00:00Z");

        assertThat(quote.totalDiscount()).isEqualTo(500);
        assertThat(quote.birthdayPoints()).isEqualTo(500);
        assertThat(quote.pointsCredited()).isEqualTo(45 + 500);
    }

    @ParameterizedTest
    @CsvSource({"1990-03-12, 2026-03-16T00:00:00Z, false", "1990-01-01, 2025-12-30T08:00:00Z, true",
            "1992-02-29, 2026-03-03T08:00:00Z, true", "1992-02-29, 2026-03-04T08:00:00Z, false"})
    void theWindow_crossesTheYear_andLeapDaysFallOnTheTwentyEighth(String birthDate, String now, boolean applies) {
        Quote quote = on(LocalDate.parse(birthDate), now);

        assertThat(quote.birthdayPoints()).isEqualTo(applies ? 500 : 0);
        if (!applies) {
            assertThat(quote.notApplied()).extracting(Quote.NotApplied::reason).containsExactly(Reason.OUTSIDE_BIRTHDAY_WINDOW);
        }
    }
}
