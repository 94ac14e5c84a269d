package app.loyalty.bench;

import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.LedgerChange;
import app.loyalty.shared.domain.ledger.LotAllocation;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.ledger.Spending;
import app.loyalty.shared.store.LotItems;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The points ledger over a heavy member's 200 lots (ledger domain, shared module): what a redemption, a balance
 * and every member load cost in CPU. Inputs are immutable and built once; each call works on the same ledger,
 * so every invocation does the same work.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LedgerBenchmark {
    private static final int LOTS = 200;

    private List<PointsLot> lots;
    private MemberLedger ledger;
    private List<Map<String, AttributeValue>> lotItems;
    private EntryMeta redeem;
    /** About half of what is available: the allocation walks past roughly half of the sorted lots. */
    private long halfOfAvailable;

    @Setup
    public void setUp() {
        lots = BenchData.lots("mbr_benchledgerbenchled", LOTS);
        ledger = new MemberLedger("mbr_benchledgerbenchled", BenchData.PROGRAM_ID, lots);
        lotItems = BenchData.lotItems(lots);
        redeem = new EntryMeta("ent_benchredeem", BenchData.NOW, Actor.merchant(BenchData.MERCHANT_ID), "redeem");
        halfOfAvailable = Spending.available(lots, BenchData.NOW) / 2;
        Checks.that(halfOfAvailable > 0, "the bench lots have points available");
    }

    /** Which lots a spend consumes: filter the available ones, sort soonest-expiring first, take in order. */
    @Benchmark
    public List<LotAllocation> allocateSpendOver200Lots() {
        return Spending.allocate(lots, halfOfAvailable, BenchData.NOW);
    }

    /** A whole redemption: allocation plus the REDEEM entry, the changed lots and the new (validated) ledger. */
    @Benchmark
    public LedgerChange spendOver200Lots() {
        return ledger.spend(redeem, halfOfAvailable, "ord-bench-redeem");
    }

    /** Available, pending and expiring-soon points: what every purchase answer and GET /v1/members shows. */
    @Benchmark
    public Balance balanceOf200Lots() {
        return ledger.balanceAt(BenchData.NOW, Duration.ofDays(30));
    }

    /** DynamoDB items to lots (strings to Instants and longs): paid on every member load, so on every purchase. */
    @Benchmark
    public List<PointsLot> mapItemsTo200Lots() {
        return LotItems.fromItems(lotItems);
    }
}
