package app.loyalty.local.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.local.LocalRuntime;
import app.loyalty.local.reliability.FaultInjector.Kind;
import app.loyalty.shared.runtime.AwsClients;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Issue 12, fault injection: a mixed workload through the real handlers of the local runtime (the whole bundle from
 * template.yaml, over HTTP, on DynamoDB Local) while a {@link FaultInjector} on the functions' DynamoDB client
 * throttles, answers 500, cancels transactions with TransactionConflict and loses answers after the write
 * committed. The SDK retries what it considers retryable; this test's client then plays a checkout: it retries every
 * answer that is not definite (5xx, 409 request-in-flight, 409 "retry") with the SAME Idempotency-Key until it gets
 * one, and the jobs (expiry run) are rerun until they complete.
 * <p>
 * One phase per fault kind, then all kinds mixed; each phase has its own program and month: setup without faults,
 * then ReliabilityRun.operations(quick N) operations (enrol, purchase, return, quote, hold, capture, cancel, erasure,
 * replays, and requests that must be refused: an order id reused with another amount, a return beyond the order, a
 * hold beyond the balance), then the month ends: expiry run and settlement close, still under faults. The table is
 * then read (by a client without faults) and compared with a model built only from the acknowledged answers:
 * DESIGN section 3's invariants on every member (balance = sum of open lots = sum of entries, 0 <= remaining <=
 * amount, nothing negative, every lot with its issuer), each acknowledged purchase / return / capture / erasure /
 * enrolment applied exactly once, refusals changed nothing, and after the expiry run every due lot burnt once.
 * <p>
 * Rerun with another seed: {@code bin/test -pl local -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=FaultInjectionIT -Dfailsafe.failIfNoSpecifiedTests=false -Dreliability.seed=42}; figures go to
 * local/target/reliability/fault-injection.json.
 */
class FaultInjectionIT {
    private static final String OPERATOR_KEY = "fault-injection-operator-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUICK_OPERATIONS = 24;
    /** A bound on a checkout's retries of one request; reaching it fails the test (no definite answer). */
    private static final int MAX_API_ATTEMPTS = 40;
    /** The share of faults on writes that persist over every SDK attempt of their call, so the handler meets them. */
    private static final double PERSISTENCE = 0.08;
    private static final ReliabilityRun.Figures FIGURES = ReliabilityRun.figures("fault-injection");

    private static FaultInjector faults;
    private static LocalRuntime runtime;
    private static DynamoDbClient table;
    private static String tableName;
    private static ContractValidator contract;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The faults of a phase: which kinds and the probability that an attempt draws one. */
    enum Phase {
        THROTTLING(EnumSet.of(Kind.THROTTLING), 0.03),
        INTERNAL_ERROR(EnumSet.of(Kind.INTERNAL_ERROR), 0.08),
        TRANSACTION_CONFLICT(EnumSet.of(Kind.TRANSACTION_CONFLICT), 0.25),
        RESPONSE_LOST(EnumSet.of(Kind.RESPONSE_LOST), 0.30),
        MIXED(EnumSet.allOf(Kind.class), 0.10);

        final Set<Kind> kinds;
        final double rate;

        Phase(Set<Kind> kinds, double rate) {
            this.kinds = kinds;
            this.rate = rate;
        }
    }

    @BeforeAll
    static void start() {
        faults = new FaultInjector(ReliabilityRun.seed() ^ 0xFA017L);
        runtime = LocalRuntime.start(new LocalRuntime.Options("127.0.0.1", 0, Optional.empty(),
                Path.of("..", "template.yaml").toAbsolutePath().normalize(), Optional.of(OPERATOR_KEY), "eu-west-1",
                List.of(faults)));
        tableName = System.getProperty("TABLE_NAME");
        table = AwsClients.build(DynamoDbClient.builder().endpointOverride(runtime.dynamoEndpoint()));
        contract = ContractValidator.repositoryContract();
    }

    @AfterAll
    static void stop() {
        try {
            for (Kind kind : Kind.values()) {
                FIGURES.set("faultsInjected." + kind.name(), faults.injected(kind));
            }
            FIGURES.set("faultsInjected.total", faults.injectedTotal());
            FIGURES.set("faultsByOperation", faults.faultsByOperation());
            FIGURES.set("sdkCalls", faults.executions());
            FIGURES.set("sdkRetries", faults.sdkRetries());
            FIGURES.set("sdkCallsEndingInAnException", faults.failedExecutions());
            FIGURES.set("faultsPersistentOverSdkRetries", faults.persistentFaults());
            FIGURES.write();
        } finally {
            if (table != null) {
                table.close();
            }
            if (runtime != null) {
                runtime.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void mixedWorkloadUnderFaults_keepsEveryLedgerInvariant_andAppliesEveryAcknowledgedOperationExactlyOnce(Phase phase) {
        Workload workload = new Workload(phase, new Random(ReliabilityRun.seed() * 31 + phase.ordinal()));
        workload.setUp();
        // The budget bounds the faults; the jobs and event consumers the runtime runs meanwhile draw from it too.
        faults.arm(phase.kinds, phase.rate, Map.of("Query", phase.rate / 4), PERSISTENCE,
                ReliabilityRun.operations(QUICK_OPERATIONS) * 12L);
        long injectedBefore = faults.injectedTotal();
        long sdkRetriesBefore = faults.sdkRetries();
        try {
            int operations = ReliabilityRun.operations(QUICK_OPERATIONS);
            for (int i = 0; i < operations; i++) {
                workload.step(i);
            }
            List<String> violations = new ArrayList<>(workload.check(false));
            workload.endTheMonth();
            faults.disarm();
            violations.addAll(workload.check(true));
            FIGURES.add("invariantViolations", violations.size());
            FIGURES.add("lostOperations", workload.lost);
            FIGURES.add("doubledOperations", workload.doubled);
            FIGURES.add("faultsInjected.phase." + phase.name(), faults.injectedTotal() - injectedBefore);
            FIGURES.add("sdkRetries.phase." + phase.name(), faults.sdkRetries() - sdkRetriesBefore);
            assertThat(faults.injectedTotal() - injectedBefore).as("faults injected in phase " + phase).isPositive();
            assertThat(violations).as("invariant violations under " + phase + " (seed " + ReliabilityRun.seed() + ")")
                    .isEmpty();
        } finally {
            faults.disarm();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The model: only what the API acknowledged.

    static final class MemberModel {
        final String memberId;
        long earned;
        long reversed;
        long captured;
        boolean erased;
        final Map<String, HoldModel> liveHolds = new LinkedHashMap<>();

        MemberModel(String memberId) {
            this.memberId = memberId;
        }

        long expectedBalance() {
            return earned - reversed - captured;
        }

        long available() {
            return expectedBalance() - liveHolds.values().stream().mapToLong(h -> h.points).sum();
        }
    }

    record HoldModel(String redemptionId, String merchantKey, long points) {
    }

    static final class PurchaseModel {
        final String orderId;
        final String merchantKey;
        final String merchantId;
        final MemberModel member;
        final long amount;
        final long points;
        long returned;
        long reversed;
        int reversingReturns;

        PurchaseModel(String orderId, String merchantId, String merchantKey, MemberModel member, long amount, long points) {
            this.orderId = orderId;
            this.merchantId = merchantId;
            this.merchantKey = merchantKey;
            this.member = member;
            this.amount = amount;
            this.points = points;
        }
    }

    record Replayable(String method, String path, String key, String idempotencyKey, String body, int status,
                      JsonNode answer) {
    }

    record Answer(int status, String contentType, String body, boolean replayed) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON (" + status + "): " + body, e);
            }
        }

        String type() {
            return contentType.startsWith("application/problem+json") ? json().path("type").asText() : "";
        }
    }

    final class Workload {
        final Phase phase;
        final Random random;
        final String tag;
        final ZonedDateTime day;
        String programId;
        final List<String[]> merchants = new ArrayList<>(); // {merchantId, apiKey}
        final List<MemberModel> members = new ArrayList<>();
        final List<PurchaseModel> purchases = new ArrayList<>();
        final Map<String, String> capturedById = new HashMap<>(); // redemptionId -> memberId
        final Map<String, String> cancelledById = new HashMap<>();
        final List<Replayable> replayables = new ArrayList<>();
        int enrolled;
        int erasures;
        long lost;
        long doubled;
        JsonNode settlement;

        Workload(Phase phase, Random random) {
            this.phase = phase;
            this.random = random;
            this.tag = "fi" + ReliabilityRun.seed() % 100_000 + phase.ordinal();
            // Each phase in its own month, so each closes its own settlement period.
            this.day = ZonedDateTime.of(2027, 1 + phase.ordinal(), 20, 12, 0, 0, 0, ZoneOffset.UTC);
        }

        /**
         * Within the job's catch-up window (ExpiryJob.LOOKBACK_DAYS) of the lots' expiry, as an hourly schedule would
         * run: a jump of weeks past it would be a run missed for longer than the job catches up.
         */
        Instant expiryRun() {
            return day.plusDays(3).withHour(1).toInstant();
        }

        void setUp() {
            setClock(day.toInstant());
            Answer program = definite("POST", "/v1/programs", OPERATOR_KEY, tag + "-program", """
                    {"name":"Faults %s","currency":"EUR","rules":{"pendingDays":0,
                     "expiry":{"policy":"DAYS_AFTER_EARNING","days":1,"noticeDays":1}}}""".formatted(phase));
            assertThat(program.status()).as(program.body()).isEqualTo(201);
            programId = program.json().get("programId").asText();
            for (String name : List.of("A", "B")) {
                Answer merchant = definite("POST", "/v1/programs/" + programId + "/merchants", OPERATOR_KEY,
                        tag + "-merchant-" + name, "{\"name\":\"Shop " + name + "\"}");
                assertThat(merchant.status()).as(merchant.body()).isEqualTo(201);
                merchants.add(new String[] {merchant.json().get("merchantId").asText(), merchant.json().get("apiKey").asText()});
            }
            Answer agreement = definite("PUT", "/v1/programs/" + programId + "/agreement", OPERATOR_KEY, tag + "-agreement", """
                    {"merchants":{"%s":{"issue":true,"redeem":true,"issueFeePer1000":20,"reimbursementPer1000":400},
                                  "%s":{"issue":true,"redeem":true,"issueFeePer1000":30,"reimbursementPer1000":500}}}"""
                    .formatted(merchants.get(0)[0], merchants.get(1)[0]));
            assertThat(agreement.status()).as(agreement.body()).isEqualTo(200);
        }

        void step(int i) {
            List<MemberModel> active = members.stream().filter(m -> !m.erased).toList();
            if (active.size() < 3) {
                enrol(i);
                return;
            }
            int roll = random.nextInt(100);
            MemberModel member = active.get(random.nextInt(active.size()));
            List<PurchaseModel> returnable = purchases.stream()
                    .filter(p -> p.returned < p.amount && !p.member.erased).toList();
            List<MemberModel> holding = active.stream().filter(m -> !m.liveHolds.isEmpty()).toList();
            if (roll < 8) {
                enrol(i);
            } else if (roll < 38) {
                purchase(i, member);
            } else if (roll < 42 && !purchases.isEmpty()) {
                conflictingPurchase(i);
            } else if (roll < 56 && !returnable.isEmpty()) {
                returnPart(i, returnable.get(random.nextInt(returnable.size())), false);
            } else if (roll < 59 && !returnable.isEmpty()) {
                returnPart(i, returnable.get(random.nextInt(returnable.size())), true);
            } else if (roll < 66) {
                quote(i, member);
            } else if (roll < 78) {
                hold(i, member);
            } else if (roll < 86 && !holding.isEmpty()) {
                closeHold(i, holding.get(random.nextInt(holding.size())), true);
            } else if (roll < 91 && !holding.isEmpty()) {
                closeHold(i, holding.get(random.nextInt(holding.size())), false);
            } else if (roll < 93 && erasures < 2 && active.size() > 4) {
                erase(i, member);
            } else if (!replayables.isEmpty()) {
                replay(replayables.get(random.nextInt(replayables.size())));
            } else {
                purchase(i, member);
            }
        }

        String[] merchant() {
            return merchants.get(random.nextInt(merchants.size()));
        }

        void enrol(int i) {
            String key = merchant()[1];
            String body = "{\"profile\":{\"name\":\"Member " + i + "\",\"phone\":\"+4477009" + String.format("%02d%04d",
                    phase.ordinal(), i) + "\"}}";
            Answer answer = mutate("enrol", "POST", "/v1/members", key, tag + "-enrol-" + i, body);
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            members.add(new MemberModel(answer.json().get("memberId").asText()));
            enrolled++;
        }

        void purchase(int i, MemberModel member) {
            String[] merchant = merchant();
            String orderId = tag + "-order-" + i;
            long amount = 100 + random.nextInt(50_000);
            String body = "{\"memberId\":\"" + member.memberId + "\",\"orderId\":\"" + orderId
                    + "\",\"total\":{\"amount\":" + amount + ",\"currency\":\"EUR\"}}";
            Answer answer = mutate("purchase", "POST", "/v1/purchases", merchant[1], tag + "-purchase-" + i, body);
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            long points = answer.json().get("pointsEarned").asLong();
            member.earned += points;
            purchases.add(new PurchaseModel(orderId, merchant[0], merchant[1], member, amount, points));
        }

        /** The same order id with another amount, under a new key: 409, and the order stays as first recorded. */
        void conflictingPurchase(int i) {
            PurchaseModel original = purchases.get(random.nextInt(purchases.size()));
            String body = "{\"memberId\":\"" + original.member.memberId + "\",\"orderId\":\"" + original.orderId
                    + "\",\"total\":{\"amount\":" + (original.amount + 1) + ",\"currency\":\"EUR\"}}";
            Answer answer = mutate("refused.purchase", "POST", "/v1/purchases", original.merchantKey,
                    tag + "-conflict-" + i, body);
            assertThat(answer.status()).as(answer.body()).isEqualTo(409);
        }

        void returnPart(int i, PurchaseModel purchase, boolean beyondTheOrder) {
            long left = purchase.amount - purchase.returned;
            long amount = beyondTheOrder ? left + 1 + random.nextInt(1000) : 1 + (long) (random.nextDouble() * left);
            String body = "{\"returnId\":\"ret-" + i + "\",\"amount\":" + amount + "}";
            Answer answer = mutate(beyondTheOrder ? "refused.return" : "return", "POST",
                    "/v1/purchases/" + purchase.orderId + "/returns", purchase.merchantKey, tag + "-return-" + i, body);
            if (beyondTheOrder) {
                assertThat(answer.status()).as(answer.body()).isEqualTo(409);
                return;
            }
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            JsonNode reversal = answer.json().get("reversal");
            long reversed = reversal.get("fromOrderLots").asLong() + reversal.get("fromOtherLots").asLong();
            purchase.returned += amount;
            purchase.reversed += reversed;
            if (reversed > 0) {
                purchase.reversingReturns++;
            }
            purchase.member.reversed += reversed;
        }

        void quote(int i, MemberModel member) {
            String body = "{\"memberId\":\"" + member.memberId + "\",\"orderId\":\"" + tag + "-quote-" + i
                    + "\",\"lines\":[{\"sku\":\"beans\",\"category\":\"coffee\",\"quantity\":1,\"unitPrice\":4500}],"
                    + "\"pointsToSpend\":" + random.nextInt(200) + "}";
            Answer answer = call("quote", "POST", "/v1/discounts/quote", merchant()[1], null, body);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        }

        void hold(int i, MemberModel member) {
            String[] merchant = merchant();
            long available = member.available();
            // Mostly within what the member has; sometimes beyond it, which must be refused and write nothing.
            boolean beyond = available <= 0 || random.nextInt(6) == 0;
            long points = beyond ? Math.max(1, available) + 1 + random.nextInt(100) : 1 + (long) (random.nextDouble() * available);
            String body = "{\"memberId\":\"" + member.memberId + "\",\"orderId\":\"" + tag + "-hold-" + i
                    + "\",\"points\":" + points + "}";
            Answer answer = mutate(beyond ? "refused.hold" : "hold", "POST", "/v1/redemptions", merchant[1],
                    tag + "-hold-" + i, body);
            if (beyond) {
                assertThat(answer.status()).as(answer.body()).isEqualTo(422);
                return;
            }
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            String redemptionId = answer.json().get("redemptionId").asText();
            member.liveHolds.put(redemptionId, new HoldModel(redemptionId, merchant[1], points));
        }

        void closeHold(int i, MemberModel member, boolean capture) {
            List<HoldModel> holds = new ArrayList<>(member.liveHolds.values());
            HoldModel hold = holds.get(random.nextInt(holds.size()));
            String action = capture ? "capture" : "cancel";
            Answer answer = mutate(action, "POST", "/v1/redemptions/" + hold.redemptionId() + "/" + action,
                    hold.merchantKey(), tag + "-" + action + "-" + i, "");
            if (capture && answer.status() == 409) {
                // A return took back points the hold had reserved: the capture is refused and the hold stays live.
                FIGURES.add("operations.refused.capture", 1);
                return;
            }
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            member.liveHolds.remove(hold.redemptionId());
            if (capture) {
                long points = answer.json().get("capturedPoints").asLong();
                assertThat(points).isEqualTo(hold.points());
                member.captured += points;
                capturedById.put(hold.redemptionId(), member.memberId);
            } else {
                cancelledById.put(hold.redemptionId(), member.memberId);
            }
        }

        void erase(int i, MemberModel member) {
            Answer answer = mutate("erasure", "POST", "/v1/programs/" + programId + "/members/" + member.memberId
                    + "/erasure", OPERATOR_KEY, tag + "-erase-" + i, "");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            member.erased = true;
            erasures++;
        }

        /** An acknowledged request sent again, same key and body: the same answer, nothing written. */
        void replay(Replayable earlier) {
            Answer again = call("replay", earlier.method(), earlier.path(), earlier.key(), earlier.idempotencyKey(),
                    earlier.body());
            if (again.status() != earlier.status() || !sameAnswer(earlier.answer(), again)) {
                doubled++;
                FIGURES.add("replayMismatches", 1);
                throw new AssertionError("Replay of " + earlier.path() + " (" + earlier.idempotencyKey() + ") answered "
                        + again.status() + " " + again.body() + ", first " + earlier.status() + " " + earlier.answer());
            }
        }

        private boolean sameAnswer(JsonNode first, Answer again) {
            if (first == null) {
                return true;
            }
            JsonNode replayed = again.json();
            // Ids and amounts must match; the balance block of some answers is computed at answer time.
            for (String field : List.of("memberId", "orderId", "pointsEarned", "redemptionId", "points", "returnId",
                    "pointsReversed", "capturedPoints")) {
                if (first.has(field) && !first.get(field).equals(replayed.get(field))) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Every lot is due (1 day after earning: the next midnight but one) at {@link #expiryRun}: the expiry run there
         * (rerun until it completes, as the schedule's retries would). Then the month ends and the operator closes it.
         */
        void endTheMonth() {
            setClock(expiryRun());
            for (int run = 1; ; run++) {
                Answer answer = local("POST", "/_local/schedules/DailyExpiry", "");
                FIGURES.add("operations.expiryRun", 1);
                if (answer.status() == 200 && answer.json().at("/result/complete").asBoolean()) {
                    break;
                }
                FIGURES.add("jobReruns.expiryRun", 1);
                assertThat(run).as("the expiry run never completed: " + answer.body()).isLessThan(MAX_API_ATTEMPTS);
            }
            setClock(day.withDayOfMonth(1).plusMonths(1).withHour(1).toInstant());
            String period = day.getYear() + "-" + String.format("%02d", day.getMonthValue());
            Answer closed = mutate("settlementClose", "POST", "/v1/programs/" + programId + "/settlements", OPERATOR_KEY,
                    tag + "-close-" + period, "{\"period\":\"" + period + "\"}");
            assertThat(closed.status()).as(closed.body()).isEqualTo(201);
            settlement = closed.json();
        }

        // -------------------------------------------------------------------------------------------------------
        // The check: the table against the invariants and the model.

        List<String> check(boolean afterExpiry) {
            List<String> violations = new ArrayList<>();
            String when = afterExpiry ? " (after the expiry run)" : "";
            Instant now = afterExpiry ? expiryRun() : day.toInstant();
            for (MemberModel member : members) {
                List<Map<String, AttributeValue>> items = partition("MEMBER#" + member.memberId);
                Map<String, AttributeValue> profile = null;
                long openRemaining = 0;
                long entriesSum = 0;
                Map<String, Long> entriesByType = new HashMap<>();
                Map<String, Integer> accrualsByOrder = new HashMap<>();
                Map<String, Long> accruedByOrder = new HashMap<>();
                Map<String, Integer> reversalsByOrder = new HashMap<>();
                Map<String, Long> reversedByOrder = new HashMap<>();
                Map<String, Long> expiredByLot = new HashMap<>();
                int redeemEntries = 0;
                Map<String, Long> lotAmounts = new HashMap<>();
                for (Map<String, AttributeValue> item : items) {
                    String sk = Attr.string(item, "SK");
                    if (sk.equals("PROFILE")) {
                        profile = item;
                    } else if (sk.startsWith("LOT#") || sk.startsWith("HIST#LOT#")) {
                        long amount = Attr.number(item, "amount");
                        long remaining = Attr.number(item, "remaining");
                        lotAmounts.put(Attr.string(item, "lotId"), amount);
                        if (remaining < 0 || remaining > amount) {
                            violations.add(member.memberId + ": lot " + sk + " has remaining " + remaining + " of " + amount);
                        }
                        if (sk.startsWith("HIST#") && remaining != 0) {
                            violations.add(member.memberId + ": closed lot " + sk + " keeps " + remaining + " points");
                        }
                        if (!item.containsKey("issuingMerchantId")) {
                            violations.add(member.memberId + ": lot " + sk + " has no issuing merchant");
                        }
                        if (sk.startsWith("LOT#")) {
                            openRemaining += remaining;
                            if (afterExpiry && remaining > 0 && item.containsKey("expiresAt")
                                    && !Instant.parse(Attr.string(item, "expiresAt")).isAfter(now)) {
                                violations.add(member.memberId + ": lot " + sk + " is due but still open" + when);
                            }
                        }
                    } else if (sk.startsWith("ENTRY#")) {
                        String type = Attr.string(item, "type");
                        long points = Attr.number(item, "points");
                        String orderId = item.containsKey("orderId") ? Attr.string(item, "orderId") : "";
                        entriesSum += points;
                        entriesByType.merge(type, points, Long::sum);
                        switch (type) {
                            case "ACCRUE" -> {
                                accrualsByOrder.merge(orderId, 1, Integer::sum);
                                accruedByOrder.merge(orderId, points, Long::sum);
                            }
                            case "REVERSE" -> {
                                reversalsByOrder.merge(orderId, 1, Integer::sum);
                                reversedByOrder.merge(orderId, -points, Long::sum);
                            }
                            case "REDEEM" -> redeemEntries++;
                            case "EXPIRE" -> {
                                for (AttributeValue allocation : item.get("allocations").l()) {
                                    expiredByLot.merge(allocation.m().get("lotId").s(),
                                            Long.parseLong(allocation.m().get("points").n()), Long::sum);
                                }
                            }
                            case "ACTIVATE" -> { }
                            default -> violations.add(member.memberId + ": unexpected " + type + " entry " + sk);
                        }
                    }
                }
                if (profile == null) {
                    violations.add(member.memberId + ": acknowledged enrolment without a profile");
                    lost++;
                    continue;
                }
                long total = Attr.number(profile, "pointsTotal");
                if (total < 0) {
                    violations.add(member.memberId + ": negative balance " + total);
                }
                if (total != openRemaining) {
                    violations.add(member.memberId + ": balance " + total + " but its open lots hold " + openRemaining + when);
                }
                if (total != entriesSum) {
                    violations.add(member.memberId + ": balance " + total + " but its entries sum to " + entriesSum + when);
                }
                // The model: what the acknowledged answers said, applied once.
                long accrued = entriesByType.getOrDefault("ACCRUE", 0L);
                long reversed = -entriesByType.getOrDefault("REVERSE", 0L);
                long redeemed = -entriesByType.getOrDefault("REDEEM", 0L);
                compare(violations, member, "points accrued", member.earned, accrued);
                compare(violations, member, "points reversed", member.reversed, reversed);
                compare(violations, member, "points captured", member.captured, redeemed);
                if (!afterExpiry) {
                    compare(violations, member, "balance", member.expectedBalance(), total);
                } else {
                    long expired = -entriesByType.getOrDefault("EXPIRE", 0L);
                    compare(violations, member, "points expired (every lot was due)", member.expectedBalance(), expired);
                    expiredByLot.forEach((lot, points) -> {
                        if (points > lotAmounts.getOrDefault(lot, 0L)) {
                            violations.add(member.memberId + ": lot " + lot + " expired " + points + " points, more than it had");
                            doubled++;
                        }
                    });
                }
                int capturedOfMember = (int) capturedById.values().stream().filter(member.memberId::equals).count();
                if (redeemEntries != capturedOfMember) {
                    violations.add(member.memberId + ": " + redeemEntries + " REDEEM entries for " + capturedOfMember
                            + " acknowledged captures");
                    tally(redeemEntries - capturedOfMember);
                }
                Set<String> acknowledgedOrders = new java.util.HashSet<>();
                purchases.stream().filter(p -> p.member == member).forEach(p -> acknowledgedOrders.add(p.orderId));
                for (String orderId : accrualsByOrder.keySet()) {
                    if (!acknowledgedOrders.contains(orderId)) {
                        violations.add(member.memberId + ": ACCRUE entries for order " + orderId + ", never acknowledged");
                        doubled += accrualsByOrder.get(orderId);
                    }
                }
                for (PurchaseModel purchase : purchases) {
                    if (purchase.member != member) {
                        continue;
                    }
                    int accruals = accrualsByOrder.getOrDefault(purchase.orderId, 0);
                    int expected = purchase.points > 0 ? 1 : 0;
                    if (accruals != expected) {
                        violations.add(member.memberId + ": order " + purchase.orderId + " has " + accruals + " ACCRUE entries");
                        tally(accruals - expected);
                    } else if (accruedByOrder.getOrDefault(purchase.orderId, 0L) != purchase.points) {
                        violations.add(member.memberId + ": order " + purchase.orderId + " accrued "
                                + accruedByOrder.get(purchase.orderId) + ", acknowledged " + purchase.points);
                    }
                    int reversals = reversalsByOrder.getOrDefault(purchase.orderId, 0);
                    if (reversals != purchase.reversingReturns
                            || reversedByOrder.getOrDefault(purchase.orderId, 0L) != purchase.reversed) {
                        violations.add(member.memberId + ": order " + purchase.orderId + " has " + reversals
                                + " REVERSE entries of " + reversedByOrder.get(purchase.orderId) + " points, acknowledged "
                                + purchase.reversingReturns + " of " + purchase.reversed);
                        tally(reversals - purchase.reversingReturns);
                    }
                    Map<String, AttributeValue> order = item("ORDER#" + purchase.merchantId + "#" + purchase.orderId, "ORDER");
                    if (order == null) {
                        violations.add("order " + purchase.orderId + " acknowledged but absent");
                        lost++;
                    } else {
                        if (Attr.number(order, "amount") != purchase.amount) {
                            violations.add("order " + purchase.orderId + " has amount " + Attr.number(order, "amount")
                                    + ", acknowledged " + purchase.amount + " (a refused request changed it)");
                        }
                        long returnedAmount = order.containsKey("returnedAmount") ? Attr.number(order, "returnedAmount") : 0;
                        if (returnedAmount != purchase.returned) {
                            violations.add("order " + purchase.orderId + " returned " + returnedAmount + ", acknowledged "
                                    + purchase.returned);
                            tally(returnedAmount > purchase.returned ? 1 : -1);
                        }
                    }
                }
                if (member.erased) {
                    if (!"ERASED".equals(Attr.string(profile, "status")) || profile.containsKey("name")
                            || profile.containsKey("phone")) {
                        violations.add(member.memberId + ": erasure acknowledged but the profile is "
                                + Attr.string(profile, "status") + " with its personal data");
                        lost++;
                    }
                } else if (!"ACTIVE".equals(Attr.string(profile, "status"))) {
                    violations.add(member.memberId + ": status " + Attr.string(profile, "status") + " without an erasure");
                }
                if (!afterExpiry && profile.containsKey("holds")) {
                    for (String held : profile.get("holds").m().keySet()) {
                        if (!member.liveHolds.containsKey(held)) {
                            violations.add(member.memberId + ": hold " + held + " is live on the profile, but the API "
                                    + "acknowledged it closed or never acknowledged it");
                        }
                    }
                }
            }
            for (Map.Entry<String, String> captured : capturedById.entrySet()) {
                Map<String, AttributeValue> redemption = item("REDEMPTION#" + captured.getKey(), "REDEMPTION");
                if (redemption == null || !"CAPTURED".equals(Attr.string(redemption, "status"))) {
                    violations.add("redemption " + captured.getKey() + " captured but stored as "
                            + (redemption == null ? "nothing" : Attr.string(redemption, "status")));
                }
            }
            for (String cancelled : cancelledById.keySet()) {
                Map<String, AttributeValue> redemption = item("REDEMPTION#" + cancelled, "REDEMPTION");
                if (redemption == null || !"CANCELLED".equals(Attr.string(redemption, "status"))) {
                    violations.add("redemption " + cancelled + " cancelled but stored as "
                            + (redemption == null ? "nothing" : Attr.string(redemption, "status")));
                }
            }
            int indexed = programMembers();
            long expectedIndexed = members.stream().filter(m -> !m.erased).count();
            if (indexed != expectedIndexed) {
                violations.add("program " + programId + " indexes " + indexed + " members, acknowledged "
                        + expectedIndexed + " (" + enrolled + " enrolled, " + erasures + " erased)");
                tally(indexed - (int) expectedIndexed);
            }
            if (afterExpiry) {
                String period = settlement.get("period").asText();
                Map<String, AttributeValue> stored = item("SETTLEMENT#" + programId, "PERIOD#" + period);
                if (stored == null) {
                    violations.add("settlement " + period + " acknowledged but not stored");
                    lost++;
                } else if (!readTree(Attr.string(stored, "response")).equals(settlement)) {
                    violations.add("settlement " + period + " answered differently from the one stored");
                }
            }
            return violations;
        }

        private void compare(List<String> violations, MemberModel member, String what, long acknowledged, long stored) {
            if (acknowledged != stored) {
                violations.add(member.memberId + ": " + what + " " + stored + " in the table, acknowledged " + acknowledged);
            }
        }

        /** More applications than acknowledged: doubled; fewer: lost. */
        private void tally(int surplus) {
            if (surplus > 0) {
                doubled += surplus;
            } else if (surplus < 0) {
                lost += -surplus;
            }
        }

        private int programMembers() {
            int count = 0;
            for (int shard = 0; shard < 16; shard++) {
                Map<String, AttributeValue> start = null;
                do {
                    QueryResponse page = table.query(QueryRequest.builder().tableName(tableName).indexName("GSI1")
                            .keyConditionExpression("GSI1PK = :pk")
                            .expressionAttributeValues(Map.of(":pk", Attr.s("MEMBERS#" + programId + "#" + shard)))
                            .exclusiveStartKey(start).build());
                    count += page.count();
                    start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
                } while (start != null);
            }
            return count;
        }

        // -------------------------------------------------------------------------------------------------------
        // The checkout's side: retries with the same Idempotency-Key until a definite answer.

        /** A state-changing request, retried until definite, remembered for a later replay when acknowledged. */
        Answer mutate(String operation, String method, String path, String key, String idempotencyKey, String body) {
            Answer answer = call(operation, method, path, key, idempotencyKey, body);
            if (answer.status() < 300 && !operation.equals("settlementClose") && !operation.equals("erasure")) {
                replayables.add(new Replayable(method, path, key, idempotencyKey, body, answer.status(), answer.json()));
            }
            return answer;
        }

        Answer call(String operation, String method, String path, String key, String idempotencyKey, String body) {
            FIGURES.add("operations." + operation, 1);
            return definite(method, path, key, idempotencyKey, body);
        }
    }

    /** Sends a request until the answer is definite: never 5xx, never "in flight", never "changed meanwhile, retry". */
    private static Answer definite(String method, String path, String key, String idempotencyKey, String body) {
        for (int attempt = 1; ; attempt++) {
            Answer answer = send(method, path, key, idempotencyKey, body);
            if (isDefinite(answer)) {
                if (answer.replayed()) {
                    FIGURES.add("apiReplays", 1);
                }
                return answer;
            }
            FIGURES.add("apiRetries", 1);
            FIGURES.add("apiRetries.status" + answer.status(), 1);
            if (attempt >= MAX_API_ATTEMPTS) {
                throw new AssertionError("No definite answer to " + method + " " + path + " after " + attempt
                        + " attempts with the same Idempotency-Key; last: " + answer.status() + " " + answer.body());
            }
        }
    }

    private static boolean isDefinite(Answer answer) {
        if (answer.status() >= 500) {
            return false;
        }
        if (answer.status() == 409) {
            if (answer.type().endsWith("/request-in-flight")) {
                return false;
            }
            String detail = answer.json().path("detail").asText();
            // IdempotentWriter's transient conflicts: nothing was written and the client is told to retry.
            return !(detail.startsWith("The state changed while the request ran")
                    || detail.startsWith("Too many concurrent changes"));
        }
        return true;
    }

    private static Answer send(String method, String path, String key, String idempotencyKey, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(runtime.url().resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Answer answer = new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response.headers().firstValue("Idempotent-Replayed").isPresent());
            // Every exchange, 500s included, must be one openapi.yaml describes.
            ContractChecked.assertHolds(contract, new ContractValidator.Exchange(method, URI.create(path).getRawPath(),
                    Map.of(), body, answer.status(), answer.contentType(), answer.body()));
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A developer endpoint (/_local/...): not part of the contract. */
    private static Answer local(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(runtime.url().resolve(path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void setClock(Instant now) {
        Answer answer = local("POST", "/_local/clock", "{\"now\":\"" + now + "\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    private static List<Map<String, AttributeValue>> partition(String pk) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = table.query(QueryRequest.builder().tableName(tableName).consistentRead(true)
                    .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", Attr.s(pk)))
                    .exclusiveStartKey(start).build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private static Map<String, AttributeValue> item(String pk, String sk) {
        Map<String, AttributeValue> item = table.getItem(r -> r.tableName(tableName).consistentRead(true)
                .key(Map.of("PK", Attr.s(pk), "SK", Attr.s(sk)))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
