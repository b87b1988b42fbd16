package io.kma.shared.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address literals as configuration and manifests take them, recognised by their text alone: nothing here looks
 * a name up.
 */
public final class IpAddresses {

    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private IpAddresses() {
    }

    /** A dotted-quad IPv4 address, each part 0-255 without leading zeros (e.g. 192.0.2.10). */
    public static boolean isIpv4(String text) {
        return IPV4.matcher(text).matches();
    }

    /**
     * Text made of hex digits, colons and dots with at least one colon: the shape of an IPv6 literal (e.g. ::,
     * 2001:db8::10, ::ffff:192.0.2.1), without checking its groups.
     */
    public static boolean hasIpv6Shape(String text) {
        return IPV6_CHARS.matcher(text).matches();
    }

    /** {@link #isIpv4} or {@link #hasIpv6Shape}. */
    public static boolean looksLikeIp(String text) {
        return isIpv4(text) || hasIpv6Shape(text);
    }

    /**
     * An IPv4 address, or IPv6 shape with at least two colons: what {@link #isIp} accepts before asking the JDK to parse
     * the groups (so a caller can tell "not an address at all" from "a malformed IPv6 address").
     */
    public static boolean hasIpShape(String text) {
        return isIpv4(text) || (hasIpv6Shape(text) && text.indexOf(':') != text.lastIndexOf(':'));
    }

    /**
     * An IPv4 address or a well-formed IPv6 address (at least two colons, groups the JDK parses), e.g. for an
     * Endpoints address.
     */
    public static boolean isIp(String text) {
        if (isIpv4(text)) {
            return true;
        }
        if (!hasIpShape(text)) {
            return false;
        }
        try {
            InetAddress.getByName(text); // only hex digits, colons and dots: a literal, parsed, never resolved
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Why kube-apiserver's validation refuses {@code address} in Endpoints and EndpointSlices
     * (ValidateNonSpecialIP), e.g. "a loopback address"; null when it accepts it.
     */
    public static String endpointsRefusal(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        return null;
    }

    /** {@link #endpointsRefusal(InetAddress)} of a literal; "not an IP address" when {@link #isIp} says it is not one. */
    public static String endpointsRefusal(String literal) {
        if (!isIp(literal)) {
            return "not an IP address";
        }
        try {
            return endpointsRefusal(InetAddress.getByName(literal)); // a literal: no lookup
        } catch (UnknownHostException e) {
            return "not an IP address";
        }
    }
}
