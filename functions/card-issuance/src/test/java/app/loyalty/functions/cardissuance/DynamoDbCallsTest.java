package app.loyalty.functions.cardissuance;

import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.testing.CallCounter;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static app.loyalty.shared.http.TestRequests.get;
import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DynamoDB round trips and read size of enrolment and the member and card reads, counted by an SDK
 * ExecutionInterceptor on the handler's client: GET member reads the profile alone, so a member with 1,000 open lots
 * costs what a member with one costs.
 */
class DynamoDbCallsTest {
    /** A phone of its own per enrolment: contacts are unique per program. */
    private static final String ENROL = """
            {"profile":{"name":"Ada Lovelace","phone":"+4477009%05d"},"kind":"customer"}""";
    private final CallCounter counter = new CallCounter();
    private final MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
    private AppContext context;
    private CardIssuanceHandler handler;
    private final Caller merchant = Caller.merchant("mch_calls", "prg_calls");
    private int keys;

    @BeforeEach
    void setUp() {
        context = TestContexts.appContext(counter.client(), clock);
        Instant now = clock.instant();
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program("prg_calls", "Calls", "EUR", ProgramRules.DEFAULT, now, now, 1))).build());
        handler = new CardIssuanceHandler(context);
        enrol(); // the container's first request reads the program
        counter.reset();
    }

    @Test
    void enrol_isOneTransaction() {
        assertThat(enrol().get("memberId").asText()).startsWith("mbr_");

        assertThat(counter.calls()).containsExactly("TransactWriteItems");
    }

    @Test
    void readMember_isOneGetItem_andReadCard_isOneGetItem() {
        JsonNode member = enrol();
        counter.reset();

        APIGatewayV2HTTPResponse read = readMember(member.get("memberId").asText());
        assertThat(read.getStatusCode()).isEqualTo(200);
        assertThat(counter.calls()).containsExactly("GetItem");
        counter.reset();
        handler.handleRequest(get("GET /v1/cards/{cardNumber}", Map.of("cardNumber", member.at("/card/cardNumber").asText()),
                Map.of(), merchant), null);
        assertThat(counter.calls()).containsExactly("GetItem");
    }

    @Test
    void readMember_costsTheSameReadUnits_withOneOpenLotAndWithAThousand() {
        String one = enrol().get("memberId").asText();
        String thousand = enrol().get("memberId").asText();
        seedLots(one, 1);
        seedLots(thousand, 1000);

        counter.reset();
        JsonNode small = json(readMember(one));
        long smallBytes = counter.bytesRead();
        counter.reset();
        JsonNode large = json(readMember(thousand));
        long largeBytes = counter.bytesRead();

        assertThat(counter.calls()).containsExactly("GetItem");
        assertThat(small.at("/balance/available").asLong() + small.at("/balance/pending").asLong()).isEqualTo(10);
        assertThat(large.at("/balance/available").asLong() + large.at("/balance/pending").asLong()).isEqualTo(10_000);
        assertThat(CallCounter.readUnits(largeBytes)).as("%d bytes vs %d", largeBytes, smallBytes)
                .isEqualTo(CallCounter.readUnits(smallBytes));
    }

    /**
     * Lots of 10 points, one per hour back from now (1,000 reach back 41 days), dated as the earn rules date them
     * (available after 14 days, expiring a year later, both at UTC midnights), and the profile figures for them.
     */
    private void seedLots(String memberId, int count) {
        Instant now = clock.instant();
        List<PointsLot> lots = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant earned = now.minus(Duration.ofHours(i));
            LocalDate day = LocalDate.ofInstant(earned, ZoneOffset.UTC);
            lots.add(new PointsLot("ent_seed" + i, memberId, 10, 10, earned,
                    day.plusDays(15).atStartOfDay(ZoneOffset.UTC).toInstant(),
                    day.plusDays(366).atStartOfDay(ZoneOffset.UTC).toInstant(), "mch_calls", "o-" + i));
        }
        for (int from = 0; from < lots.size(); from += 25) {
            List<WriteRequest> batch = lots.subList(from, Math.min(lots.size(), from + 25)).stream()
                    .map(lot -> WriteRequest.builder().putRequest(PutRequest.builder().item(LotItems.toItem(lot)).build()).build())
                    .toList();
            context.dynamo().batchWriteItem(BatchWriteItemRequest.builder().requestItems(Map.of(context.tableName(), batch)).build());
        }
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> sets = new ArrayList<>();
        MemberFigures.toAttributes(PointsFigures.of(lots, now)).forEach((name, value) -> {
            names.put("#" + name, name);
            values.put(":" + name, value);
            sets.add("#" + name + " = :" + name);
        });
        context.dynamo().updateItem(UpdateItemRequest.builder().tableName(context.tableName())
                .key(MemberRepository.profileKey(memberId)).updateExpression("SET " + String.join(", ", sets))
                .expressionAttributeNames(names).expressionAttributeValues(values).build());
        assertThat(Attr.number(context.dynamo().getItem(b -> b.tableName(context.tableName())
                .key(MemberRepository.profileKey(memberId))).item(), MemberFigures.TOTAL)).isEqualTo(10L * count);
    }

    private JsonNode enrol() {
        return json(handler.handleRequest(post("POST /v1/members", merchant, "calls-key-" + ++keys, ENROL.formatted(keys)), null));
    }

    private APIGatewayV2HTTPResponse readMember(String memberId) {
        return handler.handleRequest(get("GET /v1/members/{memberId}", Map.of("memberId", memberId), Map.of(), merchant), null);
    }
}
