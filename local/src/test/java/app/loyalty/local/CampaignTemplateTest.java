package app.loyalty.local;

import app.loyalty.local.template.Template;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * template.yaml wires campaigns as docs/notifications.md says: the daily schedule runs NotificationsFunction's
 * daily-campaigns job; the API function creates one-time schedules that target NotificationsFunction through a role
 * the scheduler assumes, which may invoke that function and nothing else; the campaign routes go to the API function.
 */
class CampaignTemplateTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Template TEMPLATE = Template.load(ROOT.resolve("template.yaml"), "eu-west-1");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDailySchedule_runsTheDailyCampaignsJob_ofNotificationsFunction() throws IOException {
        List<Template.Schedule> daily = TEMPLATE.schedules().stream().filter(s -> s.name().equals("DailyCampaigns")).toList();
        assertThat(daily).singleElement().satisfies(schedule -> {
            assertThat(schedule.functionId()).isEqualTo("NotificationsFunction");
            assertThat(schedule.expression()).startsWith("cron(");
            assertThat(schedule.enabled()).isTrue();
            assertThat(JSON.readTree(schedule.input().orElseThrow()).path("job").asText()).isEqualTo("daily-campaigns");
        });
    }

    @Test
    void campaignSchedules_targetNotificationsFunction_throughARoleThatMayInvokeOnlyIt() {
        JsonNode resources = TEMPLATE.root().path("Resources");
        JsonNode api = resources.path("NotificationsApiFunction").path("Properties");
        assertThat(TEMPLATE.intrinsics().resolve(api.at("/Environment/Variables/CAMPAIGN_TARGET_ARN")))
                .isEqualTo(TEMPLATE.intrinsics().getAtt("NotificationsFunction", "Arn"));
        assertThat(api.at("/Environment/Variables/CAMPAIGN_SCHEDULER_ROLE_ARN").toString()).contains("CampaignSchedulerRole");

        JsonNode role = resources.path("CampaignSchedulerRole").path("Properties");
        assertThat(role.at("/AssumeRolePolicyDocument/Statement/0/Principal/Service").asText()).isEqualTo("scheduler.amazonaws.com");
        JsonNode invoke = role.at("/Policies/0/PolicyDocument/Statement");
        assertThat(invoke).hasSize(1);
        assertThat(invoke.get(0).path("Action").asText()).isEqualTo("lambda:InvokeFunction");
        assertThat(invoke.get(0).path("Resource").toString()).contains("NotificationsFunction");

        String statements = api.path("Policies").toString();
        assertThat(statements).contains("scheduler:CreateSchedule", "scheduler:DeleteSchedule", "iam:PassRole",
                "schedule/default/campaign-*");
        assertThat(statements).doesNotContain("dynamodb:Scan");
    }

    @Test
    void theCampaignRoutes_goToTheNotificationsApiFunction() {
        List<String> routes = TEMPLATE.routes().stream().filter(route -> route.path().contains("campaigns"))
                .map(route -> route.routeKey() + " -> " + route.functionId()).sorted().toList();
        assertThat(routes).containsExactly(
                "GET /v1/programs/{programId}/auto-campaigns -> NotificationsApiFunction",
                "GET /v1/programs/{programId}/campaigns -> NotificationsApiFunction",
                "GET /v1/programs/{programId}/campaigns/{campaignId} -> NotificationsApiFunction",
                "POST /v1/programs/{programId}/campaigns -> NotificationsApiFunction",
                "POST /v1/programs/{programId}/campaigns/dry-run -> NotificationsApiFunction",
                "POST /v1/programs/{programId}/campaigns/{campaignId}/cancel -> NotificationsApiFunction",
                "PUT /v1/programs/{programId}/auto-campaigns -> NotificationsApiFunction");
    }
}
