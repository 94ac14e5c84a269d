package app.loyalty.local;

import app.loyalty.local.template.CfnYaml;
import app.loyalty.local.template.Template;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class TemplateModelTest {
    private static final Template TEMPLATE = load();

    private static Template load() {
        try {
            return Template.load(Path.of(TemplateModelTest.class.getResource("/test-template.yaml").toURI()), "eu-west-1");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shortFormTags_areReadAsTheirLongForms() {
        JsonNode node = CfnYaml.read("""
                A: !Ref Table
                B: !GetAtt Table.StreamArn
                C: !Sub "${AWS::StackName}-bus"
                D: !If [IsProd, !Ref X, !Join ["-", [a, !Select [0, [b, c]]]]]
                E: !Equals [!Ref Stage, prod]
                F: !GetAtt [Fn, Arn]
                G: !Ref Fn.Alias
                H: plain
                I: !!str 10
                """);

        assertThat(node.get("A").toString()).isEqualTo("{\"Ref\":\"Table\"}");
        assertThat(node.get("B").toString()).isEqualTo("{\"Fn::GetAtt\":[\"Table\",\"StreamArn\"]}");
        assertThat(node.get("C").toString()).isEqualTo("{\"Fn::Sub\":\"${AWS::StackName}-bus\"}");
        assertThat(node.get("D").toString()).isEqualTo(
                "{\"Fn::If\":[\"IsProd\",{\"Ref\":\"X\"},{\"Fn::Join\":[\"-\",[\"a\",{\"Fn::Select\":[0,[\"b\",\"c\"]]}]]}]}");
        assertThat(node.get("E").toString()).isEqualTo("{\"Fn::Equals\":[{\"Ref\":\"Stage\"},\"prod\"]}");
        assertThat(node.get("F").toString()).isEqualTo("{\"Fn::GetAtt\":[\"Fn\",\"Arn\"]}");
        assertThat(node.get("G").toString()).isEqualTo("{\"Ref\":\"Fn.Alias\"}");
        assertThat(node.get("H").asText()).isEqualTo("plain");
        assertThat(node.get("I").isTextual()).isTrue();
    }

    @Test
    void theRepositoryTemplate_parses() {
        Template real = Template.load(Path.of("..", "template.yaml"), "eu-west-1");

        assertThat(real.routes()).isNotEmpty();
        assertThat(real.table().name()).isNotBlank();
    }

    @Test
    void routes_comeFromHttpApiEvents_withTheirAuthorizer() {
        assertThat(TEMPLATE.routes()).extracting(Template.Route::routeKey, Template.Route::functionId)
                .containsExactlyInAnyOrder(
                        tuple("POST /v1/things", "ThingsFunction"),
                        tuple("GET /v1/things/{thingId}", "ThingsFunction"),
                        tuple("ANY /v1/echo/{proxy+}", "EchoFunction"));
        Template.Route create = TEMPLATE.routes().stream().filter(r -> r.routeKey().equals("POST /v1/things")).findFirst().orElseThrow();
        assertThat(create.authorizer()).hasValueSatisfying(authorizer -> {
            assertThat(authorizer.functionId()).isEqualTo("AuthorizerFunction");
            assertThat(authorizer.identityHeaders()).containsExactly("Authorization");
            assertThat(authorizer.simpleResponses()).isTrue();
            assertThat(authorizer.payloadFormatVersion()).isEqualTo("2.0");
        });
        Template.Route echo = TEMPLATE.routes().stream().filter(r -> r.functionId().equals("EchoFunction")).findFirst().orElseThrow();
        assertThat(echo.authorizer()).isEmpty();
    }

    @Test
    void functionEnvironment_resolvesIntrinsics_andReportsWhatCannotBeKnownLocally() {
        Template.Function relay = TEMPLATE.function("EventRelayFunction");
        assertThat(relay.environment())
                .containsEntry("TABLE_NAME", "TestTable")
                .containsEntry("EVENT_BUS_NAME", "loyalty-local-test")
                .containsEntry("STAGE_LABEL", "stage-test");
        assertThat(relay.handlerClass()).isEqualTo("app.loyalty.functions.eventrelay.EventRelayHandler");
        assertThat(relay.handlerMethod()).isEqualTo("handleRequest");
        assertThat(relay.timeoutSeconds()).isEqualTo(10);
        assertThat(TEMPLATE.function("NotifierFunction").environment())
                .containsEntry("TOPIC_ARN", "arn:aws:sns:eu-west-1:000000000000:TestTopic");
        assertThat(TEMPLATE.function("AuthorizerFunction").unresolvedVariables()).containsExactly("OPERATOR_KEY_SHA256");
        assertThat(TEMPLATE.function("EchoFunction").handlerMethod()).isEqualTo("handleRequest");
    }

    @Test
    void streamSources_carryTheirFilterAndFailureSettings() {
        assertThat(TEMPLATE.streamSources()).singleElement().satisfies(source -> {
            assertThat(source.functionId()).isEqualTo("EventRelayFunction");
            assertThat(source.tableId()).isEqualTo("TestTable");
            assertThat(source.startingPosition()).isEqualTo("TRIM_HORIZON");
            assertThat(source.batchSize()).isEqualTo(100);
            assertThat(source.filterPatterns()).singleElement().asString().contains("\"outbox\"");
            assertThat(source.reportBatchItemFailures()).isTrue();
            assertThat(source.maximumRetryAttempts()).isEqualTo(2);
        });
    }

    @Test
    void rules_comeFromFunctionEventsAndEventsRules_withLambdaTargetsOnly() {
        assertThat(TEMPLATE.rules()).extracting(Template.Rule::name, Template.Rule::busName, Template.Rule::functionId)
                .containsExactlyInAnyOrder(
                        tuple("OnBigThing", "loyalty-local-test", "ThingWatcherFunction"),
                        tuple("AnyThingRule", "loyalty-local-test", "NotifierFunction"));
        assertThat(TEMPLATE.rules().get(0).patternJson()).contains("\"numeric\"");
    }

    @Test
    void schedules_comeFromScheduleEventsAndSchedulerResources() {
        assertThat(TEMPLATE.schedules()).extracting(Template.Schedule::name, Template.Schedule::expression,
                        Template.Schedule::timezone, Template.Schedule::input, Template.Schedule::scheduler)
                .containsExactlyInAnyOrder(
                        tuple("Nightly", "cron(0 3 * * ? *)", "Europe/London", Optional.empty(), true),
                        tuple("HourlySweep", "rate(1 hour)", "UTC", Optional.of("{\"job\": \"sweep\"}"), true));
        assertThat(TEMPLATE.schedules()).extracting(Template.Schedule::functionId).containsOnly("NightlyJobFunction");
    }

    @Test
    void intrinsics_resolveSubJoinAndPseudoParameters() {
        var intrinsics = TEMPLATE.intrinsics();
        assertThat(intrinsics.resolve(CfnYaml.read("x: !Sub 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${TestTable}/${!Literal}'").get("x")))
                .hasValue("arn:aws:x:eu-west-1:000000000000:TestTable/${Literal}");
        assertThat(intrinsics.resolve(CfnYaml.read("x: !Join ['/', [a, !GetAtt TestBus.Arn]]").get("x")))
                .hasValue("a/arn:aws:events:eu-west-1:000000000000:event-bus/loyalty-local-test");
        assertThat(intrinsics.resolve(CfnYaml.read("x: !ImportValue Other").get("x"))).isEmpty();
        assertThat(intrinsics.resolveTree(CfnYaml.read("source: [!Sub '${AWS::StackName}.things']\ndetail: {n: [1]}")).toString())
                .isEqualTo("{\"source\":[\"loyalty-local.things\"],\"detail\":{\"n\":[1]}}");
        assertThat(TEMPLATE.table().name()).isEqualTo("TestTable");
    }
}
