package app.loyalty.shared.domain.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The signature of a partner webhook delivery (docs/webhooks.md): HMAC-SHA256 with the subscription's secret over
 * {@code <unix seconds> + "." + <raw body>}, sent as {@code Loyalty-Signature: t=<unix seconds>,v1=<lowercase hex>}.
 * The timestamp is inside the signed text, so a receiver that checks it against its own clock rejects a captured
 * delivery replayed later; several {@code v1=} entries may be present (during a secret rotation) and any one that
 * matches is enough.
 */
public final class WebhookSignature {
    public static final String HEADER = "Loyalty-Signature";
    /** How far a delivery's timestamp may be from the receiver's clock: the advised replay window. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
    public static final String SECRET_PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private WebhookSignature() {
    }

    /** A new subscription secret (shown once, at subscription): whsec_ + 32 random bytes, base64url. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The header value for a delivery of {@code body} signed at {@code at}. */
    public static String header(String secret, Instant at, String body) {
        return header(java.util.List.of(secret), at, body);
    }

    /**
     * The header with one {@code v1} signature per secret, in order: during a secret rotation's grace the new secret
     * and the replaced one both sign ({@code t=..,v1=<new>,v1=<old>}, as Stripe does), so a receiver verifying with
     * either accepts the delivery ({@link #verify} accepts any matching {@code v1}).
     */
    public static String header(java.util.List<String> secrets, Instant at, String body) {
        long timestamp = at.getEpochSecond();
        StringBuilder header = new StringBuilder("t=").append(timestamp);
        for (String secret : secrets) {
            header.append(",v1=").append(HEX.formatHex(hmac(secret, timestamp + "." + body)));
        }
        return header.toString();
    }

    /**
     * Whether {@code header} signs {@code body} with {@code secret} at a time within {@code tolerance} of {@code now}.
     * Malformed headers are simply not valid; the digests are compared in constant time.
     */
    public static boolean verify(String secret, String header, String body, Instant now, Duration tolerance) {
        if (header == null) {
            return false;
        }
        Long timestamp = null;
        java.util.List<byte[]> signatures = new java.util.ArrayList<>();
        for (String part : header.split(",")) {
            String[] pair = part.strip().split("=", 2);
            if (pair.length != 2) {
                return false;
            }
            try {
                if (pair[0].equals("t")) {
                    timestamp = Long.parseLong(pair[1]);
                } else if (pair[0].equals("v1")) {
                    signatures.add(HEX.parseHex(pair[1]));
                }
            } catch (IllegalArgumentException malformed) {
                return false; // not a number, or not hex: nobody signed this
            }
        }
        if (timestamp == null || signatures.isEmpty()
                || Duration.between(Instant.ofEpochSecond(timestamp), now).abs().compareTo(tolerance) > 0) {
            return false;
        }
        byte[] expected = hmac(secret, timestamp + "." + body);
        boolean matched = false;
        for (byte[] signature : signatures) {
            matched |= MessageDigest.isEqual(expected, signature);
        }
        return matched;
    }

    private static byte[] hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK has HmacSHA256", e);
        }
    }
}
