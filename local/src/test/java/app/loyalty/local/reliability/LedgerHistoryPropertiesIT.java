package app.loyalty.local.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import app.loyalty.local.reliability.HistoryRuntime.Partition;
import app.loyalty.local.reliability.HistoryRuntime.Response;
import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.settlement.MerchantTerms;
import app.loyalty.shared.domain.settlement.PartnerAgreement;
import app.loyalty.shared.domain.settlement.Settlement;
import app.loyalty.shared.domain.settlement.SettlementCalculator;
import app.loyalty.shared.domain.settlement.SettlementEntry;
import app.loyalty.shared.store.MemberFigures;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Checked histories (issue 12): random histories of accrue (purchase), return (part, whole, too much), hold,
 * capture, cancel, expire (clock past the next midnight + the expiry run), settle (close the last complete month),
 * erase, replay (an earlier request again, same Idempotency-Key and body) and clock moves, run against the real
 * handlers in one local runtime (DynamoDB Local in-process), two members shared by two partner merchants.
 * <p>
 * After every step a model of the history is compared with what the API answered and with the member's partition
 * read straight from the table (DESIGN section 3): balance = sum of open lot remainders = sum of ledger entries =
 * the model's total (points earned - reversed - captured - expired); 0 &lt;= remaining &lt;= amount and every lot
 * names an issuing merchant of the program; each lot's remaining is what its entries' allocations left it; GET
 * member's pending, held and available, and the profile's balance figures, equal a recompute from the lots and the
 * model's live holds; available is never negative. Steps the model can predict are held to it (a hold is granted iff it is covered, a capture of a
 * captured hold spends nothing more, a return over what is left is refused and writes nothing...); a replay answers
 * the identical status and body and changes no item; an erasure changes no lot or entry; a settlement equals a
 * recompute from the ledger entries of its period.
 * <p>
 * QuickTheories shrinks a failing history (fewer and smaller steps; each try runs on a fresh program at a fresh
 * time) and its message prints the smallest one, step by step. Quick form: {@value #QUICK_HISTORIES} histories of
 * at most {@value #MAX_STEPS} steps; the soak runs 20 times as many ({@link ReliabilityRun}).
 */
class LedgerHistoryPropertiesIT {
    private static final int QUICK_HISTORIES = 20;
    private static final int MAX_STEPS = 20;
    private static final String OPERATOR_KEY = "history-operator-key-0123456789";
    /** Each try starts 40 days after the previous one: its expiry dates and months are its own. */
    private static final Instant FIRST_START = Instant.parse("2026-01-27T12:00:00Z");
    private static final Duration HOLD = Duration.ofMinutes(15);
    private static final Duration EXPIRING_SOON = Duration.ofDays(30);
    private static final String AGREEMENT = """
            {"merchants":{"%s":{"issue":true,"redeem":true,"issueFeePer1000":20,"reimbursementPer1000":400},
                          "%s":{"issue":true,"redeem":true,"issueFeePer1000":30,"reimbursementPer1000":500}}}""";

    private static HistoryRuntime runtime;
    private static final AtomicInteger TRIES = new AtomicInteger();
    private static final ReliabilityRun.Figures FIGURES = ReliabilityRun.figures("histories");

    // ---- the commands of a history ----

    sealed interface Step {
    }

    record Accrue(int member, int merchant, long amount) implements Step {
    }

    /** Returns {@code percent} of the order's amount (over 100: more than was bought, to be refused). */
    record Return(int orderPick, int percent) implements Step {
    }

    record Hold(int member, int merchant, long points) implements Step {
    }

    record Capture(int holdPick) implements Step {
    }

    record Cancel(int holdPick) implements Step {
    }

    /** Moves the clock to 01:00 after the next midnight and runs the expiry job. */
    record Expire() implements Step {
    }

    /** Closes the last complete month (refused when the month ended less than 5 minutes ago or is closed). */
    record Settle() implements Step {
    }

    record Erase(int member) implements Step {
    }

    /** Sends an earlier acknowledged request again with its key and body (one of the last 23 hours). */
    record Replay(int requestPick) implements Step {
    }

    record Advance(int minutes) implements Step {
    }

    record History(int pendingDays, List<Step> steps) {
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder("History(pendingDays=" + pendingDays + ", " + steps.size() + " steps)");
            for (int i = 0; i < steps.size(); i++) {
                out.append("\n  ").append(i + 1).append(". ").append(steps.get(i));
            }
            return out.toString();
        }
    }

    @BeforeAll
    static void start() {
        runtime = HistoryRuntime.start(OPERATOR_KEY);
    }

    @AfterAll
    static void stop() {
        FIGURES.set("seed", ReliabilityRun.seed());
        FIGURES.write();
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void everyHistory_keepsTheLedgerInvariantsAfterEveryStep_andMatchesTheModel() {
        int histories = ReliabilityRun.operations(QUICK_HISTORIES);
        AtomicInteger failedTries = new AtomicInteger();
        try {
            qt().withFixedSeed(ReliabilityRun.seed())
                    .withExamples(histories)
                    .withShrinkCycles(30) // bounded: each shrink try replays a history on the runtime
                    .forAll(histories())
                    .checkAssert(history -> {
                        try {
                            new Run(history).play();
                        } catch (AssertionError | RuntimeException e) {
                            failedTries.incrementAndGet();
                            throw e;
                        }
                    });
        } finally {
            FIGURES.set("shrunkFailures", failedTries.get() > 0 ? 1 : 0);
            FIGURES.set("failedTries", failedTries.get());
            FIGURES.set("violations", failedTries.get() > 0 ? 1 : 0);
        }
    }

    static Gen<History> histories() {
        Gen<Step> accrue = integers().between(0, 1).zip(integers().between(0, 1), integers().between(1, 500),
                (member, merchant, euros) -> new Accrue(member, merchant, euros * 100L + (euros % 7) * 13));
        Gen<Step> giveBack = integers().between(0, 20).zip(integers().between(10, 130), Return::new);
        Gen<Step> hold = integers().between(0, 1).zip(integers().between(0, 1), integers().between(1, 200),
                (member, merchant, points) -> new Hold(member, merchant, points));
        Gen<Step> capture = integers().between(0, 20).map(Capture::new);
        Gen<Step> cancel = integers().between(0, 20).map(Cancel::new);
        Gen<Step> expire = Generate.constant(new Expire());
        Gen<Step> settle = Generate.constant(new Settle());
        Gen<Step> erase = integers().between(0, 1).map(Erase::new);
        Gen<Step> replay = integers().between(0, 30).map(Replay::new);
        Gen<Step> advance = Generate.pick(List.of(20, 60, 420, 1440, 2880)).map(Advance::new);
        Gen<Step> step = Generate.frequency(List.of(
                Pair.of(6, accrue), Pair.of(3, giveBack), Pair.of(5, hold), Pair.of(3, capture), Pair.of(2, cancel),
                Pair.of(2, expire), Pair.of(1, settle), Pair.of(1, erase), Pair.of(3, replay), Pair.of(4, advance)));
        // Two histories in three have no pending days, so that holds and captures find points to take.
        Gen<Integer> pendingDays = integers().between(0, 2).map(roll -> roll == 2 ? 1 : 0);
        return pendingDays.zip(lists().of(step).ofSizeBetween(1, MAX_STEPS), History::new);
    }

    // ---- one history against the runtime ----

    private static final class ModelHold {
        final int member;
        final String merchantKey;
        final String redemptionId;
        final long points;
        final Instant expiresAt;
        String status = "held";

        ModelHold(int member, String merchantKey, String redemptionId, long points, Instant expiresAt) {
            this.member = member;
            this.merchantKey = merchantKey;
            this.redemptionId = redemptionId;
            this.points = points;
            this.expiresAt = expiresAt;
        }

        boolean liveAt(Instant now) {
            return status.equals("held") && now.isBefore(expiresAt);
        }
    }

    private static final class ModelOrder {
        final int member;
        final String merchantKey;
        final String orderId;
        final long amount;
        final long earned;
        long returned;
        long reversed;

        ModelOrder(int member, String merchantKey, String orderId, long amount, long earned) {
            this.member = member;
            this.merchantKey = merchantKey;
            this.orderId = orderId;
            this.amount = amount;
            this.earned = earned;
        }
    }

    /** An acknowledged request, kept for replay. */
    private record Sent(String path, String key, String idempotencyKey, String body, Response answer, Instant at) {
    }

    private static final class Run {
        private final History history;
        private final int tryNumber = TRIES.incrementAndGet();
        private final String prefix = "h" + tryNumber + "-";
        private Instant clock = FIRST_START.plus(Duration.ofDays(40L * tryNumber));
        private String programId;
        private final String[] merchantIds = new String[2];
        private final String[] merchantKeys = new String[2];
        private final String[] memberIds = new String[2];
        private final boolean[] erased = new boolean[2];
        private final long[] modelTotal = new long[2];
        private final List<ModelHold> holds = new ArrayList<>();
        private final List<ModelOrder> orders = new ArrayList<>();
        private final List<Sent> sent = new ArrayList<>();
        private final Set<String> closedPeriods = new HashSet<>();
        private int sequence;
        private int stepNumber;

        Run(History history) {
            this.history = history;
        }

        void play() {
            setUp();
            FIGURES.add("histories", 1);
            for (Step step : history.steps()) {
                stepNumber++;
                apply(step);
                FIGURES.add("steps", 1);
                checkInvariants(touched(step));
            }
        }

        private String key(String what) {
            return prefix + what + "-" + (++sequence);
        }

        private void setUp() {
            runtime.setClock(clock);
            Response program = ok(runtime.post("/v1/programs", OPERATOR_KEY, key("program"),
                    "{\"name\":\"History " + tryNumber + "\",\"currency\":\"EUR\",\"rules\":{\"pendingDays\":"
                            + history.pendingDays() + ",\"expiry\":{\"policy\":\"DAYS_AFTER_EARNING\",\"days\":2}}}"));
            programId = program.json().get("programId").asText();
            for (int i = 0; i < 2; i++) {
                Response merchant = ok(runtime.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY,
                        key("merchant"), "{\"name\":\"Partner " + i + "\"}"));
                merchantIds[i] = merchant.json().get("merchantId").asText();
                merchantKeys[i] = merchant.json().get("apiKey").asText();
            }
            ok(runtime.put("/v1/programs/" + programId + "/agreement", OPERATOR_KEY, key("agreement"),
                    AGREEMENT.formatted(merchantIds[0], merchantIds[1])));
            for (int i = 0; i < 2; i++) {
                Response member = ok(runtime.post("/v1/members", merchantKeys[0], key("enrol"),
                        "{\"profile\":{\"name\":\"Member " + i + "\",\"phone\":\"+4477009" + String.format("%05d", i) + "\"}}"));
                memberIds[i] = member.json().get("memberId").asText();
            }
        }

        private Response ok(Response response) {
            assertThat(response.status()).as("%s: %s", where(), response.body()).isBetween(200, 299);
            return response;
        }

        /** The failing step and the history up to it: the steps after it never ran. */
        private String where() {
            return "try " + tryNumber + " step " + stepNumber + " of "
                    + new History(history.pendingDays(), history.steps().subList(0, stepNumber));
        }

        private Response send(String path, String merchantKey, String body) {
            String idempotencyKey = key("req");
            Response answer = runtime.post(path, merchantKey, idempotencyKey, body);
            FIGURES.add("operations", 1);
            FIGURES.add("answers." + history.steps().get(stepNumber - 1).getClass().getSimpleName() + "." + answer.status(), 1);
            assertThat(answer.status()).as("never a 5xx: %s %s at %s", path, answer.body(), where()).isLessThan(500);
            if (answer.ok()) {
                sent.add(new Sent(path, merchantKey, idempotencyKey, body, answer, clock));
            }
            return answer;
        }

        private void apply(Step step) {
            switch (step) {
                case Accrue accrue -> accrue(accrue);
                case Return giveBack -> giveBack(giveBack);
                case Hold hold -> hold(hold);
                case Capture capture -> capture(capture);
                case Cancel cancel -> cancel(cancel);
                case Expire ignored -> expire();
                case Settle ignored -> settle();
                case Erase erase -> erase(erase.member());
                case Replay replay -> replay(replay.requestPick());
                case Advance advance -> moveClockTo(clock.plus(Duration.ofMinutes(advance.minutes())));
            }
        }

        private void moveClockTo(Instant instant) {
            clock = instant;
            runtime.setClock(clock);
        }

        private void accrue(Accrue accrue) {
            String orderId = prefix + "order-" + (++sequence);
            Response answer = send("/v1/purchases", merchantKeys[accrue.merchant()],
                    "{\"memberId\":\"" + memberIds[accrue.member()] + "\",\"orderId\":\"" + orderId
                            + "\",\"total\":{\"amount\":" + accrue.amount() + ",\"currency\":\"EUR\"}}");
            if (erased[accrue.member()]) {
                assertThat(answer.status()).as("a purchase for an erased member: %s at %s", answer.body(), where())
                        .isEqualTo(410);
                return;
            }
            assertThat(answer.status()).as("%s at %s", answer.body(), where()).isEqualTo(201);
            long earned = answer.json().get("pointsEarned").asLong();
            assertThat(earned).as("1 point per 1.00, rounded down, at %s", where()).isEqualTo(accrue.amount() / 100);
            modelTotal[accrue.member()] += earned;
            orders.add(new ModelOrder(accrue.member(), merchantKeys[accrue.merchant()], orderId, accrue.amount(), earned));
        }

        private void giveBack(Return giveBack) {
            if (orders.isEmpty()) {
                return;
            }
            ModelOrder order = orders.get(giveBack.orderPick() % orders.size());
            long amount = Math.max(1, order.amount * giveBack.percent() / 100);
            Partition before = runtime.partition(memberIds[order.member]);
            Response answer = send("/v1/purchases/" + order.orderId + "/returns", order.merchantKey,
                    "{\"returnId\":\"" + prefix + "ret-" + (++sequence) + "\",\"amount\":" + amount + "}");
            if (order.returned + amount > order.amount) {
                assertThat(answer.status()).as("a return beyond the order is refused: %s at %s", answer.body(), where())
                        .isBetween(400, 499);
                assertThat(runtime.partition(memberIds[order.member])).as("a refused return writes nothing")
                        .isEqualTo(before);
                return;
            }
            if (!erased[order.member]) {
                assertThat(answer.status()).as("%s at %s", answer.body(), where()).isEqualTo(201);
            }
            if (!answer.ok()) {
                return;
            }
            JsonNode json = answer.json();
            order.returned += amount;
            long orderReversed = order.earned * order.returned / order.amount;
            assertThat(json.get("orderPointsReversed").asLong()).as("floor(earned x returned / amount) at %s", where())
                    .isEqualTo(orderReversed);
            assertThat(json.get("pointsReversed").asLong()).as("this return's part at %s", where())
                    .isEqualTo(orderReversed - order.reversed);
            order.reversed = orderReversed;
            JsonNode reversal = json.get("reversal");
            long taken = reversal.get("fromOrderLots").asLong() + reversal.get("fromOtherLots").asLong();
            assertThat(taken + reversal.get("unrecovered").asLong()).isEqualTo(reversal.get("requested").asLong());
            assertThat(reversal.get("unrecovered").asLong()).isNotNegative();
            modelTotal[order.member] -= taken;
        }

        private long heldAt(int member, Instant now) {
            return holds.stream().filter(h -> h.member == member && h.liveAt(now)).mapToLong(h -> h.points).sum();
        }

        private void hold(Hold hold) {
            int member = hold.member();
            Instant now = runtime.now();
            Partition before = runtime.partition(memberIds[member]);
            long total = before.lotTotal();
            long pending = Balance.of(before.openLots(), now, EXPIRING_SOON).pending();
            long expiredByLapse = Balance.of(before.openLots(), now.plus(HOLD), EXPIRING_SOON).expired();
            long spendable = total - pending - expiredByLapse - heldAt(member, now);
            String orderId = prefix + "hold-order-" + (++sequence);
            Response answer = send("/v1/redemptions", merchantKeys[hold.merchant()],
                    "{\"memberId\":\"" + memberIds[member] + "\",\"orderId\":\"" + orderId + "\",\"points\":" + hold.points() + "}");
            if (!erased[member]) {
                if (hold.points() <= spendable) {
                    assertThat(answer.status()).as("covered (spendable %d): %s at %s", spendable, answer.body(), where())
                            .isEqualTo(201);
                    assertThat(answer.json().get("spendable").asLong()).as("spendable after the hold at %s", where())
                            .isEqualTo(spendable - hold.points());
                } else {
                    assertThat(answer.status()).as("not covered (spendable %d): %s at %s", spendable, answer.body(), where())
                            .isEqualTo(422);
                }
            }
            if (answer.status() == 201) {
                JsonNode json = answer.json();
                holds.add(new ModelHold(member, merchantKeys[hold.merchant()], json.get("redemptionId").asText(),
                        json.get("points").asLong(), Instant.parse(json.get("expiresAt").asText())));
            } else {
                assertThat(runtime.partition(memberIds[member]).entries()).as("a refused hold writes no entry")
                        .isEqualTo(before.entries());
            }
        }

        private void capture(Capture capture) {
            if (holds.isEmpty()) {
                return;
            }
            ModelHold hold = holds.get(capture.holdPick() % holds.size());
            Instant now = runtime.now();
            boolean live = hold.liveAt(now);
            Partition before = runtime.partition(memberIds[hold.member]);
            long availableNow = Balance.of(before.openLots(), now, EXPIRING_SOON).available();
            long otherHeld = heldAt(hold.member, now) - (live ? hold.points : 0);
            Response answer = send("/v1/redemptions/" + hold.redemptionId + "/capture", hold.merchantKey, "");
            switch (hold.status) {
                case "captured" -> {
                    assertThat(answer.status()).as("capturing a captured hold answers it again: %s at %s", answer.body(), where())
                            .isEqualTo(200);
                    return; // spends nothing more: the model's total stays
                }
                case "cancelled" -> {
                    assertThat(answer.status()).as("a cancelled hold: %s at %s", answer.body(), where()).isEqualTo(409);
                    return;
                }
                default -> {
                }
            }
            if (!live) {
                assertThat(answer.status()).as("a lapsed hold: %s at %s", answer.body(), where()).isEqualTo(409);
                return;
            }
            if (!erased[hold.member] && availableNow - otherHeld >= hold.points) {
                assertThat(answer.status()).as("a covered live hold: %s at %s", answer.body(), where()).isEqualTo(200);
            }
            if (answer.status() == 200) {
                assertThat(answer.json().get("capturedPoints").asLong()).isEqualTo(hold.points);
                hold.status = "captured";
                modelTotal[hold.member] -= hold.points;
            } else {
                assertThat(answer.status()).as("an uncovered hold: %s at %s", answer.body(), where()).isEqualTo(409);
            }
        }

        private void cancel(Cancel cancel) {
            if (holds.isEmpty()) {
                return;
            }
            ModelHold hold = holds.get(cancel.holdPick() % holds.size());
            boolean live = hold.liveAt(runtime.now());
            Response answer = send("/v1/redemptions/" + hold.redemptionId + "/cancel", hold.merchantKey, "");
            if (hold.status.equals("cancelled") || live) {
                assertThat(answer.status()).as("%s at %s", answer.body(), where()).isEqualTo(200);
                hold.status = "cancelled";
            } else {
                assertThat(answer.status()).as("a %s hold: %s at %s", hold.status, answer.body(), where()).isEqualTo(409);
            }
        }

        private void expire() {
            Instant nextMidnight = clock.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
            moveClockTo(nextMidnight.plus(Duration.ofHours(1)));
            Instant now = runtime.now();
            List<Partition> before = List.of(runtime.partition(memberIds[0]), runtime.partition(memberIds[1]));
            JsonNode result = runtime.runSchedule("DailyExpiry");
            FIGURES.add("operations", 1);
            assertThat(result.has("errorMessage")).as("the expiry run failed: %s", result).isFalse();
            for (int member = 0; member < 2; member++) {
                Partition after = runtime.partition(memberIds[member]);
                Set<String> stillOpen = after.openLots().stream().map(PointsLot::lotId).collect(Collectors.toSet());
                long writtenOff = 0;
                for (PointsLot lot : before.get(member).openLots()) {
                    boolean due = lot.isExpiredAt(now) && lot.remaining() > 0;
                    boolean recent = lot.expiresAt() != null && lot.expiresAt().isAfter(now.minus(Duration.ofDays(6)));
                    if (due && recent) {
                        assertThat(stillOpen).as("lot %s (expiresAt %s) written off at %s", lot.lotId(), lot.expiresAt(),
                                where()).doesNotContain(lot.lotId());
                    }
                    if (!stillOpen.contains(lot.lotId()) && lot.remaining() > 0) {
                        assertThat(due).as("only expired lots are written off (%s) at %s", lot, where()).isTrue();
                        writtenOff += lot.remaining();
                    }
                }
                modelTotal[member] -= writtenOff;
            }
        }

        private void settle() {
            Instant now = runtime.now();
            YearMonth period = YearMonth.from(now.atZone(ZoneOffset.UTC)).minusMonths(1);
            Instant from = period.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            Instant to = period.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            Response answer = send("/v1/programs/" + programId + "/settlements", OPERATOR_KEY,
                    "{\"period\":\"" + period + "\"}");
            if (now.isBefore(to.plus(Duration.ofMinutes(5)))) {
                assertThat(answer.status()).as("too early to close %s: %s at %s", period, answer.body(), where())
                        .isEqualTo(400);
                return;
            }
            if (!closedPeriods.add(period.toString())) {
                assertThat(answer.status()).as("closed already: %s at %s", answer.body(), where()).isEqualTo(409);
                return;
            }
            assertThat(answer.status()).as("%s at %s", answer.body(), where()).isEqualTo(201);
            List<SettlementEntry> entries = new ArrayList<>();
            for (String memberId : memberIds) {
                entries.addAll(runtime.settlementEntries(memberId));
            }
            Settlement recomputed = SettlementCalculator.settle(programId, period.toString(), from, to, "EUR",
                    new PartnerAgreement(Map.of(
                            merchantIds[0], new MerchantTerms(true, true, 20, 400, null, null),
                            merchantIds[1], new MerchantTerms(true, true, 30, 500, null, null))), entries);
            JsonNode settlement = answer.json();
            List<Settlement.Position> positions = new ArrayList<>();
            for (JsonNode position : settlement.get("positions")) {
                positions.add(new Settlement.Position(position.get("debtorId").asText(), position.get("creditorId").asText(),
                        position.get("points").asLong(), position.get("amount").asLong()));
            }
            assertThat(positions).as("positions = a recompute from the ledger at %s", where())
                    .containsExactlyInAnyOrderElementsOf(recomputed.positions());
            for (JsonNode line : settlement.get("merchants")) {
                Settlement.MerchantLine expected = recomputed.line(line.get("merchantId").asText());
                assertThat(List.of(line.get("issued").asLong(), line.get("reversed").asLong(), line.get("expired").asLong(),
                        line.get("redeemedAt").asLong(), line.get("feesOwed").asLong(), line.get("netPosition").asLong()))
                        .as("merchant line of %s = a recompute at %s", line.get("merchantId").asText(), where())
                        .isEqualTo(List.of(expected.issued(), expected.reversed(), expected.expired(), expected.redeemedAt(),
                                expected.feesOwed(), expected.netPosition()));
            }
            FIGURES.add("settlementsChecked", 1);
        }

        private void erase(int member) {
            Partition before = runtime.partition(memberIds[member]);
            Response answer = send("/v1/programs/" + programId + "/members/" + memberIds[member] + "/erasure",
                    OPERATOR_KEY, "");
            assertThat(answer.status()).as("%s at %s", answer.body(), where()).isEqualTo(200);
            Partition after = runtime.partition(memberIds[member]);
            assertThat(after.openLots()).as("erasure keeps the lots").isEqualTo(before.openLots());
            assertThat(after.closedLots()).as("erasure keeps the closed lots").isEqualTo(before.closedLots());
            assertThat(after.entries()).as("erasure keeps the ledger").isEqualTo(before.entries());
            if (erased[member]) {
                assertThat(after.profile()).as("a second erasure writes nothing").isEqualTo(before.profile());
            }
            erased[member] = true;
        }

        private void replay(int pick) {
            List<Sent> recent = sent.stream()
                    .filter(request -> Duration.between(request.at(), clock).compareTo(Duration.ofHours(23)) < 0).toList();
            if (recent.isEmpty()) {
                return;
            }
            Sent original = recent.get(pick % recent.size());
            List<Partition> before = List.of(runtime.partition(memberIds[0]), runtime.partition(memberIds[1]));
            Response again = runtime.post(original.path(), original.key(), original.idempotencyKey(), original.body());
            FIGURES.add("operations", 1);
            FIGURES.add("replays", 1);
            assertThat(again.status()).as("a replay answers the same status at %s", where())
                    .isEqualTo(original.answer().status());
            assertThat(again.json()).as("a replay answers the same body at %s", where()).isEqualTo(original.answer().json());
            assertThat(List.of(runtime.partition(memberIds[0]), runtime.partition(memberIds[1])))
                    .as("a replay changes nothing at %s", where()).isEqualTo(before);
        }

        // ---- after every step ----

        /**
         * The members a step can change: its own; both after steps that move the clock (buckets change with time)
         * or may touch either (replay, settle). Checking only these keeps a history's cost near one read per step.
         */
        private List<Integer> touched(Step step) {
            return switch (step) {
                case Accrue accrue -> List.of(accrue.member());
                case Hold hold -> List.of(hold.member());
                case Erase erase -> List.of(erase.member());
                case Return giveBack -> orders.isEmpty() ? List.of()
                        : List.of(orders.get(giveBack.orderPick() % orders.size()).member);
                case Capture capture -> holds.isEmpty() ? List.of() : List.of(holds.get(capture.holdPick() % holds.size()).member);
                case Cancel cancel -> holds.isEmpty() ? List.of() : List.of(holds.get(cancel.holdPick() % holds.size()).member);
                case Expire ignored -> List.of(0, 1);
                case Settle ignored -> List.of(0, 1);
                case Replay ignored -> List.of(0, 1);
                case Advance ignored -> List.of(0, 1);
            };
        }

        private void checkInvariants(List<Integer> members) {
            Instant now = runtime.now();
            for (int member : members) {
                Partition partition = runtime.partition(memberIds[member]);
                String who = "member " + member + " at " + where();
                assertThat(partition.lotTotal()).as("balance = sum of lot remainders = sum of entries, %s", who)
                        .isEqualTo(partition.entryTotal());
                assertThat(partition.lotTotal()).as("the model's total (earned - reversed - captured - expired), %s", who)
                        .isEqualTo(modelTotal[member]);
                assertThat(partition.closedLots()).allSatisfy(lot -> assertThat(lot.remaining()).as("closed lots are empty")
                        .isZero());
                List<PointsLot> lots = new ArrayList<>(partition.openLots());
                lots.addAll(partition.closedLots());
                for (PointsLot lot : lots) {
                    assertThat(lot.remaining()).as("0 <= remaining <= amount: %s, %s", lot, who).isBetween(0L, lot.amount());
                    assertThat(lot.issuingMerchantId()).as("traceable to an issuing merchant: %s, %s", lot, who)
                            .isIn((Object[]) merchantIds);
                    long fromEntries = 0;
                    for (LedgerEntry entry : partition.entries()) {
                        fromEntries += entry.changeTo(lot.lotId());
                    }
                    assertThat(fromEntries).as("lot %s's remaining = what its entries left it, %s", lot.lotId(), who)
                            .isEqualTo(lot.remaining());
                }
                Balance lotsBalance = Balance.of(partition.openLots(), now, EXPIRING_SOON);
                assertThat(MemberFigures.read(partition.profile()).balanceAt(now, EXPIRING_SOON))
                        .as("the profile's balance figures = a recompute from the lots, %s", who).isEqualTo(lotsBalance);
                Response read = runtime.get("/v1/members/" + memberIds[member], merchantKeys[0]);
                assertThat(read.status()).as("GET member: %s, %s", read.body(), who).isEqualTo(200);
                JsonNode balance = read.json().get("balance");
                long held = heldAt(member, now);
                assertThat(balance.get("pending").asLong()).as("pending, %s", who).isEqualTo(lotsBalance.pending());
                assertThat(balance.get("held").asLong()).as("held = the model's live holds, %s", who).isEqualTo(held);
                assertThat(balance.get("available").asLong()).as("available never negative, %s", who).isNotNegative();
                assertThat(balance.get("available").asLong()).as("available = lots available now - held, %s", who)
                        .isEqualTo(Math.max(0, lotsBalance.available() - held));
            }
        }
    }
}
