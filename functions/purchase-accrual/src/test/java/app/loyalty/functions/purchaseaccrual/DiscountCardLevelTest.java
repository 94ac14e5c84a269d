package app.loyalty.functions.purchaseaccrual;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.program.ProgramRules.Discount;
import app.loyalty.shared.domain.program.ProgramRules.Discount.Step;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cumulative card re-evaluated inside the purchase and return transactions (numbers of docs/discount-cards.md). */
class DiscountCardLevelTest {
    static final String PROGRAM = "prg_cards";
    static final String MEMBER = "mbr_cards";
    static final List<Step> STEPS = List.of(new Step(10_000, 500), new Step(20_000, 1000), new Step(30_000, 1500),
            new Step(50_000, 2000), new Step(75_000, 2500), new Step(100_000, 3000));
    static final List<ProgramRules.Tier> TIERS = List.of(new ProgramRules.Tier("base", 0),
            new ProgramRules.Tier("silver", 30_000), new ProgramRules.Tier("gold", 75_000));

    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    private final Caller merchant = Caller.merchant("mch_cards", PROGRAM);
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private Fixtures fixtures;
    private int keys;

    AppContext newContext(java.time.Clock clock) {
        return TestContexts.appContext(clock);
    }

    void setUpWithGrace(int graceDays) {
        AppContext context = newContext(clock);
        handler = ContractChecked.handler(new PurchaseAccrualHandler(context));
        fixtures = new Fixtures(context);
        fixtures.program(PROGRAM, "EUR", new ProgramRules(null, null, 14, null,
                new Discount(Discount.Scheme.CUMULATIVE, 0, STEPS, 30, 5000, null, null, graceDays), TIERS));
        fixtures.member(MEMBER, PROGRAM, MemberKind.CUSTOMER, null);
    }

    @BeforeEach
    void setUp() {
        setUpWithGrace(7);
    }

    @Test
    void purchases_climbTheLevels_andEachClimbEmitsTierChanged() {
        purchase("o-1", 12_000);
        clock.set(Instant.parse("2026-03-10T12:00:00Z"));
        purchase("o-2", 9_000);
        clock.set(Instant.parse("2026-03-20T12:00:00Z"));
        purchase("o-3", 10_000);

        List<DomainEvent> changes = tierChanges();
        assertThat(changes).extracting(e -> e.data().get("toLevelBp")).containsExactly(500, 1000, 1500);
        DomainEvent last = changes.getLast();
        assertThat(last.data()).containsEntry("fromLevelBp", 1000).containsEntry("fromTier", "base")
                .containsEntry("toTier", "silver").containsEntry("reason", "purchase").containsEntry("memberId", MEMBER)
                .containsEntry("windowSpend", 31_000);
        var card = fixtures.profile(MEMBER).get("discountCard").m();
        assertThat(card.get("levelBp").n()).isEqualTo("1500");
        assertThat(card.get("since").s()).isEqualTo("2026-03-20");
    }

    @Test
    void purchaseThatChangesNothing_writesNoLevelAndEmitsNothing() {
        purchase("o-1", 12_000);
        var written = fixtures.profile(MEMBER).get("discountCard").m();
        purchase("o-2", 100);

        assertThat(tierChanges()).hasSize(1);
        assertThat(fixtures.profile(MEMBER).get("discountCard").m()).isEqualTo(written);
    }

    @Test
    void aReturnWithoutGrace_dropsTheLevelInItsOwnTransaction() {
        setUpWithGrace(0);
        purchase("o-1", 30_000);
        clock.set(Instant.parse("2026-03-03T12:00:00Z"));

        returnOf("o-1", "{\"returnId\":\"r-1\",\"amount\":25000}");

        DomainEvent dropped = tierChanges().getLast();
        assertThat(dropped.data()).containsEntry("fromLevelBp", 1500).containsEntry("toLevelBp", 0)
                .containsEntry("toTier", "base").containsEntry("reason", "return");
        assertThat(fixtures.profile(MEMBER).get("spendByDay").m().get("2026-03-01").n()).isEqualTo("5000");
    }

    @Test
    void aReturnWithGrace_startsTheGrace_andAPurchaseAfterTheLapse_reportsTheLapse() {
        purchase("o-1", 30_000);
        clock.set(Instant.parse("2026-03-03T12:00:00Z"));
        returnOf("o-1", "{\"returnId\":\"r-1\",\"amount\":25000}");

        assertThat(tierChanges()).hasSize(1);
        assertThat(fixtures.profile(MEMBER).get("discountCard").m().get("graceUntil").s()).isEqualTo("2026-03-10");

        clock.set(Instant.parse("2026-03-12T12:00:00Z"));
        purchase("o-2", 100);

        DomainEvent lapse = tierChanges().getLast();
        assertThat(lapse.data()).containsEntry("fromLevelBp", 1500).containsEntry("toLevelBp", 0)
                .containsEntry("reason", "lapse").containsEntry("at", "2026-03-10T00:00:00Z");
        assertThat(Attr.number(fixtures.profile(MEMBER), "totalSpend")).isEqualTo(5_100);
    }

    @Test
    void spendByDay_prunesDaysThatLeftTheWindow_inTheSameUpdate() {
        purchase("o-1", 1_000);
        clock.set(Instant.parse("2026-04-15T12:00:00Z"));
        purchase("o-2", 1_000);

        assertThat(fixtures.profile(MEMBER).get("spendByDay").m()).containsOnlyKeys("2026-04-15");
    }

    private List<DomainEvent> tierChanges() {
        return fixtures.outboxEvents().stream().filter(e -> e.detailType().equals("TierChanged"))
                .sorted(java.util.Comparator.comparing(DomainEvent::occurredAt)).toList();
    }

    private void purchase(String orderId, long amount) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/purchases", merchant, key(),
                "{\"memberId\":\"" + MEMBER + "\",\"orderId\":\"" + orderId + "\",\"total\":{\"amount\":" + amount
                        + ",\"currency\":\"EUR\"}}"), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
    }

    private void returnOf(String orderId, String body) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/purchases/{orderId}/returns",
                Map.of("orderId", orderId), merchant, key(), body), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        json(response);
    }

    private String key() {
        return "card-key-" + String.format("%05d", ++keys);
    }
}
