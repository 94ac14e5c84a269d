package app.loyalty.local.reliability;

import app.loyalty.functions.bonusexpiry.BonusExpiryHandler;
import app.loyalty.functions.bonusexpiry.ExpiryJob;
import app.loyalty.local.reliability.ScenarioBundle.Merchant;
import app.loyalty.shared.domain.ledger.EntryType;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.LotAllocation;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.TestRequests;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import com.amazonaws.services.lambda.runtime.Context;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 5 of issue 12: the expiry job killed midway and run again. Members earn through the purchase route on two
 * days (the first day's lots fall due, the second's not yet), some return part of a purchase; then the job runs at an
 * instant past the first expiry and is stopped at a seeded member k, several times in a row, in three ways:
 * <ul>
 *   <li>the process dies before the k-th member's transaction is sent ({@link TransactionTrap}, before commit);</li>
 *   <li>the k-th transaction commits and the job dies before it hears so (after commit: the ambiguous crash);</li>
 *   <li>the Lambda runs out of time (its context's remaining time falls under the job's safety margin): the job stops
 *       between members by itself and says it is incomplete.</li>
 * </ul>
 * A final run completes. Promised (ExpiryJob): every due lot written off exactly once (one EXPIRE entry and one
 * PointsExpired per lot, for what it held), lots not due untouched, balances as DESIGN section 3 requires, and a
 * further run finds nothing.
 */
class ExpiryCrashScenarioIT {
    private final ScenarioBundle bundle = ScenarioBundle.start("2026-12-03T10:00:00Z");

    private enum Stop { BEFORE_COMMIT, AFTER_COMMIT, OUT_OF_TIME }

    @Test
    void theExpiryJobStoppedAtMemberKAndRerun_expiresEveryDueLotExactlyOnce_andBalancesAddUp() {
        Merchant merchant = bundle.programWithMerchant("expiry", ScenarioBundle.EXPIRING_RULES);
        int memberCount = ReliabilityRun.operations(8);
        List<String> members = new ArrayList<>();
        for (int m = 0; m < memberCount; m++) {
            String memberId = bundle.enrol(merchant, 7000 + m).memberId();
            members.add(memberId);
            ScenarioBundle.send(bundle.purchases, TestRequests.post("POST /v1/purchases", merchant.caller(),
                    "x-purchase-a-" + m, ScenarioBundle.purchaseBody(memberId, "x-order-a-" + m, 10_000 + 100L * m)), 201);
            if (m % 3 == 0) {
                ScenarioBundle.send(bundle.purchases, TestRequests.post("POST /v1/purchases/{orderId}/returns",
                        Map.of("orderId", "x-order-a-" + m), merchant.caller(), "x-return-" + m,
                        "{\"returnId\":\"x-return-" + m + "\",\"amount\":3000}"), 201);
            }
        }
        bundle.clock.advance(Duration.ofDays(20));
        for (int m = 0; m < memberCount; m++) {
            ScenarioBundle.send(bundle.purchases, TestRequests.post("POST /v1/purchases", merchant.caller(),
                    "x-purchase-b-" + m, ScenarioBundle.purchaseBody(members.get(m), "x-order-b-" + m, 5_000)), 201);
        }
        Instant runAt = Instant.parse("2027-01-10T03:00:00Z"); // past the first lots' expiry, before the second's
        bundle.clock.set(runAt);
        Map<String, PointsLot> due = new HashMap<>();
        Map<String, PointsLot> notDue = new HashMap<>();
        for (String memberId : members) {
            for (PointsLot lot : LotItems.fromItems(bundle.memberItems(memberId, MemberRepository.LOT_PREFIX))) {
                (lot.isExpiredAt(runAt) && lot.remaining() > 0 ? due : notDue).put(lot.lotId(), lot);
            }
        }
        assertThat(due).as("lots due").hasSize(memberCount);
        assertThat(notDue).as("lots not due").hasSize(memberCount);

        TransactionTrap trap = new TransactionTrap(bundle.context.dynamo());
        BonusExpiryHandler crashing = new BonusExpiryHandler(new AppContext(trap.client(), bundle.context.tableName(),
                bundle.clock, bundle.context.json()));
        Random random = new Random(ReliabilityRun.seed() ^ 0xe791L);
        int stops = ReliabilityRun.operations(3);
        int stoppedRuns = 0;
        for (int run = 0; run < stops; run++) {
            Stop stop = Stop.values()[run % Stop.values().length];
            int k = 1 + random.nextInt(2);
            if (stop == Stop.OUT_OF_TIME) {
                ExpiryJob.Summary summary = crashing.run(null, runningOutOfTimeAfter(k));
                assertThat(summary.complete()).as("run %d stopped for lack of time after %d members", run, k).isFalse();
            } else {
                trap.arm(k, stop == Stop.BEFORE_COMMIT ? TransactionTrap.Cut.BEFORE_COMMIT : TransactionTrap.Cut.AFTER_COMMIT);
                int sprung = trap.sprung();
                try {
                    crashing.run(null, null);
                } catch (RuntimeException killed) {
                    // the job died at the k-th member's transaction: what it committed before stays, the rest waits
                }
                assertThat(trap.sprung()).as("run %d was cut (%s at transaction %d)", run, stop, k).isEqualTo(sprung + 1);
            }
            stoppedRuns++;
        }
        ExpiryJob.Summary last = new BonusExpiryHandler(bundle.context).run(null, null);
        assertThat(last.complete()).as("the final run completes").isTrue();
        ExpiryJob.Summary again = new BonusExpiryHandler(bundle.context).run(null, null);

        List<String> violations = new ArrayList<>();
        if (again.lotsExpired() != 0) {
            violations.add("a further run wrote off " + again.lotsExpired() + " lots more");
        }
        Map<String, Integer> expiriesPerLot = new HashMap<>();
        for (String memberId : members) {
            for (var item : bundle.memberItems(memberId, LedgerEntryItems.ENTRY_PREFIX)) {
                LedgerEntry entry = LedgerEntryItems.fromItem(item);
                if (entry.type() != EntryType.EXPIRE) {
                    continue;
                }
                for (LotAllocation allocation : entry.allocations()) {
                    expiriesPerLot.merge(allocation.lotId(), 1, Integer::sum);
                    PointsLot lot = due.get(allocation.lotId());
                    if (lot == null) {
                        violations.add("lot " + allocation.lotId() + " was written off but was not due");
                    } else if (allocation.points() != lot.remaining()) {
                        violations.add("lot " + lot.lotId() + " held " + lot.remaining() + ", " + allocation.points() + " written off");
                    }
                }
            }
            violations.addAll(bundle.ledgerViolations(memberId));
            long open = LotItems.fromItems(bundle.memberItems(memberId, MemberRepository.LOT_PREFIX)).stream()
                    .filter(lot -> notDue.containsKey(lot.lotId()) && lot.remaining() == notDue.get(lot.lotId()).remaining())
                    .count();
            if (open != 1) {
                violations.add(memberId + ": its lot not yet due is no longer as it was");
            }
            if (MemberFigures.read(bundle.profile(memberId)).total() != 50) {
                violations.add(memberId + ": " + MemberFigures.read(bundle.profile(memberId)).total()
                        + " points left, expected the 50 of the lot not yet due");
            }
        }
        due.keySet().forEach(lotId -> {
            int times = expiriesPerLot.getOrDefault(lotId, 0);
            if (times != 1) {
                violations.add("due lot " + lotId + " written off " + times + " times");
            }
        });
        List<DomainEvent> expired = bundle.outboxEvents().stream()
                .filter(e -> e.detailType().equals("PointsExpired")).toList();
        if (expired.size() != due.size() || expired.stream().map(DomainEvent::eventId).distinct().count() != due.size()) {
            violations.add(expired.size() + " PointsExpired events for " + due.size() + " due lots");
        }

        ScenarioFigures.record("expiry-crash", stoppedRuns + 1L, stoppedRuns, violations.size());
        ScenarioFigures.FIGURES.add("expiryCrash.dueLots", due.size());
        ScenarioFigures.FIGURES.write();
        assertThat(violations).isEmpty();
    }

    /** A Lambda context whose remaining time passes under the job's safety margin after {@code members} checks. */
    private static Context runningOutOfTimeAfter(int members) {
        AtomicInteger asked = new AtomicInteger();
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[]{Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemainingTimeInMillis" -> asked.incrementAndGet() <= members ? 600_000 : 1_000;
                    case "getMemoryLimitInMB" -> 512;
                    case "toString" -> "scenario context";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
