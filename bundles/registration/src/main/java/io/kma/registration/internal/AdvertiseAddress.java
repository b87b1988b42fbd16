package io.kma.registration.internal;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

import io.kma.shared.net.IpAddresses;

/**
 * The address kube-apiserver is to dial: the configured one, else the local address of the route to
 * kube-apiserver (what the kernel would use as source address; kube-apiserver picks its own advertise address
 * from the default route in the same spirit). Never loopback, link-local or unspecified unless tests allow loopback.
 */
final class AdvertiseAddress {

    private AdvertiseAddress() {
    }

    /**
     * @param configured   {@code registration.advertiseAddress}, may be empty
     * @param apiserver    kube-apiserver's URL
     * @param allowLoopback tests only
     * @throws IOException with the reason and the fix when no usable address results
     */
    static InetAddress choose(String configured, URI apiserver, boolean allowLoopback) throws IOException {
        InetAddress address;
        String origin;
        if (configured != null && !configured.isBlank()) {
            address = literal(configured.trim());
            origin = "registration.advertiseAddress " + configured.trim();
        } else {
            address = routeTo(apiserver);
            origin = "the local address " + address.getHostAddress() + " of the route to kube-apiserver " + apiserver.getHost();
        }
        String refused = refused(address, allowLoopback);
        if (refused != null) {
            throw new IOException(origin + " is " + refused + ", which kube-apiserver refuses in Endpoints; set "
                    + "registration.advertiseAddress (or --advertise-address) to this host's address that kube-apiserver reaches");
        }
        return address;
    }

    static String refused(InetAddress a, boolean allowLoopback) {
        return allowLoopback && a.isLoopbackAddress() ? null : IpAddresses.endpointsRefusal(a);
    }

    private static InetAddress routeTo(URI apiserver) throws IOException {
        String host = apiserver.getHost();
        if (host == null) {
            throw new IOException("kube-apiserver URL " + apiserver + " has no host");
        }
        int port = apiserver.getPort() > 0 ? apiserver.getPort() : 443;
        // connect() on a datagram socket sends nothing: it only asks the kernel for the route and its source address
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host), port));
            InetAddress local = s.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new IOException("no route to kube-apiserver " + host + " to take this host's address from");
            }
            return local;
        }
    }

    private static InetAddress literal(String ip) throws IOException {
        if (!ip.matches("[0-9.]+") && !ip.contains(":")) {
            throw new IOException("registration.advertiseAddress \"" + ip + "\" is not an IP address");
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IOException("registration.advertiseAddress \"" + ip + "\" is not an IP address");
        }
    }
}
