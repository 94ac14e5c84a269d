package app.loyalty.functions.bonusexpiry;

import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.CardNumber;
import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.member.MemberProfile;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.events.Outbox;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.store.UpdateExpression;
import app.loyalty.shared.testing.EventSchemas;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Time-travel tests of the daily job on DynamoDB Local: lots are seeded as a purchase writes them (lot items with
 * their index entries, the profile figures), the injected clock is moved, and the handler runs with the real-shaped
 * Scheduler event of events/scheduler/daily-expiry.json.
 */
class BonusExpiryHandlerTest {
    static final String PROGRAM = "prg_0123456789abcdefghjk";
    static final String MERCHANT = "mch_0123456789abcdefghjk";
    static final Instant EARNED = Instant.parse("2026-11-23T09:30:00Z");
    /** Pending for 14 days, then available until this UTC midnight. */
    static final Instant AVAILABLE = Instant.parse("2026-12-07T09:30:00Z");
    static final Instant EXPIRES = Instant.parse("2027-11-24T00:00:00Z");

    private final MutableClock clock = MutableClock.at(EARNED);
    private AppContext context;
    private JsonNode scheduledEvent;
    private int lots;

    @BeforeEach
    void setUp() throws IOException {
        context = TestContexts.appContext(clock);
        ProgramRules rules = new ProgramRules(ProgramRules.DEFAULT.earn(), null, 14,
                new ProgramRules.Expiry(ProgramRules.Expiry.Policy.DAYS_AFTER_EARNING, 365, 7), null, null);
        Program program = new Program(PROGRAM, "Program", "EUR", rules, EARNED, EARNED, 0);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName()).create(program)).build());
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("scheduler/daily-expiry.json")) {
            scheduledEvent = LambdaJson.MAPPER.readTree(in);
        }
    }

    // ----- expiry -----

    @Test
    void lotExpiresAtExactlyExpiresAt_notOneSecondBefore_withEntryEventAndExactFigures() {
        String member = member("mbr_00000000000000000001");
        PointsLot lot = lot(member, 120, EXPIRES);
        PointsLot later = lot(member, 30, EXPIRES.plus(Duration.ofDays(31)));
        seed(member, lot, later);

        clock.set(EXPIRES.minusSeconds(1));
        assertThat(run().lotsExpired()).as("one second before expiresAt the points can still be spent").isZero();
        assertThat(openLots(member)).hasSize(2);

        clock.set(EXPIRES);
        ExpiryJob.Summary summary = run();

        assertThat(summary.lotsExpired()).as("expiresAt == now counts as expired (PointsLot.isExpiredAt)").isEqualTo(1);
        assertThat(summary.pointsExpired()).isEqualTo(120);
        assertThat(openLots(member)).extracting(i -> Attr.string(i, "lotId")).containsExactly(later.lotId());
        List<Map<String, AttributeValue>> closed = items(member, "HIST#LOT#");
        assertThat(closed).hasSize(1);
        assertThat(Attr.number(closed.getFirst(), "remaining")).isZero();
        assertThat(closed.getFirst()).as("a written-off lot leaves the expiry index").doesNotContainKey(TableSchema.GSI2_PK);
        List<Map<String, AttributeValue>> entries = items(member, "ENTRY#");
        assertThat(entries).hasSize(1);
        assertThat(Attr.string(entries.getFirst(), "type")).isEqualTo("EXPIRE");
        assertThat(Attr.number(entries.getFirst(), "points")).isEqualTo(-120);
        PointsFigures figures = MemberFigures.read(profile(member));
        assertThat(figures.total()).as("the profile total is the sum of lot remainders").isEqualTo(30);
        Balance balance = figures.balanceAt(clock.instant(), Duration.ofDays(30));
        assertThat(balance.available()).isEqualTo(30);
        assertThat(balance.expired()).as("written off, no longer merely expired").isZero();
        List<DomainEvent> events = events().stream().filter(e -> !e.detailType().equals("PointsExpiringSoon")).toList();
        assertThat(events).extracting(DomainEvent::detailType).containsExactly("PointsExpired");
        assertThat(events.getFirst().data()).containsEntry("points", 120).containsEntry("lotId", lot.lotId())
                .containsEntry("reason", "expiry")
                .containsEntry("memberId", member).containsEntry("expiresAt", EXPIRES.toString());
        assertThat(EventSchemas.violations(events)).isEmpty();
    }

    @Test
    void runningTheSameDayTwice_changesNothing() {
        String member = member("mbr_00000000000000000002");
        seed(member, lot(member, 50, EXPIRES), lot(member, 70, EXPIRES));
        clock.set(EXPIRES.plus(Duration.ofMinutes(5)));
        assertThat(run().lotsExpired()).isEqualTo(2);
        List<Map<String, AttributeValue>> after = everything();

        clock.advance(Duration.ofHours(3));
        ExpiryJob.Summary again = run();

        assertThat(again.lotsExpired()).isZero();
        assertThat(again.membersSettled()).isZero();
        assertThat(everything()).isEqualTo(after);
        assertThat(MemberFigures.read(profile(member)).total()).isZero();
    }

    @Test
    void lotsExpiredWhileTheJobDidNotRun_areWrittenOffByTheNextRun_withinTheLookback() {
        String member = member("mbr_00000000000000000003");
        seed(member, lot(member, 40, EXPIRES));
        clock.set(EXPIRES.plus(Duration.ofDays(ExpiryJob.LOOKBACK_DAYS)));
        assertThat(run().pointsExpired()).isEqualTo(40);
    }

    // ----- activation -----

    @Test
    void pendingLot_isActivatedOnceWhenDue_withAnEntryAndAnEvent() {
        String member = member("mbr_00000000000000000004");
        PointsLot pending = new PointsLot("ent_00000000000000000099", member, 80, 80, EARNED, AVAILABLE, EXPIRES,
                MERCHANT, "ord-1");
        seed(member, pending);
        assertThat(openLots(member).getFirst()).containsKey(TableSchema.GSI1_PK);

        clock.set(AVAILABLE.minusSeconds(1));
        assertThat(run().lotsActivated()).isZero();
        clock.set(AVAILABLE);
        assertThat(run().lotsActivated()).as("availableAt == now counts as available").isEqualTo(1);
        clock.advance(Duration.ofDays(1));
        assertThat(run().lotsActivated()).as("activated once only").isZero();

        List<Map<String, AttributeValue>> entries = items(member, "ENTRY#");
        assertThat(entries).extracting(e -> Attr.string(e, "type")).containsExactly("ACTIVATE");
        assertThat(Attr.number(entries.getFirst(), "points")).isZero();
        assertThat(openLots(member).getFirst()).as("out of the activation index")
                .doesNotContainKey(TableSchema.GSI1_PK).containsKey(TableSchema.GSI2_PK);
        assertThat(Attr.number(openLots(member).getFirst(), "remaining")).isEqualTo(80);
        List<DomainEvent> events = events();
        assertThat(events).extracting(DomainEvent::detailType).containsExactly("PointsActivated");
        assertThat(events.getFirst().data()).containsEntry("points", 80).containsEntry("orderId", "ord-1");
        assertThat(EventSchemas.violations(events)).isEmpty();
    }

    // ----- crash, resume, races -----

    @Test
    void crashAtTheSecondMember_thenRerun_expiresEveryLotExactlyOnce() {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String member = member("mbr_0000000000000000001" + i);
            seed(member, lot(member, 10 + i, EXPIRES));
            members.add(member);
        }
        clock.set(EXPIRES);
        AtomicInteger transactions = new AtomicInteger();
        DynamoDbClient crashing = new Intercepting(context.dynamo(), request -> {
            if (transactions.incrementAndGet() == 2) {
                throw new IllegalStateException("simulated crash before the second member's transaction");
            }
        });
        BonusExpiryHandler failing = new BonusExpiryHandler(new AppContext(crashing, context.tableName(), clock,
                context.json()), quietLog());
        assertThatThrownBy(() -> failing.run(scheduledEvent, null)).hasMessageContaining("simulated crash");
        assertThat(members.stream().mapToInt(m -> items(m, "ENTRY#").size()).sum()).as("one member committed").isEqualTo(1);

        ExpiryJob.Summary rerun = run();

        assertThat(rerun.lotsExpired()).as("only the three left").isEqualTo(3);
        for (String member : members) {
            assertThat(items(member, "ENTRY#")).as(member).hasSize(1);
            assertThat(MemberFigures.read(profile(member)).total()).isZero();
        }
        assertThat(events()).hasSize(4);
    }

    @Test
    void returnCommittingWhileTheJobRuns_isCountedOnce_theJobExpiresWhatIsLeft() {
        String member = member("mbr_00000000000000000020");
        PointsLot lot = lot(member, 100, EXPIRES);
        seed(member, lot);
        clock.set(EXPIRES);
        AtomicInteger transactions = new AtomicInteger();
        DynamoDbClient racing = new Intercepting(context.dynamo(), request -> {
            if (transactions.incrementAndGet() == 1) {
                takePoints(member, lot, 35); // a return's reversal commits between the job's read and its write
            }
        });
        ExpiryJob.Summary summary = new BonusExpiryHandler(new AppContext(racing, context.tableName(), clock,
                context.json()), quietLog()).run(scheduledEvent, null);

        assertThat(summary.pointsExpired()).as("the 65 left after the return, not the 100 read first").isEqualTo(65);
        assertThat(items(member, "ENTRY#")).extracting(e -> Attr.number(e, "points")).containsExactly(-65L);
        PointsFigures figures = MemberFigures.read(profile(member));
        assertThat(figures.total()).isZero();
        assertThat(figures.balanceAt(clock.instant(), Duration.ZERO).expired()).isZero();
    }

    @Test
    void aLapsedHoldOfAMemberTheJobSettles_isClosedInTheSameTransaction_withHoldReleased() {
        String member = member("mbr_00000000000000000070");
        seed(member, lot(member, 80, EXPIRES));
        String redemptionId = "rdm_00000000000000000070";
        Instant holdLapsed = EXPIRES.minus(Duration.ofDays(3));
        // a hold of 10 points that was neither captured nor cancelled: it lapsed 3 days before the lot's expiry
        context.dynamo().putItem(PutItemRequest.builder().tableName(context.tableName()).item(Map.of(
                "PK", Attr.s("REDEMPTION#" + redemptionId), "SK", Attr.s("REDEMPTION"), "status", Attr.s("HELD"))).build());
        UpdateExpression hold = new UpdateExpression();
        hold.set(hold.name("holds") + " = " + hold.value(AttributeValue.fromM(Map.of(redemptionId, AttributeValue.fromM(Map.of(
                "p", Attr.n(10), "e", Attr.s(holdLapsed.toString()), "o", Attr.s("order-h"), "m", Attr.s(MERCHANT)))))));
        hold.set(hold.name("holdsVersion") + " = " + hold.value(Attr.n(1)));
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                hold.build(context.tableName(), MemberRepository.profileKey(member))).build());

        clock.set(EXPIRES);
        ExpiryJob.Summary summary = run();

        assertThat(summary.lotsExpired()).isEqualTo(1);
        assertThat(summary.holdsClosed()).isEqualTo(1);
        assertThat(profile(member).get("holds").m()).as("the lapsed hold leaves the profile").isEmpty();
        assertThat(Attr.number(profile(member), "holdsVersion")).isEqualTo(2);
        Map<String, AttributeValue> holdItem = context.dynamo().getItem(GetItemRequest.builder().tableName(context.tableName())
                .key(Map.of("PK", Attr.s("REDEMPTION#" + redemptionId), "SK", Attr.s("REDEMPTION"))).build()).item();
        assertThat(Attr.string(holdItem, "status")).isEqualTo("EXPIRED");
        List<DomainEvent> released = events().stream().filter(e -> e.detailType().equals("HoldReleased")).toList();
        assertThat(released).singleElement().satisfies(e -> assertThat(e.data())
                .containsEntry("redemptionId", redemptionId).containsEntry("points", 10));
        assertThat(run().holdsClosed()).as("rerun").isZero();
    }

    // ----- the program's time zone -----

    @Test
    void inChisinau_aMonthEndLotBurnsAtLocalMidnight_theUtcEveningBefore_andIsRemindedSevenLocalDaysAhead() {
        ProgramRules monthly = new ProgramRules(ProgramRules.DEFAULT.earn(), null, 0,
                new ProgramRules.Expiry(ProgramRules.Expiry.Policy.END_OF_MONTH, null, 7), null, null)
                .withTimeZone("Europe/Chisinau");
        String programId = "prg_2123456789abcdefghjk";
        Program program = new Program(programId, "Chisinau Club", "MDL", monthly, EARNED, EARNED, 0);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName()).create(program)).build());
        String member = member("mbr_00000000000000000050", programId);
        // bought at 23:30 on 31 March in Chisinau (EEST, UTC+3): March points, gone at 1 April 00:00 local
        Instant expiresAt = app.loyalty.shared.domain.earn.EarnRules.of(program).expiry()
                .expiresAt(Instant.parse("2027-03-31T20:30:00Z")).orElseThrow();
        assertThat(expiresAt).isEqualTo(Instant.parse("2027-03-31T21:00:00Z"));
        PointsLot lot = lot(member, 40, expiresAt);
        seed(member, lot);
        assertThat(LotItems.expiryPartition(lot)).as("indexed on the UTC day the instant falls on")
                .startsWith("EXPIRES#2027-03-31#");

        clock.set(expiresAt.minus(Duration.ofDays(7)).minusSeconds(1));
        assertThat(run().remindersSent()).as("just before the 7-day notice begins (local midnight)").isZero();
        clock.set(expiresAt.minus(Duration.ofDays(7)));
        assertThat(run().remindersSent()).isEqualTo(1);

        clock.set(expiresAt.minusSeconds(1));
        assertThat(run().lotsExpired()).as("23:59:59 local on 31 March: still spendable").isZero();
        clock.set(expiresAt);
        ExpiryJob.Summary summary = run();
        assertThat(summary.lotsExpired()).as("00:00 local on 1 April, 21:00Z on 31 March: gone").isEqualTo(1);
        assertThat(summary.pointsExpired()).isEqualTo(40);
        assertThat(openLots(member)).isEmpty();
        assertThat(run().lotsExpired()).as("rerun").isZero();
    }

    // ----- discount levels -----

    @Test
    void cumulativeLevel_isWarnedOnceSevenDaysBeforeItFalls_thenFallsOnItsDay_foundThroughTheLevelIndex() {
        ProgramRules cumulative = new ProgramRules(ProgramRules.DEFAULT.earn(), null, 0, null,
                new ProgramRules.Discount(ProgramRules.Discount.Scheme.CUMULATIVE, 0,
                        List.of(new ProgramRules.Discount.Step(0, 0), new ProgramRules.Discount.Step(10_000, 500)),
                        30, null, null, null, 0, 7), null);
        String programId = "prg_3123456789abcdefghjk";
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program(programId, "Levels", "EUR", cumulative, EARNED, EARNED, 0))).build());
        String member = member("mbr_00000000000000000060", programId);
        String bystander = member("mbr_00000000000000000061", programId);
        buy(member, cumulative, 12_000, Instant.parse("2027-01-10T10:00:00Z"));
        buy(bystander, cumulative, 3_000, Instant.parse("2027-01-10T10:00:00Z"));
        // 12 000 counts in the 30-day window 10 Jan - 8 Feb: the 5 % level falls on 9 Feb (no grace), warned 2 Feb
        assertThat(Attr.string(profile(member), TableSchema.GSI3_PK)).startsWith("LEVEL#2027-02-02#");
        assertThat(profile(bystander)).as("entry level: nothing to keep, not indexed").doesNotContainKey(TableSchema.GSI3_PK);

        clock.set(Instant.parse("2027-02-01T23:59:59Z"));
        assertThat(run().levelWarningsSent()).isZero();
        clock.set(Instant.parse("2027-02-02T00:05:00Z"));
        ExpiryJob.Summary warned = run();
        assertThat(warned.levelWarningsSent()).isEqualTo(1);
        assertThat(warned.levelsChecked()).as("found through the index; the bystander is never read").isEqualTo(1);
        clock.set(Instant.parse("2027-02-03T00:05:00Z"));
        assertThat(run().levelWarningsSent()).as("once per member and fall date").isZero();

        List<DomainEvent> warnings = events().stream().filter(e -> e.detailType().equals("DiscountLevelFalling")).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst().data()).containsEntry("memberId", member).containsEntry("spendNeeded", 10_000)
                .containsEntry("currency", "EUR").containsEntry("keepBy", "2027-02-08")
                .containsEntry("fallsOn", "2027-02-09").containsEntry("discountBp", 500);
        assertThat(Attr.string(profile(member), TableSchema.GSI3_PK)).as("next look: the fall day")
                .startsWith("LEVEL#2027-02-09#");

        clock.set(Instant.parse("2027-02-08T23:59:59Z"));
        assertThat(run().levelsFallen()).as("the last day the window holds the level").isZero();
        clock.set(Instant.parse("2027-02-09T00:05:00Z"));
        assertThat(run().levelsFallen()).isEqualTo(1);
        List<DomainEvent> fell = events().stream().filter(e -> e.detailType().equals("TierChanged")).toList();
        assertThat(fell).hasSize(1);
        assertThat(fell.getFirst().data()).containsEntry("fromLevelBp", 500).containsEntry("toLevelBp", 0)
                .containsEntry("reason", "lapse");
        assertThat(profile(member)).as("nothing left to fall: out of the index").doesNotContainKey(TableSchema.GSI3_PK);
        assertThat(EventSchemas.violations(events())).isEmpty();

        ExpiryJob.Summary rerun = run();
        assertThat(rerun.levelsChecked() + rerun.levelsFallen() + rerun.levelWarningsSent()).as("rerun").isZero();
    }

    /** What a purchase adds to the profile for the discount card (purchase-accrual makes the same calls). */
    private void buy(String member, ProgramRules rules, long amount, Instant at) {
        Map<String, AttributeValue> before = profile(member);
        UpdateExpression update = new UpdateExpression();
        var spendByDay = app.loyalty.shared.store.MemberStats.recordPurchase(update, before, at, amount, 0, null, at,
                rules.discount().windowDays());
        app.loyalty.shared.store.CardLevels.reevaluate(update, before, rules, spendByDay, at,
                app.loyalty.shared.domain.discount.card.DiscountCard.Reason.PURCHASE, member, "prg_3123456789abcdefghjk");
        app.loyalty.shared.store.LevelFallIndex.record(update, before, member, rules, spendByDay, at);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                update.build(context.tableName(), MemberRepository.profileKey(member))).build());
    }

    // ----- INACTIVITY policy -----

    @Test
    void inactivityPolicy_burnsAllPointsNDaysAfterTheLastPurchase_andAPurchaseMovesTheDate() {
        ProgramRules inactivity = new ProgramRules(ProgramRules.DEFAULT.earn(), null, 0,
                new ProgramRules.Expiry(ProgramRules.Expiry.Policy.INACTIVITY, 90), null, null);
        String programId = "prg_1123456789abcdefghjk";
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program(programId, "Inactive", "EUR", inactivity, EARNED, EARNED, 0))).build());
        String quiet = member("mbr_00000000000000000040", programId);
        String active = member("mbr_00000000000000000041", programId);
        seed(quiet, lot(quiet, 20, null), lot(quiet, 5, null));
        seed(active, lot(active, 30, null));
        purchase(quiet, inactivity, EARNED);
        purchase(active, inactivity, EARNED);
        Instant inactiveAt = Instant.parse("2027-02-22T00:00:00Z"); // 23 Nov + 90 days = 21 Feb, burnt from 22 Feb
        purchase(active, inactivity, inactiveAt.minus(Duration.ofDays(10)));

        clock.set(inactiveAt.minusSeconds(1));
        assertThat(run().lotsExpired()).isZero();
        clock.set(inactiveAt);
        ExpiryJob.Summary summary = run();

        assertThat(summary.lotsExpired()).as("the quiet member's two lots; the active one bought since").isEqualTo(2);
        assertThat(summary.pointsExpired()).isEqualTo(25);
        assertThat(openLots(quiet)).isEmpty();
        assertThat(MemberFigures.read(profile(quiet)).total()).isZero();
        assertThat(profile(quiet)).as("out of the inactivity index until the next purchase")
                .doesNotContainKey(TableSchema.GSI2_PK);
        assertThat(items(quiet, "ENTRY#")).extracting(e -> Attr.string(e, "reason")).containsOnly("inactivity");
        assertThat(openLots(active)).hasSize(1);
        assertThat(MemberFigures.read(profile(active)).total()).isEqualTo(30);
        List<DomainEvent> events = events().stream().filter(e -> e.detailType().equals("PointsExpired")).toList();
        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e.data()).containsEntry("reason", "inactivity")
                .containsEntry("expiresAt", inactiveAt.toString()));
        assertThat(EventSchemas.violations(events)).isEmpty();
        assertThat(run().lotsExpired()).as("rerun").isZero();
    }

    // ----- reminder -----

    @Test
    void reminder_isSentOncePerMemberAndExpiryDate_whenTheNoticePeriodBegins() {
        String member = member("mbr_00000000000000000030");
        seed(member, lot(member, 60, EXPIRES), lot(member, 15, EXPIRES));

        clock.set(EXPIRES.minus(Duration.ofDays(8)));
        assertThat(run().remindersSent()).as("8 days before, outside the 7-day notice").isZero();
        clock.set(EXPIRES.minus(Duration.ofDays(7)));
        assertThat(run().remindersSent()).isEqualTo(1);
        clock.set(EXPIRES.minus(Duration.ofDays(6)));
        assertThat(run().remindersSent()).as("not every day").isZero();

        List<DomainEvent> events = events();
        assertThat(events).extracting(DomainEvent::detailType).containsExactly("PointsExpiringSoon");
        assertThat(events.getFirst().data()).containsEntry("points", 75).containsEntry("memberId", member)
                .containsEntry("expiresAt", EXPIRES.toString());
        assertThat(Outbox.detail(events.getFirst())).doesNotContain("Ada", "+4477", "example.com");
        assertThat(EventSchemas.violations(events)).isEmpty();
    }

    // ----- helpers -----

    private ExpiryJob.Summary run() {
        return new BonusExpiryHandler(context, quietLog()).run(scheduledEvent, null);
    }

    private static RequestLog quietLog() {
        return new RequestLog(new PrintStream(new ByteArrayOutputStream()));
    }

    private String member(String memberId) {
        return member(memberId, PROGRAM);
    }

    /** What a purchase adds to the profile under INACTIVITY (purchase-accrual makes the same call). */
    private void purchase(String member, ProgramRules rules, Instant at) {
        UpdateExpression update = new UpdateExpression();
        app.loyalty.shared.store.InactivityIndex.recordPurchase(update, member, rules, at);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                update.build(context.tableName(), MemberRepository.profileKey(member))).build());
    }

    private String member(String memberId, String programId) {
        MemberRepository members = new MemberRepository(context.dynamo(), context.tableName());
        Card card = Card.issue(new CardNumber(CardNumber.generate().value()), memberId, programId, EARNED);
        Member member = new Member(memberId, programId, MemberKind.CUSTOMER,
                new MemberProfile("Ada Lovelace", "+447700900123", "ada@example.com", null, Map.of()),
                Consents.NONE, Member.Status.ACTIVE, card.cardNumber(), EARNED, MERCHANT);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                members.enrol(member), members.issueCard(card)).build());
        return memberId;
    }

    /** An available lot earned at EARNED that burns at {@code expiresAt}. */
    private PointsLot lot(String member, long points, Instant expiresAt) {
        lots++;
        return new PointsLot("ent_%020d".formatted(lots), member, points, points, EARNED, EARNED,
                expiresAt, MERCHANT, "ord-" + lots);
    }

    /** The lots as a purchase writes them, and the profile figures they make. */
    private void seed(String member, PointsLot... seeded) {
        for (PointsLot lot : seeded) {
            context.dynamo().putItem(PutItemRequest.builder().tableName(context.tableName()).item(LotItems.toItem(lot)).build());
        }
        UpdateExpression update = new UpdateExpression();
        PointsFigures.Change change = PointsFigures.Change.none(EARNED);
        for (PointsLot lot : seeded) {
            change = change.plus(PointsFigures.Change.added(lot, EARNED));
        }
        MemberFigures.apply(update, profile(member), change, EARNED);
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                update.build(context.tableName(), MemberRepository.profileKey(member))).build());
    }

    /** What a return's reversal writes to one lot and the profile (no entry needed for this test). */
    private void takePoints(String member, PointsLot lot, long points) {
        PointsLot after = lot.withRemaining(lot.remaining() - points);
        List<TransactWriteItem> items = new ArrayList<>(LotItems.change(context.tableName(), lot, after));
        UpdateExpression update = new UpdateExpression();
        MemberFigures.apply(update, profile(member), PointsFigures.Change.changed(lot, after, clock.instant()), clock.instant());
        items.add(update.build(context.tableName(), MemberRepository.profileKey(member)));
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
    }

    private List<Map<String, AttributeValue>> items(String member, String prefix) {
        return context.dynamo().query(QueryRequest.builder().tableName(context.tableName())
                .keyConditionExpression("PK = :pk AND begins_with(SK, :prefix)")
                .expressionAttributeValues(Map.of(":pk", Attr.s(MemberRepository.memberPk(member)), ":prefix", Attr.s(prefix)))
                .consistentRead(true).build()).items();
    }

    private List<Map<String, AttributeValue>> openLots(String member) {
        return items(member, MemberRepository.LOT_PREFIX);
    }

    private Map<String, AttributeValue> profile(String member) {
        return items(member, MemberRepository.PROFILE).getFirst();
    }

    /** Test-only Scan: the whole table, to compare before and after. */
    private List<Map<String, AttributeValue>> everything() {
        List<Map<String, AttributeValue>> all = new ArrayList<>(
                context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items());
        all.sort(Comparator.comparing(i -> Attr.string(i, TableSchema.PK) + "|" + Attr.string(i, TableSchema.SK)));
        return all;
    }

    private List<DomainEvent> events() {
        return everything().stream().filter(i -> i.containsKey(TableSchema.OUTBOX))
                .flatMap(i -> i.get(TableSchema.OUTBOX).l().stream())
                .map(v -> Outbox.decode(v.s()))
                .filter(e -> !e.detailType().equals("MemberEnrolled"))
                .toList();
    }

    /** A client that runs {@code beforeTransaction} before passing each TransactWriteItems on (to crash or race). */
    private static final class Intercepting implements DynamoDbClient {
        private final DynamoDbClient delegate;
        private final Consumer<TransactWriteItemsRequest> beforeTransaction;

        Intercepting(DynamoDbClient delegate, Consumer<TransactWriteItemsRequest> beforeTransaction) {
            this.delegate = delegate;
            this.beforeTransaction = beforeTransaction;
        }

        @Override
        public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
            beforeTransaction.accept(request);
            return delegate.transactWriteItems(request);
        }

        @Override
        public QueryResponse query(QueryRequest request) {
            return delegate.query(request);
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            return delegate.getItem(request);
        }

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            return delegate.putItem(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
            // the delegate belongs to the test context
        }
    }
}
