package io.kma.api.kube;

import java.net.InetAddress;

/**
 * The addresses kube-apiserver's validation refuses in Endpoints and EndpointSlices (ValidateNonSpecialIP): one rule
 * for the configuration check of {@code registration.advertiseAddress} and for the address the appliance registers.
 */
public final class EndpointAddresses {

    private EndpointAddresses() {
    }

    /** Why kube-apiserver refuses {@code address} in Endpoints (e.g. "a loopback address"), or null when it accepts it. */
    public static String refusal(InetAddress address) {
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
}
