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

/** docs/discounts.md, the worked examples of "Staff" (fixtures: {@link Checkouts}). */
class QuoteStaffTest {
    final ProgramRules staffRules = rules(null, null, null, null, new StaffDiscount(2000, Map.of("alcohol", 0), 10_000L), null);

    Quote usedSoFar(long used) {
        MemberFacts member = new MemberFacts(MemberKind.STAFF, 0, null, Set.of(), null, 0, used, 0);
        return quote(staffRules, member, new BasketLine("shirt", "clothing", 1, 4000), new BasketLine("wine", "alcohol", 1, 1500));
    }

    @Test
    void twentyPercent_notOnAlcohol() {
        assertThat(discounts(usedSoFar(0))).containsExactly(800, 0);
    }

    @Test
    void cutToWhatIsLeftOfTheMonthlyCap() {
        assertThat(discounts(usedSoFar(9500))).containsExactly(500, 0);
    }

    @Test
    void nothingOnceTheCapIsUsed() {
        Quote quote = usedSoFar(10_000);

        assertThat(quote.totalDiscount()).isZero();
        assertThat(quote.notApplied()).extracting(Quote.NotApplied::reason).containsExactly(Reason.STAFF_CAP_REACHED);
    }

    @Test
    void customersGetNoStaffDiscount() {
        assertThat(quote(staffRules, MemberFacts.customer(0, 0), new BasketLine("shirt", "clothing", 1, 4000)).totalDiscount())
                .isZero();
    }
}
