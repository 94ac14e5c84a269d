package app.loyalty.functions.eventrelay;

import app.loyalty.shared.runtime.LambdaJson;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The functions read their events with {@link LambdaJson} instead of the runtime client's serializer: on every
 * real-shaped payload of events/ both must build the same event, field for field.
 */
class LambdaJsonEventsTest {

    @ParameterizedTest
    @ValueSource(strings = {"dynamodb/outbox-insert.json"})
    void streamBatch_readsAsTheRuntimeReadsIt(String payload) throws IOException {
        DynamodbEvent ours = read(payload, DynamodbEvent.class);

        assertThat(ours.getRecords()).isNotEmpty();
        assertThat(ours.getRecords().get(0).getDynamodb().getNewImage().get("outbox").getL()).isNotEmpty();
        assertThat(ours.getRecords().get(0).getDynamodb().getApproximateCreationDateTime().getTime())
                .isEqualTo(1_795_425_147_000L);
        assertThat(ours).usingRecursiveComparison().isEqualTo(runtimes(payload, DynamodbEvent.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"api/add-merchant.json", "api/create-program.json", "api/enrol-member.json", "api/get-card.json",
            "api/get-member.json", "api/get-program.json", "api/put-program-rules.json", "api/record-purchase.json",
            "api/replace-card.json", "api/return-purchase.json"})
    void httpEvent_readsAsTheRuntimeReadsIt(String payload) throws IOException {
        APIGatewayV2HTTPEvent ours = read(payload, APIGatewayV2HTTPEvent.class);

        assertThat(ours.getRequestContext().getAuthorizer().getLambda()).isNotEmpty();
        assertThat(ours).usingRecursiveComparison().isEqualTo(runtimes(payload, APIGatewayV2HTTPEvent.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorizer/request.json"})
    void authorizerEvent_readsAsTheRuntimeReadsIt_butTheRequestContext(String payload) throws IOException {
        APIGatewayV2CustomAuthorizerEvent ours = read(payload, APIGatewayV2CustomAuthorizerEvent.class);

        assertThat(ours.getIdentitySource()).hasSize(1);
        // The request context's class needs joda-time, which the jars leave out; the authorizer reads its request id from the JSON.
        assertThat(ours.getRequestContext()).isNull();
        assertThat(ours).usingRecursiveComparison().ignoringFields("requestContext")
                .isEqualTo(runtimes(payload, APIGatewayV2CustomAuthorizerEvent.class));
    }

    private <T> T read(String payload, Class<T> type) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(payload)) {
            return LambdaJson.read(in, type);
        }
    }

    private <T> T runtimes(String payload, Class<T> type) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(payload)) {
            return LambdaEventSerializers.serializerFor(type, getClass().getClassLoader()).fromJson(in);
        }
    }
}
