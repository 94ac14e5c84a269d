package app.loyalty.bench;

import app.loyalty.shared.domain.Money;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.earn.EarnCalculator;
import app.loyalty.shared.domain.earn.EarnRules;
import app.loyalty.shared.domain.earn.Earning;
import app.loyalty.shared.domain.earn.Purchase;
import app.loyalty.shared.domain.member.MemberKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The earn calculation of a purchase (shared earn domain): per-line exclusions and category multipliers, the
 * per-line breakdown, exact arithmetic rounded once, caps, pending and expiry dates. The rules are derived from
 * the program once here; the handler derives them per request (EarnRules.of), which is not measured here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EarnCalculatorBenchmark {
    /** 10: a typical basket (the handler benchmarks send one); 50: a large weekly shop. */
    @Param({"10", "50"})
    public int lines;

    private EarnRules rules;
    private Purchase purchase;

    @Setup
    public void setUp() {
        rules = EarnRules.of(BenchData.PROGRAM);
        List<BasketLine> basket = BenchData.basket(lines).stream()
                .map(l -> new BasketLine(l.sku(), l.category(), l.quantity(), l.unitPrice())).toList();
        long total = basket.stream().mapToLong(BasketLine::lineTotal).sum();
        purchase = new Purchase(MemberKind.CUSTOMER, basket, Money.of(total, "EUR"), Money.zero("EUR"), 0,
                BenchData.NOW);
        Checks.that(EarnCalculator.calculate(rules, purchase).points() > 0, "the bench basket earns points");
    }

    @Benchmark
    public Earning earnForBasket() {
        return EarnCalculator.calculate(rules, purchase);
    }
}
