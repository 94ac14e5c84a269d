package app.loyalty.local;

import app.loyalty.local.template.CfnYaml;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Least privilege, checked for every function and role in template.yaml (docs/security.md, API5/API8), so that
 * functions added later must comply too. <b>What a new function must declare</b>, in inline policy statements
 * ({@code Policies: - Version/Statement}; SAM policy templates such as DynamoDBCrudPolicy and managed policies are
 * refused, they grant whole tables):
 * <ul>
 *   <li>every DynamoDB item action on the table ({@code GetItem, BatchGetItem, ConditionCheckItem, Query, PutItem,
 *       UpdateItem, DeleteItem, BatchWriteItem}) under a {@code ForAllValues:StringLike: dynamodb:LeadingKeys} condition
 *       listing the partition key prefixes it owns, each as {@code "PREFIX#*"} (never a bare {@code *});</li>
 *   <li>on an index ARN, only {@code dynamodb:Query};</li>
 *   <li>no wildcard in any action, no {@code dynamodb:Scan}, no {@code Resource: "*"} except for the few actions IAM
 *       cannot scope ({@link #UNSCOPABLE_ACTIONS});</li>
 *   <li>writes of API keys ({@code APIKEY#}) only by {@link #API_KEY_WRITERS}, reads only by {@link #API_KEY_READERS};</li>
 *   <li>{@code DeleteItem} alone in its statement, limited to {@code MEMBER#*} (open lots leaving the open range) and
 *       {@code UNIQUE#*} (contacts' uniqueness items released by a contact change or an erasure); ledger
 *       entries share that partition, so {@link LedgerDeletionTest} proves no code deletes one.</li>
 * </ul>
 */
class LeastPrivilegeTemplateTest {
    private static final JsonNode TEMPLATE = CfnYaml.read(Path.of("..", "template.yaml"));

    private static final Set<String> ITEM_ACTIONS = Set.of("dynamodb:GetItem", "dynamodb:BatchGetItem",
            "dynamodb:ConditionCheckItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:DeleteItem", "dynamodb:BatchWriteItem");
    private static final Set<String> MUTATING = Set.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem");
    /** Actions without resource-level permissions: IAM authorizes them only on "*". */
    private static final Set<String> UNSCOPABLE_ACTIONS = Set.of("dynamodb:ListStreams", "xray:PutTraceSegments",
            "xray:PutTelemetryRecords", "sns:Publish");
    private static final Set<String> API_KEY_WRITERS = Set.of("ProgramAdminFunction");
    private static final Set<String> API_KEY_READERS = Set.of("AuthorizerFunction", "ProgramAdminFunction");
    private static final Pattern KEY_PREFIX = Pattern.compile("[A-Z][A-Z_]*#\\*");

    /** Each function or role with the statements of its inline policies. */
    private static Map<String, List<JsonNode>> statementsByPrincipal() {
        Map<String, List<JsonNode>> statements = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> resources = TEMPLATE.get("Resources").fields();
        while (resources.hasNext()) {
            Map.Entry<String, JsonNode> resource = resources.next();
            String type = resource.getValue().path("Type").asText();
            JsonNode properties = resource.getValue().path("Properties");
            List<JsonNode> found = new ArrayList<>();
            if (type.equals("AWS::Serverless::Function")) {
                for (JsonNode policy : properties.path("Policies")) {
                    assertThat(policy.has("Statement"))
                            .as("%s: only inline policy documents (Version/Statement), never a policy template or"
                                    + " managed policy: %s", resource.getKey(), policy).isTrue();
                    policy.get("Statement").forEach(found::add);
                }
            } else if (type.equals("AWS::IAM::Role")) {
                for (JsonNode policy : properties.path("Policies")) {
                    policy.path("PolicyDocument").path("Statement").forEach(found::add);
                }
                assertThat(properties.has("ManagedPolicyArns")).as("%s: no managed policies", resource.getKey()).isFalse();
            } else {
                continue;
            }
            statements.put(resource.getKey(), found);
        }
        return statements;
    }

    @Test
    void everyFunctionThatTouchesTheTable_isCovered() {
        assertThat(statementsByPrincipal()).containsKeys("AuthorizerFunction", "ProgramAdminFunction",
                "CardIssuanceFunction", "PurchaseAccrualFunction", "DiscountCalculationFunction", "BonusExpiryFunction",
                "NotificationsFunction", "NotificationsApiFunction", "EventRelayRole");
    }

    @Test
    void noActionHasAWildcard_andNoStatementScans() {
        statementsByPrincipal().forEach((principal, statements) -> statements.forEach(statement -> {
            for (String action : actions(statement)) {
                assertThat(action).as("%s %s: name every action", principal, sid(statement)).doesNotContain("*");
                assertThat(action).as("%s %s: no Scan, anywhere", principal, sid(statement)).isNotEqualToIgnoringCase("dynamodb:Scan");
            }
            assertThat(statement.path("Effect").asText()).as("%s %s", principal, sid(statement)).isEqualTo("Allow");
        }));
    }

    @Test
    void resourceStar_isOnlyForActionsIamCannotScope() {
        statementsByPrincipal().forEach((principal, statements) -> statements.forEach(statement -> {
            if (resources(statement).contains("*")) {
                assertThat(UNSCOPABLE_ACTIONS).as("%s %s: Resource \"*\" only for actions without resource-level"
                        + " permissions", principal, sid(statement)).containsAll(actions(statement));
            }
        }));
    }

    @Test
    void everyItemActionOnTheTable_isLimitedToTheKeyPrefixesTheFunctionOwns() {
        statementsByPrincipal().forEach((principal, statements) -> statements.forEach(statement -> {
            Set<String> itemActions = new TreeSet<>(actions(statement));
            itemActions.retainAll(ITEM_ACTIONS);
            if (itemActions.isEmpty()) {
                return;
            }
            for (String resource : resources(statement)) {
                if (resource.contains("/index/")) {
                    assertThat(actions(statement)).as("%s %s: an index is only queried", principal, sid(statement))
                            .containsOnly("dynamodb:Query");
                } else {
                    assertThat(resource).as("%s %s: item actions on the table only", principal, sid(statement))
                            .isEqualTo("LoyaltyTable.Arn");
                    assertThat(leadingKeys(statement)).as("%s %s: %s need a ForAllValues:StringLike dynamodb:LeadingKeys"
                                    + " condition with \"PREFIX#*\" entries", principal, sid(statement), itemActions)
                            .isNotEmpty()
                            .allSatisfy(prefix -> assertThat(prefix).matches(KEY_PREFIX));
                }
            }
        }));
    }

    @Test
    void apiKeyItems_areWrittenOnlyByProgramAdmin_andReadOnlyByTheAuthorizerAndProgramAdmin() {
        statementsByPrincipal().forEach((principal, statements) -> statements.forEach(statement -> {
            if (!leadingKeys(statement).contains("APIKEY#*")) {
                return;
            }
            assertThat(API_KEY_READERS).as("%s may not touch APIKEY# items", principal).contains(principal);
            if (actions(statement).stream().anyMatch(MUTATING::contains)) {
                assertThat(API_KEY_WRITERS).as("%s may not write APIKEY# items", principal).contains(principal);
            }
        }));
    }

    @Test
    void deleteItem_standsAlone_andReachesOnlyMemberPartitions() {
        statementsByPrincipal().forEach((principal, statements) -> statements.forEach(statement -> {
            if (!actions(statement).contains("dynamodb:DeleteItem") && !actions(statement).contains("dynamodb:BatchWriteItem")) {
                return;
            }
            assertThat(actions(statement)).as("%s %s: DeleteItem in a statement of its own, never BatchWriteItem",
                    principal, sid(statement)).containsExactly("dynamodb:DeleteItem");
            // Deletes reach open lots (MEMBER# partitions) and contacts' uniqueness items (UNIQUE#, released by a
            // contact change or an erasure): never a ledger partition of its own, never a program, key or order.
            assertThat(leadingKeys(statement)).as("%s %s: deletes reach open lots and uniqueness items only",
                    principal, sid(statement)).isSubsetOf("MEMBER#*", "UNIQUE#*").contains("MEMBER#*");
        }));
    }

    @Test
    void theAuthorizer_onlyReadsApiKeys() {
        List<JsonNode> statements = statementsByPrincipal().get("AuthorizerFunction");

        assertThat(statements).singleElement().satisfies(statement -> {
            assertThat(actions(statement)).containsExactly("dynamodb:GetItem");
            assertThat(leadingKeys(statement)).containsExactly("APIKEY#*");
        });
    }

    @Test
    void cardIssuance_cannotWriteApiKeysOrLedgerPartitionsOfOtherKinds() {
        List<String> written = statementsByPrincipal().get("CardIssuanceFunction").stream()
                .filter(statement -> actions(statement).stream().anyMatch(MUTATING::contains))
                .flatMap(statement -> leadingKeys(statement).stream()).toList();

        assertThat(written).doesNotContain("APIKEY#*", "PROGRAM#*", "ORDER#*").contains("MEMBER#*", "CARD#*");
    }

    private static List<String> actions(JsonNode statement) {
        return strings(statement.path("Action"));
    }

    /** Resources as plain text: "*", "LoyaltyTable.Arn" for !GetAtt LoyaltyTable.Arn, the !Sub string otherwise. */
    private static List<String> resources(JsonNode statement) {
        JsonNode resource = statement.path("Resource");
        List<String> out = new ArrayList<>();
        List<JsonNode> all = new ArrayList<>();
        if (resource.isArray()) {
            resource.forEach(all::add);
        } else {
            all.add(resource);
        }
        for (JsonNode one : all) {
            if (one.isTextual()) {
                out.add(one.asText());
            } else if (one.has("Fn::GetAtt")) {
                JsonNode attr = one.get("Fn::GetAtt");
                out.add(attr.isArray() ? attr.get(0).asText() + "." + attr.get(1).asText() : attr.asText());
            } else if (one.has("Fn::Sub")) {
                out.add(one.get("Fn::Sub").isArray() ? one.get("Fn::Sub").get(0).asText() : one.get("Fn::Sub").asText());
            } else {
                out.add(one.toString());
            }
        }
        return out;
    }

    private static List<String> leadingKeys(JsonNode statement) {
        return strings(statement.path("Condition").path("ForAllValues:StringLike").path("dynamodb:LeadingKeys"));
    }

    private static String sid(JsonNode statement) {
        return statement.path("Sid").asText("(no Sid)");
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        }
        node.forEach(value -> out.add(value.asText()));
        return out;
    }
}
