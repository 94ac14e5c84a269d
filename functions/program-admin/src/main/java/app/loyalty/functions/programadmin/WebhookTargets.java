package app.loyalty.functions.programadmin;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Whether a webhook host may be called (SSRF, OWASP API7, docs/security.md): every address its name resolves to must
 * be public. Loopback, private (10/8, 172.16/12, 192.168/16, IPv6 fc00::/7), link-local (169.254/16 with the cloud
 * metadata endpoint, fe80::/10), multicast and unspecified addresses are refused, so a public name pointing at an
 * internal address is refused like the literal address. Checked when a subscription is created and again before every
 * delivery (the name may have been repointed since). The local runtime allows loopback, for the tests' receivers.
 */
final class WebhookTargets {
    /** Resolves a host name to all its addresses; DNS in production, a stub in tests. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    static final Resolver DNS = InetAddress::getAllByName;

    private WebhookTargets() {
    }

    /**
     * Why {@code host} must not be called, or empty when every address it resolves to is public (or loopback, when
     * {@code allowLoopback}).
     *
     * @throws UnknownHostException when the name does not resolve (the caller decides what that means)
     */
    static Optional<String> refusal(String host, Resolver resolver, boolean allowLoopback) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = resolver.resolve(bare);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host + " resolves to no address");
        }
        for (InetAddress address : addresses) {
            if (allowLoopback && address.isLoopbackAddress()) {
                continue;
            }
            if (isNonPublic(address)) {
                return Optional.of("host " + host + " resolves to a non-public address (" + address.getHostAddress()
                        + ") among " + Arrays.stream(addresses).map(InetAddress::getHostAddress).toList());
            }
        }
        return Optional.empty();
    }

    static boolean isNonPublic(InetAddress address) {
        return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress() || isUniqueLocal(address)
                || isCarrierGradeNat(address);
    }

    /** IPv6 unique local addresses (fc00::/7), which Java's isSiteLocalAddress (fec0::/10) does not cover. */
    private static boolean isUniqueLocal(InetAddress address) {
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
    }

    /** 100.64.0.0/10 (shared address space, RFC 6598): not on the public internet. */
    private static boolean isCarrierGradeNat(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 && (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
    }
}
