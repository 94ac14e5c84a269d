package app.loyalty.functions.cardissuance;

import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.member.ContactHasher;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.assertProblem;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A contact hash key rotation (docs/members.md, "Rotating the contact hash key") on DynamoDB Local, through the three
 * configurations a deployment goes through: the old key alone, the new key with the old one as previous (while the
 * re-keying route runs), and the new key alone. Every exchange is held to openapi.yaml.
 */
class ContactKeyRotationTest {
    private static final String OLD_SECRET = "old-contact-hash-key-0123456789abcdef";
    private static final String NEW_SECRET = "new-contact-hash-key-fedcba9876543210";
    private static final ContactHasher OLD = new ContactHasher("k1", OLD_SECRET);
    private static final ContactHasher ROTATING = new ContactHasher("k2", NEW_SECRET).rotatingFrom("k1", OLD_SECRET);
    private static final ContactHasher NEW = new ContactHasher("k2", NEW_SECRET);
    private static final String REKEY = "POST /v1/programs/{programId}/contact-keys/rekey";

    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private Caller merchant;
    private Caller otherMerchant;
    private int keys;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(clock);
        merchant = Caller.merchant(Ids.newId("mch"), createProgram(Ids.newId("prg")));
        otherMerchant = Caller.merchant(Ids.newId("mch"), merchant.programId());
    }

    @Test
    void duringARotation_aContactEnrolledUnderTheOldKey_isRefused_andFound() {
        String ada = memberId(enrol(OLD, merchant, "+447700900123", "ada@example.com", "crm-1"));

        APIGatewayV2HTTPResponse again = enrol(ROTATING, merchant, "+447700900123", null, null);
        assertProblem(again, 409, "member-exists");
        assertThat(json(again).get("memberId").asText()).isEqualTo(ada);
        APIGatewayV2HTTPResponse sameCustomerId = enrol(ROTATING, merchant, "+447700900555", null, "crm-1");
        assertProblem(sameCustomerId, 409, "member-exists");
        assertThat(json(sameCustomerId).get("matchedOn").asText()).isEqualTo("externalId");
        assertThat(lookUp(ROTATING, merchant, "email", "ADA@example.com")).containsExactly(ada);
        assertThat(lookUp(ROTATING, merchant, "externalId", "crm-1")).containsExactly(ada);
        assertThat(uniqueItems()).as("the refused enrolments wrote nothing").hasSize(3)
                .allSatisfy(item -> assertThat(Attr.string(item, "keyId")).isEqualTo("k1"));
    }

    @Test
    void duringARotation_aNewEnrolment_isWrittenUnderTheNewKey_andRefusedUnderItToo() {
        String bob = memberId(enrol(ROTATING, merchant, "+447700900777", null, null));

        assertThat(uniqueItems()).singleElement().satisfies(item -> {
            assertThat(Attr.string(item, "keyId")).isEqualTo("k2");
            assertThat(Attr.string(item, TableSchema.PK)).endsWith(NEW.hash(ContactHasher.Kind.PHONE, "+447700900777"));
        });
        APIGatewayV2HTTPResponse again = enrol(ROTATING, merchant, "+447700900777", null, null);
        assertProblem(again, 409, "member-exists");
        assertThat(json(again).get("memberId").asText()).isEqualTo(bob);
    }

    @Test
    void theRekeyingRoute_movesEveryItemToTheNewKey_pageByPage_andARerunChangesNothing() {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            members.add(memberId(enrol(OLD, i % 2 == 0 ? merchant : otherMerchant, "+44770090010" + i,
                    i % 3 == 0 ? "m" + i + "@example.com" : null, "crm-" + i)));
        }
        int valuesBefore = uniqueItems().size();
        assertThat(lookUp(ROTATING, merchant, "phone", "+447700900104")).as("before the re-keying").containsExactly(members.get(4));

        List<JsonNode> pages = rekeyAll(3);

        assertThat(pages).hasSizeGreaterThan(2);
        assertThat(pages.stream().mapToInt(p -> p.get("membersRead").asInt()).sum()).isEqualTo(7);
        assertThat(pages.stream().mapToInt(p -> p.get("valuesMoved").asInt()).sum()).isEqualTo(valuesBefore);
        assertThat(uniqueItems()).hasSize(valuesBefore)
                .allSatisfy(item -> assertThat(Attr.string(item, "keyId")).isEqualTo("k2"));
        // After the rotation, with the new key alone: lookups and uniqueness work on the moved items.
        assertThat(lookUp(NEW, merchant, "phone", "+447700900104")).containsExactly(members.get(4));
        assertThat(lookUp(NEW, otherMerchant, "externalId", "crm-1")).containsExactly(members.get(1));
        assertThat(lookUp(NEW, merchant, "email", "m3@example.com")).containsExactly(members.get(3));
        APIGatewayV2HTTPResponse duplicate = enrol(NEW, merchant, "+447700900106", null, null);
        assertProblem(duplicate, 409, "member-exists");
        assertThat(json(duplicate).get("memberId").asText()).isEqualTo(members.get(6));

        List<Map<String, AttributeValue>> afterFirstPass = uniqueItems();
        clock.advance(Duration.ofMinutes(5));
        List<JsonNode> rerun = rekeyAll(25);
        assertThat(rerun.stream().mapToInt(p -> p.get("valuesMoved").asInt()).sum()).as("moved by the rerun").isZero();
        assertThat(rerun.stream().mapToInt(p -> p.get("valuesCurrent").asInt()).sum()).isEqualTo(valuesBefore);
        assertThat(uniqueItems()).as("the rerun rewrote nothing (createdAt unchanged)").containsExactlyInAnyOrderElementsOf(afterFirstPass);
    }

    @Test
    void aChangedOrErasedContact_isReleasedUnderBothKeys() {
        String ada = memberId(enrol(OLD, merchant, "+447700900123", null, null));

        APIGatewayV2HTTPResponse changed = handler(ROTATING).handleRequest(post("PATCH /v1/members/{memberId}",
                Map.of("memberId", ada), merchant, "patch-key-" + ++keys, "{\"profile\":{\"phone\":\"+447700900124\"}}"), null);

        assertThat(changed.getStatusCode()).as(changed.getBody()).isEqualTo(200);
        assertThat(uniqueItems()).singleElement().satisfies(item -> assertThat(Attr.string(item, TableSchema.PK))
                .endsWith(NEW.hash(ContactHasher.Kind.PHONE, "+447700900124")));
        assertThat(enrol(ROTATING, merchant, "+447700900123", null, null).getStatusCode())
                .as("the old phone is free under either key").isEqualTo(201);
    }

    @Test
    void withoutARotation_theRekeyingRoute_isAConflict_andWritesNothing() {
        enrol(OLD, merchant, "+447700900123", null, null);
        List<Map<String, AttributeValue>> before = uniqueItems();

        APIGatewayV2HTTPResponse refused = rekey(OLD, null, 10);

        assertProblem(refused, 409, "conflict");
        assertThat(uniqueItems()).isEqualTo(before);
        assertProblem(rekey(ROTATING, "not-a-cursor", 10), 400, "validation-failed");
        assertProblem(rekey(ROTATING, null, 26), 400, "validation-failed");
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler(ContactHasher hasher) {
        return ContractChecked.handler(new CardIssuanceHandler(context, hasher));
    }

    private APIGatewayV2HTTPResponse enrol(ContactHasher hasher, Caller caller, String phone, String email, String externalId) {
        StringBuilder body = new StringBuilder("{\"profile\":{\"name\":\"Member\",\"phone\":\"" + phone + "\"");
        if (email != null) {
            body.append(",\"email\":\"").append(email).append('"');
        }
        body.append('}');
        if (externalId != null) {
            body.append(",\"externalId\":\"").append(externalId).append('"');
        }
        body.append('}');
        return handler(hasher).handleRequest(post("POST /v1/members", caller, "enrol-key-" + ++keys, body.toString()), null);
    }

    private List<String> lookUp(ContactHasher hasher, Caller caller, String key, String value) {
        APIGatewayV2HTTPResponse response = handler(hasher).handleRequest(get("GET /v1/members", Map.of(), Map.of(key, value), caller), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        json(response).get("members").forEach(m -> ids.add(m.get("memberId").asText()));
        return ids;
    }

    private APIGatewayV2HTTPResponse rekey(ContactHasher hasher, String cursor, int limit) {
        String body = "{\"limit\":" + limit + (cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"") + "}";
        return handler(hasher).handleRequest(post(REKEY, Map.of("programId", merchant.programId()), Caller.operator(),
                "rekey-key-" + ++keys, body), null);
    }

    /** Pages through the whole program with the rotating configuration, as the documented procedure does. */
    private List<JsonNode> rekeyAll(int limit) {
        List<JsonNode> pages = new ArrayList<>();
        String cursor = null;
        do {
            APIGatewayV2HTTPResponse response = rekey(ROTATING, cursor, limit);
            assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
            JsonNode page = json(response);
            assertThat(page.get("keyId").asText()).isEqualTo("k2");
            assertThat(page.get("previousKeyId").asText()).isEqualTo("k1");
            pages.add(page);
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
            assertThat(pages).as("pages").hasSizeLessThan(40);
        } while (cursor != null);
        return pages;
    }

    private static String memberId(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        return json(response).get("memberId").asText();
    }

    private String createProgram(String programId) {
        Instant now = clock.instant();
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program(programId, "Coffee Club", "EUR", ProgramRules.DEFAULT, now, now, 1))).build());
        return programId;
    }

    private List<Map<String, AttributeValue>> uniqueItems() {
        // A Scan is fine in a test on its own small table; production code never scans.
        return context.dynamo().scan(ScanRequest.builder().tableName(context.tableName()).build()).items().stream()
                .filter(item -> item.get(TableSchema.SK).s().equals("UNIQUE")).toList();
    }
}
