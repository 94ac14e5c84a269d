package app.loyalty.local;

import app.loyalty.local.api.RouteTable;
import app.loyalty.local.template.Template;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RouteTableTest {
    private static final RouteTable ROUTES = new RouteTable(List.of(
            route("GET", "/v1/members/{memberId}"),
            route("GET", "/v1/members/me"),
            route("POST", "/v1/members"),
            route("ANY", "/v1/members/{memberId}/statement"),
            route("GET", "/v1/members/{memberId}/statement"),
            route("GET", "/v1/files/{path+}"),
            route("ANY", "$default")));

    @Test
    void literalSegment_beatsParameter() {
        assertThat(ROUTES.match("GET", "/v1/members/me")).hasValueSatisfying(m ->
                assertThat(m.route().routeKey()).isEqualTo("GET /v1/members/me"));
        assertThat(ROUTES.match("GET", "/v1/members/mbr_1")).hasValueSatisfying(m -> {
            assertThat(m.route().routeKey()).isEqualTo("GET /v1/members/{memberId}");
            assertThat(m.pathParameters()).isEqualTo(Map.of("memberId", "mbr_1"));
        });
    }

    @Test
    void specificMethod_beatsAny_andAnyCatchesTheRest() {
        assertThat(ROUTES.match("GET", "/v1/members/m/statement").map(m -> m.route().routeKey()))
                .hasValue("GET /v1/members/{memberId}/statement");
        assertThat(ROUTES.match("DELETE", "/v1/members/m/statement").map(m -> m.route().routeKey()))
                .hasValue("ANY /v1/members/{memberId}/statement");
    }

    @Test
    void greedyParameter_takesTheRestOfThePath_decoded() {
        assertThat(ROUTES.match("GET", "/v1/files/a/b%2Fc/d+e")).hasValueSatisfying(m ->
                assertThat(m.pathParameters()).isEqualTo(Map.of("path", "a/b/c/d+e")));
    }

    @Test
    void defaultRoute_catchesWhatNothingElseMatches_andWithoutItThereIsNoMatch() {
        assertThat(ROUTES.match("POST", "/v1/members/mbr_1").map(m -> m.route().routeKey())).hasValue("$default");
        RouteTable withoutDefault = new RouteTable(List.of(route("POST", "/v1/members")));
        assertThat(withoutDefault.match("GET", "/v1/members")).isEmpty();
        assertThat(withoutDefault.match("POST", "/v1/members/x")).isEmpty();
        assertThat(withoutDefault.match("POST", "/v1/members")).isPresent();
    }

    private static Template.Route route(String method, String path) {
        return new Template.Route(method, path, "Fn", "Event", Optional.empty());
    }
}
