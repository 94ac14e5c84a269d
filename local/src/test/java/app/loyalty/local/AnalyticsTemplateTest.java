package app.loyalty.local;

import app.loyalty.functions.analytics.Contribution;
import app.loyalty.local.template.Template;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.event.ruler.Machine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The analytics rule of template.yaml delivers exactly the events the consumer counts, and the dashboard is deployable. */
class AnalyticsTemplateTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Template TEMPLATE = Template.load(ROOT.resolve("template.yaml"), "eu-west-1");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theLoyaltyBusRule_deliversEverySampleOfACountedEvent_toAnalyticsFunction_andNothingElse() throws Exception {
        List<Template.Rule> rules = TEMPLATE.rules().stream().filter(rule -> rule.functionId().equals("AnalyticsFunction")).toList();
        assertThat(rules).hasSize(1);
        Template.Rule rule = rules.get(0);
        assertThat(rule.busName()).isEqualTo(TEMPLATE.intrinsics().ref("LoyaltyBus").orElseThrow());
        Machine machine = new Machine();
        machine.addRule(rule.name(), rule.patternJson());
        Set<String> delivered = new TreeSet<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("events/eventbridge"))) {
            for (Path sample : files.filter(file -> file.toString().endsWith(".json")).sorted().toList()) {
                JsonNode event = JSON.readTree(sample.toFile());
                boolean matches = !machine.rulesForJSONEvent(event.toString()).isEmpty();
                assertThat(matches).as(sample.getFileName() + " is delivered exactly when analytics counts it")
                        .isEqualTo(Contribution.TYPES.contains(event.path("detail-type").asText()));
                if (matches) {
                    delivered.add(event.path("detail-type").asText());
                }
            }
        }
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(Contribution.TYPES);
    }

    @Test
    void theDashboard_isAPrivateBucketReadOnlyByItsDistribution_withTheApiOnTheSameHost() {
        JsonNode resources = TEMPLATE.root().path("Resources");
        JsonNode bucket = resources.path("DashboardBucket").path("Properties");
        assertThat(bucket.path("PublicAccessBlockConfiguration").path("RestrictPublicBuckets").asBoolean()).isTrue();
        JsonNode statement = resources.path("DashboardBucketPolicy").path("Properties").path("PolicyDocument").path("Statement").get(0);
        assertThat(statement.path("Principal").path("Service").asText()).isEqualTo("cloudfront.amazonaws.com");
        assertThat(statement.path("Action").asText()).isEqualTo("s3:GetObject");
        JsonNode distribution = resources.path("DashboardDistribution").path("Properties").path("DistributionConfig");
        assertThat(distribution.path("Origins").findValuesAsText("Id")).containsExactly("DashboardBucket", "Api");
        assertThat(distribution.path("CacheBehaviors").get(0).path("PathPattern").asText()).isEqualTo("/v1/*");
        assertThat(TEMPLATE.root().path("Outputs").has("DashboardUrl")).isTrue();
        assertThat(resources.path("AnalyticsFunction").path("Properties").path("ReservedConcurrentExecutions").asInt()).isPositive();
    }
}
