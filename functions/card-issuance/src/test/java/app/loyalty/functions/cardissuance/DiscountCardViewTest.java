package app.loyalty.functions.cardissuance;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.program.ProgramRules.Discount;
import app.loyalty.shared.domain.program.ProgramRules.Discount.Step;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/** Card kinds and the discount card in GET member (the numbers of docs/discount-cards.md). */
class DiscountCardViewTest {
    private static final String ENROL = """
            {"profile":{"name":"Ada Lovelace","phone":"+447700900123"},"cardKind":"%s"}""";
    private static final List<Step> STEPS = List.of(new Step(10_000, 500), new Step(20_000, 1000), new Step(30_000, 1500),
            new Step(50_000, 2000), new Step(75_000, 2500), new Step(100_000, 3000));
    private static final List<ProgramRules.Tier> TIERS = List.of(new ProgramRules.Tier("base", 0),
            new ProgramRules.Tier("silver", 30_000), new ProgramRules.Tier("gold", 75_000));

    private final MutableClock clock = MutableClock.at("2026-03-25T12:00:00Z");
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        handler = ContractChecked.handler(new CardIssuanceHandler(context));
    }

    @Test
    void fixedCard_staffKind_getsItsOwnPercent_onEnrolmentGetCardAndGetMember() {
        Caller merchant = program("prg_fixed", new Discount(Discount.Scheme.FIXED, 500, List.of(), 365, 5000, null,
                Map.of("staff", 2000, "vip", 1000), 0));

        JsonNode enrolled = json(handler.handleRequest(post("POST /v1/members", merchant, "fixed-key-0001",
                ENROL.formatted("staff")), null));
        String memberId = enrolled.get("memberId").asText();
        String cardNumber = enrolled.at("/card/cardNumber").asText();

        assertThat(enrolled.at("/card/kind").asText()).isEqualTo("staff");
        assertThat(enrolled.get("discountBp").asInt()).isEqualTo(2000);
        assertThat(json(handler.handleRequest(get("GET /v1/cards/{cardNumber}", Map.of("cardNumber", cardNumber),
                Map.of(), merchant), null)).get("kind").asText()).isEqualTo("staff");
        JsonNode member = member(memberId, merchant);
        assertThat(member.at("/discount/scheme").asText()).isEqualTo("FIXED");
        assertThat(member.at("/discount/discountBp").asInt()).isEqualTo(2000);
    }

    @Test
    void replacement_keepsTheKind_orTakesTheOneItNames() {
        Caller merchant = program("prg_kinds", new Discount(Discount.Scheme.FIXED, 500, List.of(), 365, 5000, null,
                Map.of("staff", 2000, "vip", 1000), 0));
        JsonNode enrolled = json(handler.handleRequest(post("POST /v1/members", merchant, "kinds-key-0001",
                ENROL.formatted("vip")), null));
        String first = enrolled.at("/card/cardNumber").asText();

        JsonNode kept = json(handler.handleRequest(post("POST /v1/cards/{cardNumber}/replace", Map.of("cardNumber", first),
                merchant, "kinds-key-0002", "{\"reason\":\"lost\"}"), null));
        JsonNode changed = json(handler.handleRequest(post("POST /v1/cards/{cardNumber}/replace",
                Map.of("cardNumber", kept.get("cardNumber").asText()), merchant, "kinds-key-0003",
                "{\"reason\":\"damaged\",\"cardKind\":\"standard\"}"), null));

        assertThat(kept.get("kind").asText()).isEqualTo("vip");
        assertThat(changed.get("kind").asText()).isEqualTo("standard");
        assertThat(member(enrolled.get("memberId").asText(), merchant).get("discountBp").asInt()).isEqualTo(500);
    }

    @Test
    void enrol_refusesACardKindTheProgramDoesNotPrice() {
        Caller merchant = program("prg_unknown", new Discount(Discount.Scheme.FIXED, 500, List.of(), 365, 5000, null,
                Map.of("staff", 2000), 0));

        assertProblem(handler.handleRequest(post("POST /v1/members", merchant, "unknown-key-001",
                ENROL.formatted("platinum")), null), 400, "validation-failed");
    }

    @Test
    void cumulativeCard_getMemberShowsLevelKeepAndNext_andTheFallenPercentAfterTheClockMoves() {
        Caller merchant = program("prg_cumulative", new Discount(Discount.Scheme.CUMULATIVE, 0, STEPS, 30, 5000, null,
                null, 7));
        String memberId = json(handler.handleRequest(post("POST /v1/members", merchant, "cumul-key-0001",
                ENROL.formatted("standard")), null)).get("memberId").asText();
        // The worked example's purchases as purchase-accrual keeps them (120.00, 90.00 and 100.00 EUR) and the level
        // the last of them reached (15 %, silver, on 20 March).
        context.dynamo().updateItem(b -> b.tableName(context.tableName()).key(MemberRepository.profileKey(memberId))
                .updateExpression("SET spendByDay = :days, discountCard = :card")
                .expressionAttributeValues(Map.of(":days", AttributeValue.fromM(Map.of(
                        "2026-03-01", AttributeValue.fromN("12000"), "2026-03-10", AttributeValue.fromN("9000"),
                        "2026-03-20", AttributeValue.fromN("10000"))),
                        ":card", AttributeValue.fromM(Map.of("levelBp", AttributeValue.fromN("1500"),
                                "tier", AttributeValue.fromS("silver"), "since", AttributeValue.fromS("2026-03-20"),
                                "checkedOn", AttributeValue.fromS("2026-03-20"), "rev", AttributeValue.fromN("3"))))));

        JsonNode on25th = member(memberId, merchant);
        assertThat(on25th.get("discountBp").asInt()).isEqualTo(1500);
        assertThat(on25th.get("tier").asText()).isEqualTo("silver");
        assertThat(on25th.at("/discount/keep/spend").asLong()).isEqualTo(11_000);
        assertThat(on25th.at("/discount/keep/by").asText()).isEqualTo("2026-03-30");
        assertThat(on25th.at("/discount/keep/fallsOn").asText()).isEqualTo("2026-04-07");
        assertThat(on25th.at("/discount/next/discountBp").asInt()).isEqualTo(2000);
        assertThat(on25th.at("/discount/next/spend").asLong()).isEqualTo(19_000);

        clock.set(Instant.parse("2026-04-02T12:00:00Z"));
        JsonNode inGrace = member(memberId, merchant);
        assertThat(inGrace.get("discountBp").asInt()).isEqualTo(1500);
        assertThat(inGrace.at("/discount/graceUntil").asText()).isEqualTo("2026-04-07");

        clock.advance(Duration.ofDays(5));
        JsonNode fallen = member(memberId, merchant);
        assertThat(fallen.get("discountBp").asInt()).isEqualTo(500);
        assertThat(fallen.get("tier").asText()).isEqualTo("base");
        assertThat(fallen.at("/discount/since").asText()).isEqualTo("2026-04-07");
    }

    private JsonNode member(String memberId, Caller merchant) {
        return json(handler.handleRequest(get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(),
                merchant), null));
    }

    private Caller program(String programId, Discount discount) {
        Instant now = clock.instant();
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName()).create(new Program(programId, "Cards", "EUR",
                        new ProgramRules(null, null, null, null, discount, TIERS), now, now, 1))).build());
        return Caller.merchant("mch_" + programId, programId);
    }
}
