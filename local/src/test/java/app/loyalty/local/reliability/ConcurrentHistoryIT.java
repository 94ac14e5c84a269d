package app.loyalty.local.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.local.reliability.HistoryRuntime.Partition;
import app.loyalty.local.reliability.HistoryRuntime.Response;
import app.loyalty.shared.domain.ledger.EntryType;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.PointsLot;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bank-style history check (issue 12) on the local runtime: several threads, as two partner merchants of one
 * program (two threads each), run purchases (some with a promo code limited to {@value #PROMO_LIMIT} uses), returns,
 * redemption holds, captures and cancels on a few shared members (few points each, so holds compete), while a reader thread reads their balances. Every
 * request and answer is recorded with its start and end; afterwards a checker shows that
 * <ul>
 *   <li>nothing answered a 5xx, and every answer is one the contract and the operation allow;</li>
 *   <li>each member's final balance (sum of lot remainders = sum of ledger entries) equals the seed plus the effects
 *       of the acknowledged operations (earned - reversed - captured): these effects commute, so their sum is what
 *       any serial order of them gives; and each acknowledged operation left exactly one ledger entry (none for a
 *       refused one): nothing lost, nothing doubled;</li>
 *   <li>no balance was ever negative: not in any answer, not in any concurrent read, not in any lot;</li>
 *   <li>no hold overdrew: at each instant a hold was granted, the holds granted by then (less those possibly
 *       released) fit in the points that could have been there, so no prefix of any serial order consistent with the
 *       recorded times overdrew, overlapping holds included; and the held figure at the end is exactly the open
 *       holds;</li>
 *   <li>the promo code never passed its limit: acknowledged uses &lt;= limit, and = the stored use count.</li>
 * </ul>
 */
class ConcurrentHistoryIT {
    private static final String OPERATOR_KEY = "concurrent-history-operator-key-0123";
    private static final int MEMBERS = 3;
    private static final int WORKERS = 4;
    private static final int QUICK_OPERATIONS_PER_WORKER = 30;
    private static final int PROMO_LIMIT = 5;
    private static final long SEED_AMOUNT = 10_000; // 100.00 EUR: 100 points per member before the threads start
    private static final String PROMO = "RUSH5";
    private static final String AGREEMENT = """
            {"merchants":{"%s":{"issue":true,"redeem":true,"issueFeePer1000":20,"reimbursementPer1000":400},
                          "%s":{"issue":true,"redeem":true,"issueFeePer1000":30,"reimbursementPer1000":500}}}""";

    private static HistoryRuntime runtime;
    private static String programId;
    private static final String[] merchantKeys = new String[2];
    private static final String[] memberIds = new String[MEMBERS];
    private static final long[] seeded = new long[MEMBERS];
    private static final ReliabilityRun.Figures FIGURES = ReliabilityRun.figures("concurrent-history");

    enum Kind { PURCHASE, PROMO_PURCHASE, RETURN, HOLD, CAPTURE, CANCEL, READ }

    /** One request and its answer, with when it started and ended (System.nanoTime). */
    record Op(int worker, Kind kind, int member, String orderId, String redemptionId, String path, String body,
              int status, JsonNode answer, long start, long end) {
        boolean acknowledged() {
            return status >= 200 && status < 300;
        }

        long earned() {
            return answer.get("pointsEarned").asLong();
        }

        long taken() {
            JsonNode reversal = answer.get("reversal");
            return reversal.get("fromOrderLots").asLong() + reversal.get("fromOtherLots").asLong();
        }

        @Override
        public String toString() {
            return "worker " + worker + " " + kind + " member " + member + " " + path + " " + body + " -> " + status + " "
                    + answer;
        }
    }

    @BeforeAll
    static void start() {
        runtime = HistoryRuntime.start(OPERATOR_KEY);
        runtime.setClock(Instant.parse("2026-06-10T12:00:00Z"));
        Response program = ok(runtime.post("/v1/programs", OPERATOR_KEY, "chist-program-1",
                "{\"name\":\"Rush Hour\",\"currency\":\"EUR\",\"rules\":{\"pendingDays\":0,"
                        // The soak's thousands of purchases of one member in one clock hour are not velocity abuse here.
                        + "\"velocity\":{\"maxPurchasesPerMemberPerHour\":1000000,\"maxRedemptionsPerMemberPerHour\":1000000}}}"));
        programId = program.json().get("programId").asText();
        String[] merchantIds = new String[2];
        for (int i = 0; i < 2; i++) {
            Response merchant = ok(runtime.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY,
                    "chist-merchant-" + i, "{\"name\":\"Partner " + i + "\"}"));
            merchantIds[i] = merchant.json().get("merchantId").asText();
            merchantKeys[i] = merchant.json().get("apiKey").asText();
        }
        ok(runtime.put("/v1/programs/" + programId + "/agreement", OPERATOR_KEY, "chist-agreement-1",
                AGREEMENT.formatted(merchantIds[0], merchantIds[1])));
        ok(runtime.post("/v1/programs/" + programId + "/promo-codes", OPERATOR_KEY, "chist-promo-1",
                "{\"code\":\"" + PROMO + "\",\"percentBp\":1000,\"maxUses\":" + PROMO_LIMIT + "}"));
        for (int i = 0; i < MEMBERS; i++) {
            Response member = ok(runtime.post("/v1/members", merchantKeys[0], "chist-enrol-" + i,
                    "{\"profile\":{\"name\":\"Shared " + i + "\",\"phone\":\"+4477008" + String.format("%05d", i) + "\"}}"));
            memberIds[i] = member.json().get("memberId").asText();
            Response seed = ok(runtime.post("/v1/purchases", merchantKeys[0], "chist-seed-" + i,
                    "{\"memberId\":\"" + memberIds[i] + "\",\"orderId\":\"seed-" + i + "\",\"total\":{\"amount\":"
                            + SEED_AMOUNT + ",\"currency\":\"EUR\"}}"));
            seeded[i] = seed.json().get("pointsEarned").asLong();
        }
    }

    @AfterAll
    static void stop() {
        FIGURES.write();
        if (runtime != null) {
            runtime.close();
        }
    }

    private static Response ok(Response response) {
        assertThat(response.status()).as(response.body()).isBetween(200, 299);
        return response;
    }

    @Test
    void concurrentMerchantsOnSharedMembers_areExplainedBySomeSerialOrder_neverNegative_neverOverdrawn_promoWithinLimit()
            throws Exception {
        int operationsPerWorker = ReliabilityRun.operations(QUICK_OPERATIONS_PER_WORKER);
        List<Op> history = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean working = new AtomicBoolean(true);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(WORKERS + 1);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            workers.add(threads.submit(() -> {
                go.await();
                new Worker(worker, history).run(operationsPerWorker);
                return null;
            }));
        }
        Future<?> reader = threads.submit(() -> {
            go.await();
            Random random = new Random(ReliabilityRun.seed() ^ 0x5EAD);
            // Bounded: at most this many reads, and none once the workers are done.
            for (int i = 0; i < operationsPerWorker * WORKERS && working.get(); i++) {
                int member = random.nextInt(MEMBERS);
                long start = System.nanoTime();
                Response read = runtime.get("/v1/members/" + memberIds[member], merchantKeys[i % 2]);
                history.add(new Op(-1, Kind.READ, member, null, null, "/v1/members/" + memberIds[member], "",
                        read.status(), read.json(), start, System.nanoTime()));
            }
            return null;
        });
        go.countDown();
        for (Future<?> worker : workers) {
            worker.get(10, TimeUnit.MINUTES);
        }
        working.set(false);
        reader.get(1, TimeUnit.MINUTES);
        threads.shutdown();

        List<String> violations = new Checker(List.copyOf(history)).violations();
        FIGURES.set("threads", WORKERS + 1);
        FIGURES.set("members", MEMBERS);
        FIGURES.set("operations", history.stream().filter(op -> op.kind() != Kind.READ).count());
        FIGURES.set("reads", history.stream().filter(op -> op.kind() == Kind.READ).count());
        for (Kind kind : Kind.values()) {
            FIGURES.set("acknowledged." + kind, history.stream().filter(op -> op.kind() == kind && op.acknowledged()).count());
            FIGURES.set("refused." + kind, history.stream().filter(op -> op.kind() == kind && !op.acknowledged()).count());
        }
        FIGURES.set("violations", violations.size());
        assertThat(violations).as("violations of the recorded history").isEmpty();
    }

    /** A checkout thread of one merchant: random operations on the shared members, each recorded. */
    private static final class Worker {
        private final int worker;
        private final int merchant;
        private final Random random;
        private final List<Op> history;
        private final List<Op> openHolds = new ArrayList<>();
        private final Map<String, long[]> returnable = new HashMap<>(); // orderId -> {member, amount left}
        private int sequence;

        Worker(int worker, List<Op> history) {
            this.worker = worker;
            this.merchant = worker % 2;
            this.random = new Random(ReliabilityRun.seed() ^ (0xC0FFEEL * (worker + 1)));
            this.history = history;
        }

        void run(int operations) {
            for (int i = 0; i < operations; i++) {
                int roll = random.nextInt(100);
                if (roll < 28) {
                    purchase(false);
                } else if (roll < 36) {
                    purchase(true);
                } else if (roll < 50 && !returnable.isEmpty()) {
                    giveBack();
                } else if (roll < 75 || openHolds.isEmpty()) {
                    hold();
                } else if (roll < 90) {
                    close(openHolds.remove(random.nextInt(openHolds.size())), Kind.CAPTURE);
                } else {
                    close(openHolds.remove(random.nextInt(openHolds.size())), Kind.CANCEL);
                }
            }
        }

        private String id(String what) {
            return "w" + worker + "-" + what + "-" + (++sequence);
        }

        private Op record(Kind kind, int member, String orderId, String redemptionId, String path, String body) {
            long start = System.nanoTime();
            Response answer = runtime.post(path, merchantKeys[merchant], id("key"), body);
            long end = System.nanoTime();
            JsonNode json = answer.body().isEmpty() ? null : answer.json();
            Op op = new Op(worker, kind, member, orderId, redemptionId, path, body, answer.status(), json, start, end);
            history.add(op);
            return op;
        }

        private void purchase(boolean withPromo) {
            int member = random.nextInt(MEMBERS);
            String orderId = id("order");
            long amount = 100 + random.nextInt(3_000); // small earnings: holds compete for the points
            Op op = record(withPromo ? Kind.PROMO_PURCHASE : Kind.PURCHASE, member, orderId, null, "/v1/purchases",
                    "{\"memberId\":\"" + memberIds[member] + "\",\"orderId\":\"" + orderId + "\",\"total\":{\"amount\":"
                            + amount + ",\"currency\":\"EUR\"},\"lines\":[{\"sku\":\"item\",\"category\":\"goods\","
                            + "\"quantity\":1,\"unitPrice\":" + amount + "}]"
                            // With lines only: a purchase without lines is not priced, and its promo code is not used.
                            + (withPromo ? ",\"promoCode\":\"" + PROMO + "\"" : "") + "}");
            if (op.acknowledged() && !withPromo) {
                returnable.put(orderId, new long[] {member, amount});
            }
        }

        private void giveBack() {
            List<String> orders = new ArrayList<>(returnable.keySet());
            Collections.sort(orders);
            String orderId = orders.get(random.nextInt(orders.size()));
            long[] order = returnable.get(orderId);
            long amount = random.nextBoolean() ? order[1] : Math.max(1, order[1] / 2);
            Op op = record(Kind.RETURN, (int) order[0], orderId, null, "/v1/purchases/" + orderId + "/returns",
                    "{\"returnId\":\"" + id("ret") + "\",\"amount\":" + amount + "}");
            if (op.acknowledged()) {
                order[1] -= amount;
                if (order[1] == 0) {
                    returnable.remove(orderId);
                }
            }
        }

        private void hold() {
            int member = random.nextInt(MEMBERS);
            String orderId = id("basket");
            Op op = record(Kind.HOLD, member, orderId, null, "/v1/redemptions",
                    "{\"memberId\":\"" + memberIds[member] + "\",\"orderId\":\"" + orderId + "\",\"points\":"
                            + (1 + random.nextInt(80)) + "}");
            if (op.acknowledged()) {
                openHolds.add(op);
            }
        }

        private void close(Op hold, Kind kind) {
            String redemptionId = hold.answer().get("redemptionId").asText();
            record(kind, hold.member(), hold.orderId(), redemptionId,
                    "/v1/redemptions/" + redemptionId + (kind == Kind.CAPTURE ? "/capture" : "/cancel"), "");
        }
    }

    /** Reads the recorded history and the final state, and lists every way they disagree. */
    private static final class Checker {
        private final List<Op> history;
        private final List<String> violations = new ArrayList<>();

        Checker(List<Op> history) {
            this.history = history;
        }

        List<String> violations() {
            allowedAnswers();
            neverNegative();
            finalBalancesAndExactlyOnce();
            noHoldOverdrew();
            promoWithinLimit();
            return violations;
        }

        private void violation(String what) {
            if (violations.size() < 50) {
                violations.add(what);
            }
        }

        private void allowedAnswers() {
            for (Op op : history) {
                boolean allowed = switch (op.kind()) {
                    case PURCHASE -> op.status() == 201;
                    case PROMO_PURCHASE -> op.status() == 201 || (op.status() == 422
                            && op.answer().path("type").asText().endsWith("/promo-code-refused")
                            && op.answer().path("reason").asText().equals("EXHAUSTED"));
                    case RETURN -> op.status() == 201;
                    case HOLD -> op.status() == 201 || (op.status() == 422
                            && op.answer().path("type").asText().endsWith("/points-payment-not-covered"));
                    case CAPTURE -> op.status() == 200 || op.status() == 409; // 409: a return took the points since
                    case CANCEL -> op.status() == 200;
                    case READ -> op.status() == 200;
                };
                if (!allowed) {
                    violation("unexpected answer: " + op);
                }
            }
        }

        private void neverNegative() {
            for (Op op : history) {
                if (op.answer() == null || !op.acknowledged()) {
                    continue;
                }
                JsonNode balance = op.answer().path("balance");
                if (balance.path("available").asLong(0) < 0 || balance.path("held").asLong(0) < 0) {
                    violation("a negative balance in an answer: " + op);
                }
                if (op.answer().has("spendable") && op.answer().get("spendable").asLong() < 0) {
                    violation("a hold left a negative spendable: " + op);
                }
            }
        }

        private List<Op> acknowledged(Kind kind, int member) {
            return history.stream().filter(op -> op.kind() == kind && op.member() == member && op.acknowledged()).toList();
        }

        private void finalBalancesAndExactlyOnce() {
            for (int member = 0; member < MEMBERS; member++) {
                Partition partition = runtime.partition(memberIds[member]);
                long earned = seeded[member];
                for (Kind kind : List.of(Kind.PURCHASE, Kind.PROMO_PURCHASE)) {
                    earned += acknowledged(kind, member).stream().mapToLong(Op::earned).sum();
                }
                long reversed = acknowledged(Kind.RETURN, member).stream().mapToLong(Op::taken).sum();
                long captured = acknowledged(Kind.CAPTURE, member).stream()
                        .mapToLong(op -> op.answer().get("capturedPoints").asLong()).sum();
                long expected = earned - reversed - captured;
                if (partition.lotTotal() != partition.entryTotal() || partition.lotTotal() != expected) {
                    violation("member " + member + ": lots " + partition.lotTotal() + ", entries " + partition.entryTotal()
                            + ", acknowledged operations " + expected + " (earned " + earned + " - reversed " + reversed
                            + " - captured " + captured + ")");
                }
                for (PointsLot lot : partition.openLots()) {
                    if (lot.remaining() < 0 || lot.remaining() > lot.amount()) {
                        violation("member " + member + ": lot out of bounds " + lot);
                    }
                }
                exactlyOnce(member, partition.entries());
                Response read = runtime.get("/v1/members/" + memberIds[member], merchantKeys[0]);
                long openHeld = openHoldPoints(member);
                JsonNode balance = read.json().get("balance");
                if (balance.get("held").asLong() != openHeld
                        || balance.get("available").asLong() != Math.max(0, partition.lotTotal() - openHeld)) {
                    violation("member " + member + ": final balance " + balance + ", but lots " + partition.lotTotal()
                            + " and open holds " + openHeld);
                }
            }
        }

        /** Holds granted and neither captured nor cancelled (no hold lapses: the clock stays within its 15 minutes). */
        private long openHoldPoints(int member) {
            long open = 0;
            for (Op hold : acknowledged(Kind.HOLD, member)) {
                String redemptionId = hold.answer().get("redemptionId").asText();
                boolean closed = history.stream().anyMatch(op -> redemptionId.equals(op.redemptionId()) && op.acknowledged());
                if (!closed) {
                    open += hold.answer().get("points").asLong();
                }
            }
            return open;
        }

        private void exactlyOnce(int member, List<LedgerEntry> entries) {
            Map<String, Integer> accruals = new HashMap<>();
            Map<String, Integer> redemptions = new HashMap<>();
            Map<String, Integer> reversals = new HashMap<>();
            for (LedgerEntry entry : entries) {
                Map<String, Integer> counted = entry.type() == EntryType.ACCRUE ? accruals
                        : entry.type() == EntryType.REDEEM ? redemptions
                        : entry.type() == EntryType.REVERSE ? reversals : null;
                if (counted != null) {
                    counted.merge(entry.orderId(), 1, Integer::sum);
                }
            }
            Map<String, Integer> expectedAccruals = new HashMap<>(Map.of("seed-" + member, 1));
            for (Kind kind : List.of(Kind.PURCHASE, Kind.PROMO_PURCHASE)) {
                acknowledged(kind, member).forEach(op -> expectedAccruals.put(op.orderId(), 1));
            }
            if (!accruals.equals(expectedAccruals)) {
                violation("member " + member + ": ACCRUE entries by order " + accruals + ", acknowledged purchases "
                        + expectedAccruals.keySet());
            }
            Map<String, Integer> expectedRedemptions = new HashMap<>();
            acknowledged(Kind.CAPTURE, member).forEach(op -> expectedRedemptions.put(op.orderId(), 1));
            if (!redemptions.equals(expectedRedemptions)) {
                violation("member " + member + ": REDEEM entries by order " + redemptions + ", acknowledged captures "
                        + expectedRedemptions.keySet());
            }
            Map<String, Integer> expectedReversals = new HashMap<>();
            acknowledged(Kind.RETURN, member).stream().filter(op -> op.taken() > 0)
                    .forEach(op -> expectedReversals.merge(op.orderId(), 1, Integer::sum));
            if (!reversals.equals(expectedReversals)) {
                violation("member " + member + ": REVERSE entries by order " + reversals + ", acknowledged returns "
                        + expectedReversals);
            }
        }

        /**
         * No prefix of a serial order consistent with the recorded times overdrew. Take any instant t at which a
         * hold's answer arrived, and S the holds granted by t that no cancel or refused capture begun before t may
         * have released. All of S took effect by t; let h be the last of them to do so. When h was granted, the
         * points the others still held or had spent, plus h's own, fitted in the member's total then, which is at
         * most the seed, plus what purchases begun before t earned, less what returns finished before any hold of S
         * began took. So the points of S must fit in that bound, whatever the order: overlapping holds included,
         * which is how two holds granted on the same stale read would show.
         */
        private void noHoldOverdrew() {
            for (int member = 0; member < MEMBERS; member++) {
                List<Op> holds = acknowledged(Kind.HOLD, member);
                for (Op granted : holds) {
                    long t = granted.end();
                    long taken = 0;
                    long firstStart = Long.MAX_VALUE;
                    for (Op hold : holds) {
                        if (hold.end() <= t && !mayHaveBeenReleasedBefore(hold, t)) {
                            taken += hold.answer().get("points").asLong();
                            firstStart = Math.min(firstStart, hold.start());
                        }
                    }
                    long couldHaveBeen = seeded[member];
                    for (Kind kind : List.of(Kind.PURCHASE, Kind.PROMO_PURCHASE)) {
                        couldHaveBeen += acknowledged(kind, member).stream().filter(op -> op.start() < t)
                                .mapToLong(Op::earned).sum();
                    }
                    long before = firstStart;
                    couldHaveBeen -= acknowledged(Kind.RETURN, member).stream().filter(op -> op.end() < before)
                            .mapToLong(Op::taken).sum();
                    if (taken > couldHaveBeen) {
                        violation("member " + member + ": holds granted by the answer of " + granted + " overdrew: "
                                + taken + " points held or spent, at most " + couldHaveBeen + " there");
                    }
                }
            }
        }

        /** A cancel, or a refused capture (whose hold a return left uncovered), begun before the instant. */
        private boolean mayHaveBeenReleasedBefore(Op hold, long instant) {
            String redemptionId = hold.answer().get("redemptionId").asText();
            return history.stream().anyMatch(op -> redemptionId.equals(op.redemptionId()) && op.start() < instant
                    && (op.kind() == Kind.CANCEL || (op.kind() == Kind.CAPTURE && !op.acknowledged())));
        }

        private void promoWithinLimit() {
            long acknowledgedUses = history.stream()
                    .filter(op -> op.kind() == Kind.PROMO_PURCHASE && op.acknowledged()).count();
            Response code = runtime.get("/v1/programs/" + programId + "/promo-codes/" + PROMO, OPERATOR_KEY);
            long storedUses = code.json().get("uses").asLong();
            FIGURES.set("promoUses", acknowledgedUses);
            FIGURES.set("promoLimit", PROMO_LIMIT);
            if (acknowledgedUses > PROMO_LIMIT || acknowledgedUses != storedUses) {
                violation("promo code " + PROMO + ": " + acknowledgedUses + " acknowledged uses, " + storedUses
                        + " stored, limit " + PROMO_LIMIT);
            }
        }
    }
}
