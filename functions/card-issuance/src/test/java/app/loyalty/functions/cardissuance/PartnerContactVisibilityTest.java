package app.loyalty.functions.cardissuance;

import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.settlement.MerchantTerms;
import app.loyalty.shared.domain.settlement.PartnerAgreement;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.Instant;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /v1/members/{memberId} in a partner network (docs/settlement.md): the merchant that enrolled a member sees
 * their contact data; a partner sees it only when the member consented (consents.sharePartners); a merchant the
 * agreement leaves out sees no member, and neither looks members up, reads statements, changes members nor reads or
 * replaces their cards.
 */
class PartnerContactVisibilityTest {
    private static final String PROGRAM = "prg_network";
    private static final Caller ENROLLER = Caller.merchant("mch_enroller", PROGRAM);
    private static final Caller PARTNER = Caller.merchant("mch_partner", PROGRAM);
    private static final Caller OUTSIDER = Caller.merchant("mch_outsider", PROGRAM);

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        handler = ContractChecked.handler(new CardIssuanceHandler(context));
        ProgramRepository programs = new ProgramRepository(context.dynamo(), context.tableName());
        Instant now = clock.instant();
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                programs.create(new Program(PROGRAM, "Network", "EUR", ProgramRules.DEFAULT, now, now, 1))).build());
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                programs.updateAgreement(PROGRAM, new PartnerAgreement(Map.of(
                        "mch_enroller", new MerchantTerms(true, true, 0, 0, null, null),
                        "mch_partner", new MerchantTerms(true, true, 0, 0, null, null))), 0, now)).build());
    }

    private String enrol(String key, boolean sharePartners) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(post("POST /v1/members", ENROLLER, key, """
                {"profile":{"name":"Ada Lovelace","phone":"+447700900123","email":"ada@example.com"},
                 "consents":{"sms":true,"sharePartners":%s}}""".formatted(sharePartners)), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        return json(response).get("memberId").asText();
    }

    private APIGatewayV2HTTPResponse read(String memberId, Caller caller) {
        return handler.handleRequest(get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(), caller), null);
    }

    @Test
    void withoutConsent_onlyTheEnrollingMerchantSeesContactData_thePartnerSeesTheMemberWithoutIt() {
        String memberId = enrol("enrol-no-share-01", false);

        JsonNode byEnroller = json(read(memberId, ENROLLER));
        JsonNode byPartner = json(read(memberId, PARTNER));

        assertThat(byEnroller.at("/profile/phone").asText()).isEqualTo("+447700900123");
        assertThat(byPartner.has("profile")).isFalse();
        assertThat(byPartner.toString()).doesNotContain("+447700900123", "ada@example.com", "Ada Lovelace");
        assertThat(byPartner.at("/consents/sharePartners").asBoolean()).isFalse();
        assertThat(byPartner.at("/balance/available").asLong()).isZero();
    }

    @Test
    void withConsentToShare_partnersSeeContactDataToo() {
        String memberId = enrol("enrol-share-0001", true);

        JsonNode byPartner = json(read(memberId, PARTNER));

        assertThat(byPartner.at("/profile/email").asText()).isEqualTo("ada@example.com");
        assertThat(byPartner.at("/consents/sharePartners").asBoolean()).isTrue();
    }

    /** The lookup, the member list and PATCH's answer follow the same rule as GET member. */
    @Test
    void withoutConsent_aPartnersLookupListAndPatchAnswer_carryNoContactData() {
        String memberId = enrol("enrol-no-share-02", false);

        JsonNode lookup = json(handler.handleRequest(get("GET /v1/members", Map.of(), Map.of("phone", "+447700900123"),
                PARTNER), null));
        JsonNode list = json(handler.handleRequest(get("GET /v1/members", Map.of(), Map.of(), PARTNER), null));
        JsonNode patched = json(handler.handleRequest(post("PATCH /v1/members/{memberId}", Map.of("memberId", memberId),
                PARTNER, "partner-patch-0001", "{\"tags\":[\"coffee\"]}"), null));

        assertThat(lookup.at("/members/0/memberId").asText()).as("the partner still finds the member").isEqualTo(memberId);
        for (JsonNode answer : new JsonNode[] {lookup, list, patched}) {
            assertThat(answer.toString()).doesNotContain("+447700900123", "ada@example.com", "Ada Lovelace");
        }
        assertThat(patched.at("/tags/0").asText()).isEqualTo("coffee");
        JsonNode byEnroller = json(handler.handleRequest(get("GET /v1/members", Map.of(), Map.of("phone", "+447700900123"),
                ENROLLER), null));
        assertThat(byEnroller.at("/members/0/name").asText()).isEqualTo("Ada Lovelace");
    }

    @Test
    void aMerchantTheAgreementLeavesOut_seesNoMember() {
        String memberId = enrol("enrol-outsider-1", true);

        assertProblem(read(memberId, OUTSIDER), 403, "partner-not-allowed");
    }

    /** Found by TenantSweepIT: the left-out merchant could look members up, read statements, tag members and replace cards. */
    @Test
    void aMerchantTheAgreementLeavesOut_canNeitherLookUpNorChangeMembersNorCards() {
        String memberId = enrol("enrol-outsider-2", true);
        JsonNode before = json(read(memberId, ENROLLER));
        String cardNumber = before.at("/card/cardNumber").asText();

        assertProblem(handler.handleRequest(get("GET /v1/members", Map.of(), Map.of("phone", "+447700900123"), OUTSIDER), null),
                403, "partner-not-allowed");
        assertProblem(handler.handleRequest(get("GET /v1/members", Map.of(), Map.of(), OUTSIDER), null), 403, "partner-not-allowed");
        assertProblem(handler.handleRequest(get("GET /v1/members/{memberId}/statement", Map.of("memberId", memberId), Map.of(),
                OUTSIDER), null), 403, "partner-not-allowed");
        assertProblem(handler.handleRequest(post("PATCH /v1/members/{memberId}", Map.of("memberId", memberId), OUTSIDER,
                "outsider-patch-01", "{\"tags\":[\"stolen\"]}"), null), 403, "partner-not-allowed");
        assertProblem(handler.handleRequest(get("GET /v1/cards/{cardNumber}", Map.of("cardNumber", cardNumber), Map.of(),
                OUTSIDER), null), 403, "partner-not-allowed");
        assertProblem(handler.handleRequest(post("POST /v1/cards/{cardNumber}/replace", Map.of("cardNumber", cardNumber),
                OUTSIDER, "outsider-replace-1", "{\"reason\":\"lost\"}"), null), 403, "partner-not-allowed");

        JsonNode after = json(read(memberId, ENROLLER));
        assertThat(after.at("/card/cardNumber").asText()).as("the card was not replaced").isEqualTo(cardNumber);
        assertThat(after.has("tags")).as("the member was not tagged").isFalse();
        // A partner the agreement names still works with the member as before.
        assertThat(handler.handleRequest(get("GET /v1/cards/{cardNumber}", Map.of("cardNumber", cardNumber), Map.of(),
                PARTNER), null).getStatusCode()).isEqualTo(200);
    }
}
