package app.loyalty.functions.programadmin;

import app.loyalty.shared.http.ApiException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** SSRF by DNS (WebhookTargets): a name is judged by every address it resolves to, here through a stub resolver. */
class WebhookTargetsTest {
    /** Names and their addresses, as a DNS server would answer them (literals parsed, never resolved). */
    private static final Map<String, String[]> ZONE = Map.of(
            "partner.example", new String[]{"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
            "rebound.example", new String[]{"93.184.216.34", "10.0.0.7"},
            "metadata.example", new String[]{"169.254.169.254"},
            "ula.example", new String[]{"fd12:3456:789a::1"},
            "cgnat.example", new String[]{"100.64.1.2"},
            "zero.example", new String[]{"0.0.0.0"},
            "multicast.example", new String[]{"224.0.0.1"},
            "loopback.example", new String[]{"127.0.0.1", "::1"});
    private static final WebhookTargets.Resolver STUB = host -> {
        String[] addresses = ZONE.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] resolved = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            resolved[i] = InetAddress.getByName(addresses[i]);
        }
        return resolved;
    };

    @Test
    void aNameResolvingOnlyToPublicAddresses_isAllowed() throws Exception {
        assertThat(WebhookTargets.refusal("partner.example", STUB, false)).isEmpty();
    }

    @Test
    void aNameWithAnyNonPublicAddress_isRefused_namingTheAddress() throws Exception {
        assertThat(WebhookTargets.refusal("rebound.example", STUB, false)).hasValueSatisfying(why ->
                assertThat(why).contains("10.0.0.7"));
        for (String host : new String[]{"metadata.example", "ula.example", "cgnat.example", "zero.example",
                "multicast.example", "loopback.example"}) {
            assertThat(WebhookTargets.refusal(host, STUB, false)).as(host).isPresent();
        }
    }

    @Test
    void loopback_isAllowedOnlyWhenTheLocalRuntimeSaysSo_andNeverAPrivateAddress() throws Exception {
        assertThat(WebhookTargets.refusal("loopback.example", STUB, true)).isEmpty();
        assertThat(WebhookTargets.refusal("rebound.example", STUB, true)).isPresent();
    }

    @Test
    void anUnresolvableName_throws_soTheCallerDecides() {
        assertThatThrownBy(() -> WebhookTargets.refusal("nowhere.example", STUB, false))
                .isInstanceOf(UnknownHostException.class);
    }

    @Test
    void atSubscription_aPublicNameToAPrivateAddressIs400_andANameNotResolvableYetIsAccepted() {
        assertThatThrownBy(() -> WebhookAdmin.requireNoNonPublicAddress(URI.create("https://rebound.example/hook"), STUB))
                .isInstanceOf(ApiException.class).hasMessageContaining("10.0.0.7");
        assertThatThrownBy(() -> WebhookAdmin.requireNoNonPublicAddress(URI.create("https://metadata.example/hook"), STUB))
                .isInstanceOf(ApiException.class);
        assertThatNoException().isThrownBy(() ->
                WebhookAdmin.requireNoNonPublicAddress(URI.create("https://partner.example/hook"), STUB));
        assertThatNoException().isThrownBy(() ->
                WebhookAdmin.requireNoNonPublicAddress(URI.create("https://nowhere.example/hook"), STUB));
    }
}
