package app.loyalty.shared.runtime;

import app.loyalty.shared.domain.Ids;
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
import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the functions' SnapStart priming shares: synthetic data in the real shape (made by the production mappers, so
 * a found item maps and renders as a real one does), and a real TransactWriteItems that DynamoDB is certain to cancel.
 * Priming walks the paths a first request takes after a restore without leaving anything durable: reads that find
 * data and writes that succeed run against {@link InMemoryDynamoDb}; the real table only ever sees read-only misses
 * and {@link #sendCancelled cancelled transactions}.
 */
public final class Priming {
    /** A namespace no code writes to: the key {@link #sendCancelled} conditions on cannot exist. */
    static final String IMPOSSIBLE_PK_PREFIX = "PRIMING#";

    /** Rules in the shape an operator sends them (events/api/put-program-rules.json), staff earning apart. */
    private static final String RULES = """
            {"earn": {"points": 1, "perAmount": 100, "excludedCategories": ["tobacco", "gift-cards"],
              "excludedSkus": ["DEPOSIT-BOTTLE"], "categoryMultiplierBp": {"coffee": 20000, "apparel": 15000},
              "minimumBasket": 0, "maxPointsPerPurchase": null, "maxPointsPerDay": 500},
             "staffEarn": {"points": 2, "perAmount": 100},
             "pendingDays": 14, "expiry": {"policy": "DAYS_AFTER_EARNING", "days": 365},
             "discount": {"scheme": "CUMULATIVE", "fixedBp": 0, "steps": [{"minSpend": 0, "discountBp": 0},
               {"minSpend": 50000, "discountBp": 300}, {"minSpend": 200000, "discountBp": 500}],
               "windowDays": 365, "maxPointsPaymentBp": 5000},
             "tiers": [{"name": "base", "minSpend": 0}, {"name": "gold", "minSpend": 200000}]}
            """;

    private Priming() {
    }

    /**
     * A program, one of its members with an active card and a few lots on the profile's figures, as items. Fresh ids
     * each time: the same ids end up in {@link #sendCancelled}'s transaction, where they must name nothing that exists.
     */
    public record Data(Program program, Member member, Card card, Map<String, AttributeValue> programItem,
                       Map<String, AttributeValue> profileItem, Map<String, AttributeValue> cardItem) {
        public List<Map<String, AttributeValue>> items() {
            return List.of(programItem, profileItem, cardItem);
        }
    }

    public static Data data(Instant now, String programId) {
        ProgramRules rules;
        try {
            rules = Json.MAPPER.readValue(RULES, ProgramRules.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The priming rules do not parse", e);
        }
        Instant created = now.minus(Duration.ofDays(300));
        Program program = new Program(programId, "Priming program", "EUR", rules, created, created, 1);
        String memberId = Ids.newId("mbr");
        Card card = Card.issue(CardNumber.generate(), memberId, programId, created);
        Member member = new Member(memberId, programId, MemberKind.CUSTOMER,
                new MemberProfile("Ada Lovelace", "+447700900123", "ada@example.com", LocalDate.parse("1990-12-10"),
                        Map.of("language", "en")),
                new Consents(true, true, false), Member.Status.ACTIVE, card.cardNumber(), created, "mch_priming");
        List<PointsLot> lots = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Instant earnedAt = now.minus(Duration.ofDays(10L * i + 1));
            lots.add(new PointsLot(Ids.newId("ent"), memberId, 40 + i, 40 + i - i * 10, earnedAt,
                    earnedAt.plus(Duration.ofDays(14)), earnedAt.plus(Duration.ofDays(365)), "mch_priming", "order-" + i));
        }
        MemberRepository members = new MemberRepository(null, "priming");
        Map<String, AttributeValue> profile = new HashMap<>(members.enrol(member).put().item());
        profile.put("purchaseCount", Attr.n(3));
        profile.put("totalSpend", Attr.n(12_900));
        profile.put("spendByMonth", AttributeValue.fromM(Map.of(now.toString().substring(0, 7), Attr.n(12_900))));
        profile.put("pointsByDay", AttributeValue.fromM(Map.of(now.toString().substring(0, 10), Attr.n(40))));
        profile.putAll(MemberFigures.toAttributes(PointsFigures.of(lots, now)));
        return new Data(program, member, card, new ProgramRepository(null, "priming").create(program).put().item(),
                Map.copyOf(profile), members.issueCard(card).put().item());
    }

    /**
     * Sends {@code transaction}'s items to the real table with a ConditionCheck first that requires an item which
     * cannot exist ({@value #IMPOSSIBLE_PK_PREFIX} and a random UUID: no code writes that namespace), so DynamoDB
     * cancels the whole transaction and writes nothing (transactions are all or nothing; a cancelled one leaves no
     * stream record either, so the relay sees nothing). What it warms: the transaction's marshalling, signing and
     * connection on the real client, and the cancellation's unmarshalling. Answers the cancellation codes.
     */
    public static List<String> sendCancelled(DynamoDbClient dynamo, String table, TransactWriteItemsRequest transaction) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                .key(Map.of(TableSchema.PK, Attr.s(IMPOSSIBLE_PK_PREFIX + UUID.randomUUID()),
                        TableSchema.SK, Attr.s("PRIMING")))
                .conditionExpression("attribute_exists(PK)").build()).build());
        // At most 100 items per transaction: the impossible check always goes, whatever is left out after it.
        items.addAll(transaction.transactItems().subList(0, Math.min(99, transaction.transactItems().size())));
        try {
            dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
        } catch (TransactionCanceledException cancelled) {
            return cancelled.hasCancellationReasons()
                    ? cancelled.cancellationReasons().stream().map(r -> String.valueOf(r.code())).toList() : List.of();
        }
        throw new IllegalStateException("A priming transaction conditioned on an item that cannot exist committed");
    }

    /** An authorized POST with a JSON body and a fresh Idempotency-Key, as API Gateway hands it over. */
    public static APIGatewayV2HTTPEvent post(String routeKey, Map<String, String> pathParameters, Caller caller,
                                             String body) {
        APIGatewayV2HTTPEvent event = ApiFunction.primingGet(routeKey, pathParameters, caller);
        event.setBody(body);
        event.setHeaders(Map.of("content-type", "application/json", "user-agent", "snapstart-priming",
                "idempotency-key", "snapstart-priming-" + UUID.randomUUID()));
        return event;
    }
}
