package app.loyalty.shared.domain.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {
    private static final String SECRET = "whsec_test";
    private static final Instant SIGNED = Instant.ofEpochSecond(1_764_748_800L);
    private static final String BODY = "{\"id\":\"evt_1\"}";
    private static final Duration TOLERANCE = WebhookSignature.DEFAULT_TOLERANCE;

    /** The vector docs/webhooks.md shows: printf '%s' '1764748800.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test */
    @Test
    void header_isTheHmacSha256OfTimestampDotBody_asOpensslComputesIt() {
        assertThat(WebhookSignature.header(SECRET, SIGNED, BODY))
                .isEqualTo("t=1764748800,v1=82d6117739ebe57b52272b673906e57867e89fe6bffc7cf59745f483c707ee9b");
    }

    @Test
    void verify_acceptsItsOwnSignature_withinTheReplayWindow() {
        String header = WebhookSignature.header(SECRET, SIGNED, BODY);

        assertThat(WebhookSignature.verify(SECRET, header, BODY, SIGNED.plus(TOLERANCE), TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, SIGNED.minus(TOLERANCE), TOLERANCE)).isTrue();
    }

    @Test
    void verify_refusesAReplayOutsideTheWindow_aChangedBody_aWrongSecret_orATimestampMovedOutOfTheSignedText() {
        String header = WebhookSignature.header(SECRET, SIGNED, BODY);

        assertThat(WebhookSignature.verify(SECRET, header, BODY, SIGNED.plus(TOLERANCE).plusSeconds(1), TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, header, BODY.replace("1", "2"), SIGNED, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify("whsec_other", header, BODY, SIGNED, TOLERANCE)).isFalse();
        String retimed = header.replace("t=1764748800", "t=1764748900");
        assertThat(WebhookSignature.verify(SECRET, retimed, BODY, SIGNED.plusSeconds(100), TOLERANCE)).isFalse();
    }

    @Test
    void verify_acceptsAnyMatchingV1_duringASecretRotation() {
        String oldSigned = WebhookSignature.header("whsec_old", SIGNED, BODY);
        String both = oldSigned + "," + WebhookSignature.header(SECRET, SIGNED, BODY).split(",")[1];

        assertThat(WebhookSignature.verify(SECRET, both, BODY, SIGNED, TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify("whsec_old", both, BODY, SIGNED, TOLERANCE)).isTrue();
    }

    @Test
    void verify_refusesMalformedHeaders() {
        for (String header : new String[]{null, "", "t=abc,v1=00", "t=1764748800", "v1=zz", "t=1764748800,v1=zz", "garbage"}) {
            assertThat(WebhookSignature.verify(SECRET, header, BODY, SIGNED, TOLERANCE)).as(String.valueOf(header)).isFalse();
        }
    }

    @Test
    void newSecret_isPrefixedAndRandom() {
        assertThat(WebhookSignature.newSecret()).matches("whsec_[A-Za-z0-9_-]{43}").isNotEqualTo(WebhookSignature.newSecret());
    }
}
