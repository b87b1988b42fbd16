package io.kma.shared.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "192.0.2.10", "255.255.255.255", "10.0.0.1"})
    void dottedQuadsAreIpv4(String text) {
        assertTrue(IpAddresses.isIpv4(text));
        assertTrue(IpAddresses.looksLikeIp(text));
        assertTrue(IpAddresses.isIp(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "localhost", "", "1.2.3.4 "})
    void otherTextIsNotIpv4(String text) {
        assertFalse(IpAddresses.isIpv4(text));
        assertFalse(IpAddresses.isIp(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "2001:db8::10", "::ffff:192.0.2.1", "fe80::1", "0:0:0:0:0:0:0:0"})
    void ipv6LiteralsAreIps(String text) {
        assertTrue(IpAddresses.hasIpv6Shape(text));
        assertTrue(IpAddresses.isIp(text));
    }

    @Test
    void ipv6ShapeIsCheckedMoreStrictlyByIsIp() {
        // one colon: a host:port typo, which config's IP check has always let through as an IPv6 shape
        assertTrue(IpAddresses.looksLikeIp("10:250"));
        assertFalse(IpAddresses.isIp("10:250"));
        assertFalse(IpAddresses.hasIpShape("10:250"));
        assertFalse(IpAddresses.isIp("1:2:3:4:5:6:7:8:9"));
        assertTrue(IpAddresses.hasIpShape("1:2:3:4:5:6:7:8:9"), "the shape passes; the JDK refuses the groups");
        assertTrue(IpAddresses.hasIpShape("192.0.2.10"));
        assertFalse(IpAddresses.hasIpShape("192.0.2.256"));
        assertFalse(IpAddresses.hasIpv6Shape("example.com"));
        assertFalse(IpAddresses.hasIpv6Shape("g::1"));
    }

    @Test
    void endpointsRefuseSpecialAddressesAsKubeApiserverDoes() throws Exception {
        assertEquals("a loopback address", IpAddresses.endpointsRefusal("127.0.0.1"));
        assertEquals("a loopback address", IpAddresses.endpointsRefusal("::1"));
        assertEquals("a link-local address", IpAddresses.endpointsRefusal("169.254.1.1"));
        assertEquals("a link-local address", IpAddresses.endpointsRefusal("fe80::1"));
        assertEquals("the unspecified address", IpAddresses.endpointsRefusal("0.0.0.0"));
        assertEquals("the unspecified address", IpAddresses.endpointsRefusal("::"));
        assertEquals("a multicast address", IpAddresses.endpointsRefusal("224.0.0.1"));
        assertEquals("not an IP address", IpAddresses.endpointsRefusal("node-1.example.com"));
        assertNull(IpAddresses.endpointsRefusal("192.0.2.10"));
        assertNull(IpAddresses.endpointsRefusal(InetAddress.getByName("2001:db8::10")));
    }
}
