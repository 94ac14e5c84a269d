package app.loyalty.local;

import app.loyalty.local.template.Template;
import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.TableSchema;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * template.yaml and the code agree: every HTTP route reaches a handler that answers it and nothing a handler
 * answers is missing from the template; every rule, schedule and stream targets a function whose handler
 * loads; the table is the one TableSchema describes.
 */
class TemplateConsistencyTest {
    private static final Template TEMPLATE = Template.load(Path.of("..", "template.yaml"), "eu-west-1");
    private static DynamoDbClient unusedDynamo;
    private static Map<String, ApiFunction> apiFunctions;

    @BeforeAll
    static void createHttpHandlers() throws ReflectiveOperationException {
        // Handlers only keep the client at construction; nothing here calls it.
        unusedDynamo = DynamoDbClient.builder().region(Region.EU_WEST_1)
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("unused", "unused")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        AppContext app = new AppContext(unusedDynamo, TEMPLATE.table().name(), Clock.systemUTC(), Json.MAPPER);
        apiFunctions = new HashMap<>();
        for (String functionId : TEMPLATE.routes().stream().map(Template.Route::functionId).collect(Collectors.toSet())) {
            Class<?> handler = Class.forName(TEMPLATE.function(functionId).handlerClass());
            assertThat(ApiFunction.class).as(functionId + " serves HTTP routes").isAssignableFrom(handler);
            apiFunctions.put(functionId, (ApiFunction) handler.getConstructor(AppContext.class).newInstance(app));
        }
    }

    @AfterAll
    static void closeClient() {
        unusedDynamo.close();
    }

    @Test
    void everyRoute_reachesAHandlerThatAnswersItsRouteKey() {
        assertThat(TEMPLATE.routes()).isNotEmpty();
        for (Template.Route route : TEMPLATE.routes()) {
            assertThat(apiFunctions.get(route.functionId()).routeKeys())
                    .as("%s answers %s", route.functionId(), route.routeKey())
                    .contains(route.routeKey());
        }
    }

    @Test
    void everyRouteKeyAHandlerAnswers_isInTheTemplate_forThatFunction() {
        apiFunctions.forEach((functionId, handler) -> {
            Set<String> declared = TEMPLATE.routes().stream().filter(route -> route.functionId().equals(functionId))
                    .map(Template.Route::routeKey).collect(Collectors.toSet());
            assertThat(declared).as("routes template.yaml declares for %s", functionId).containsAll(handler.routeKeys());
        });
    }

    @Test
    void everyRoute_goesThroughTheLambdaAuthorizer() {
        for (Template.Route route : TEMPLATE.routes()) {
            assertThat(route.authorizer()).as(route.routeKey()).isPresent();
            assertThat(TEMPLATE.functions()).containsKey(route.authorizer().get().functionId());
            assertThat(route.authorizer().get().identityHeaders()).containsExactly("Authorization");
            assertThat(route.authorizer().get().simpleResponses()).isTrue();
        }
    }

    @Test
    void everyFunction_hasALoadableHandlerWithItsHandlerMethod() throws ClassNotFoundException {
        for (Template.Function function : TEMPLATE.functions().values()) {
            Class<?> handler = Class.forName(function.handlerClass());
            assertThat(Arrays.stream(handler.getMethods()).map(Method::getName))
                    .as("%s has a public %s", function.handlerClass(), function.handlerMethod())
                    .contains(function.handlerMethod());
        }
    }

    @Test
    void everyRuleScheduleAndStreamTarget_isAFunctionOfTheTemplate() {
        List<String> targets = new ArrayList<>();
        TEMPLATE.rules().forEach(rule -> targets.add(rule.functionId()));
        TEMPLATE.schedules().forEach(schedule -> targets.add(schedule.functionId()));
        TEMPLATE.streamSources().forEach(source -> targets.add(source.functionId()));
        assertThat(TEMPLATE.functions().keySet()).containsAll(targets);
        assertThat(TEMPLATE.streamSources()).extracting(Template.StreamSource::tableId)
                .containsOnly(TEMPLATE.table().logicalId());
    }

    @Test
    void tableDefinition_equalsTableSchema() {
        JsonNode table = TEMPLATE.table().properties();
        CreateTableRequest schema = TableSchema.createTableRequest(TEMPLATE.table().name());

        Map<String, String> attributes = new TreeMap<>();
        table.path("AttributeDefinitions").forEach(a -> attributes.put(a.path("AttributeName").asText(), a.path("AttributeType").asText()));
        assertThat(attributes).isEqualTo(schema.attributeDefinitions().stream().collect(Collectors.toMap(
                a -> a.attributeName(), a -> a.attributeTypeAsString(), (a, b) -> a, TreeMap::new)));

        assertThat(keys(table.path("KeySchema"))).isEqualTo(schema.keySchema().stream()
                .map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList());

        Map<String, String> indexes = new TreeMap<>();
        table.path("GlobalSecondaryIndexes").forEach(index -> indexes.put(index.path("IndexName").asText(),
                keys(index.path("KeySchema")) + " " + index.path("Projection").path("ProjectionType").asText()));
        Map<String, String> expectedIndexes = new TreeMap<>();
        for (GlobalSecondaryIndex index : schema.globalSecondaryIndexes()) {
            expectedIndexes.put(index.indexName(), index.keySchema().stream()
                    .map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList()
                    + " " + index.projection().projectionTypeAsString());
        }
        assertThat(indexes).isEqualTo(expectedIndexes);

        assertThat(table.path("BillingMode").asText()).isEqualTo(schema.billingModeAsString());
        assertThat(table.path("StreamSpecification").path("StreamViewType").asText())
                .isEqualTo(schema.streamSpecification().streamViewTypeAsString());
        assertThat(table.path("TimeToLiveSpecification").path("AttributeName").asText()).isEqualTo(TableSchema.TTL);
        assertThat(table.path("TimeToLiveSpecification").path("Enabled").asBoolean()).isTrue();
    }

    @Test
    void environmentNames_neverTakeTwoValues_becauseLocalFunctionsShareOneJvm() {
        Map<String, Set<String>> values = new HashMap<>();
        TEMPLATE.functions().values().forEach(function -> function.environment()
                .forEach((name, value) -> values.computeIfAbsent(name, n -> new HashSet<>()).add(value)));
        values.forEach((name, distinct) -> assertThat(distinct).as(name).hasSize(1));
    }

    private static List<String> keys(JsonNode keySchema) {
        List<String> keys = new ArrayList<>();
        keySchema.forEach(k -> keys.add(k.path("AttributeName").asText() + ":" + k.path("KeyType").asText()));
        return keys;
    }
}
