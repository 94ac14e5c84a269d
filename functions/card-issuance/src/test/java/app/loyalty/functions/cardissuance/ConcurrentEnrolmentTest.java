package app.loyalty.functions.cardissuance;

import app.loyalty.shared.domain.member.ContactHasher;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import app.loyalty.shared.testing.MutableClock;
import app.loyalty.shared.testing.TestContexts;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static app.loyalty.shared.http.TestRequests.post;
import static app.loyalty.shared.http.TestResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Enrolments of one phone at the same moment (DynamoDB Local, separate threads released together): the uniqueness
 * item in the enrolment transaction lets exactly one commit; every other answers 409 member-exists naming it, and
 * nothing of theirs is written. Without the item each would create its own member.
 */
class ConcurrentEnrolmentTest {
    private static final int RACERS = 6;
    private static final int ROUNDS = 3;

    @Test
    void enrolmentsOfOnePhoneAtOnce_giveExactlyOneMember() throws Exception {
        MutableClock clock = MutableClock.at("2026-11-23T09:30:00Z");
        AppContext context = TestContexts.appContext(clock);
        Instant now = clock.instant();
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program("prg_race", "Race", "EUR", ProgramRules.DEFAULT, now, now, 1))).build());
        CardIssuanceHandler handler = new CardIssuanceHandler(context, new ContactHasher(ContactHasher.TEST_KEY));
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String phone = "+4477009005" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<APIGatewayV2HTTPResponse>> answers = new ArrayList<>();
                for (int racer = 0; racer < RACERS; racer++) {
                    // Each racer is another merchant of the program, so no Idempotency-Key is shared.
                    Caller merchant = Caller.merchant("mch_" + racer, "prg_race");
                    String body = "{\"profile\":{\"name\":\"Racer " + racer + "\",\"phone\":\"" + phone + "\"}}";
                    answers.add(pool.submit(() -> {
                        start.await();
                        return handler.handleRequest(post("POST /v1/members", merchant, "race-" + phone.substring(1), body), null);
                    }));
                }
                start.countDown();
                List<APIGatewayV2HTTPResponse> responses = new ArrayList<>();
                for (Future<APIGatewayV2HTTPResponse> answer : answers) {
                    responses.add(answer.get());
                }

                List<APIGatewayV2HTTPResponse> created = responses.stream().filter(r -> r.getStatusCode() == 201).toList();
                assertThat(created).as("round %d: exactly one enrolment commits", round).hasSize(1);
                String winner = json(created.getFirst()).get("memberId").asText();
                assertThat(responses.stream().filter(r -> r.getStatusCode() != 201))
                        .allSatisfy(r -> {
                            assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(409);
                            assertThat(json(r).get("type").asText()).endsWith("/member-exists");
                            assertThat(json(r).get("memberId").asText()).isEqualTo(winner);
                        });
            }
        } finally {
            pool.shutdownNow();
        }
        List<Map<String, AttributeValue>> items = context.dynamo().scan(ScanRequest.builder()
                .tableName(context.tableName()).build()).items();
        assertThat(items.stream().filter(i -> i.get(TableSchema.SK).s().equals("PROFILE"))).hasSize(ROUNDS);
        assertThat(items.stream().filter(i -> i.get(TableSchema.SK).s().equals("CARD"))).hasSize(ROUNDS);
        assertThat(items.stream().filter(i -> i.get(TableSchema.SK).s().equals("UNIQUE"))).hasSize(ROUNDS);
    }
}
