package app.loyalty.local;

import app.loyalty.local.template.Template;
import app.loyalty.shared.auth.ApiKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A revoked key stops working within the authorizer cache TTL that docs/security.md and the revoke route's
 * {@code effectiveWithinSeconds} promise ({@link ApiKeys#AUTHORIZER_CACHE_SECONDS}): the template's ReauthorizeEvery
 * must be exactly that, on every route.
 */
class AuthorizerCacheTemplateTest {
    private static final Template TEMPLATE = Template.load(Path.of("..", "template.yaml"), "eu-west-1");

    @Test
    void everyRoutesAuthorizerCachesForTheDocumentedRevocationDelay() {
        assertThat(TEMPLATE.routes()).isNotEmpty().allSatisfy(route -> assertThat(route.authorizer())
                .as("%s goes through the key authorizer", route.routeKey())
                .hasValueSatisfying(authorizer -> assertThat(authorizer.resultTtlSeconds())
                        .isEqualTo(ApiKeys.AUTHORIZER_CACHE_SECONDS)));
    }
}
