package io.kma.http.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class ServerSettingsTest {

    static HttpServerConfig config(String bind, int port, String cert, String key, String certDir, String tlsMin) {
        return new HttpServerConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return HttpServerConfig.class;
            }

            @Override
            public String bindAddress() {
                return bind;
            }

            @Override
            public int securePort() {
                return port;
            }

            @Override
            public String tlsCertFile() {
                return cert;
            }

            @Override
            public String tlsPrivateKeyFile() {
                return key;
            }

            @Override
            public String certDir() {
                return certDir;
            }

            @Override
            public String tlsMinVersion() {
                return tlsMin;
            }

            @Override
            public int maxRequestsInflight() {
                return 400;
            }

            @Override
            public long requestTimeoutMillis() {
                return 60_000L;
            }

            @Override
            public int maxConnections() {
                return 2000;
            }

            @Override
            public int maxConnectionsPerClient() {
                return 200;
            }
        };
    }

    @Test
    void defaults() {
        ServerSettings s = ServerSettings.from(config("0.0.0.0", 4443, "", "", "/var/lib/kube-metrics-appliance/certs",
                "VersionTLS12"));
        assertEquals(null, s.tlsCertFile());
        assertFalse(s.tls13Only());
        assertEquals(List.of("127.0.0.1"), s.selfSignedIps(), "an unspecified bind address adds no IP SAN");
        assertEquals("0.0.0.0:4443", s.authority());
    }

    @Test
    void specificBindAddressIsAnIpSanOfTheSelfSignedCertificate() {
        ServerSettings s = ServerSettings.from(config("192.0.2.10", 4443, "", "", "/c", "VersionTLS13"));
        assertEquals(List.of("127.0.0.1", "192.0.2.10"), s.selfSignedIps());
        assertTrue(s.tls13Only());
    }

    @Test
    void certificateWithoutKeyIsAClearError() {
        assertEquals("tlsCertFile is set but tlsPrivateKeyFile is not: give both, or neither for a self-signed certificate",
                assertThrows(IllegalArgumentException.class,
                        () -> ServerSettings.from(config("0.0.0.0", 4443, "/x/tls.crt", "", "/c", ""))).getMessage());
        assertEquals("tlsPrivateKeyFile is set but tlsCertFile is not: give both, or neither for a self-signed certificate",
                assertThrows(IllegalArgumentException.class,
                        () -> ServerSettings.from(config("0.0.0.0", 4443, " ", "/x/tls.key", "/c", ""))).getMessage());
    }

    @Test
    void badValuesNameTheProperty() {
        assertEquals("tlsMinVersion \"VersionTLS11\" is not supported: use VersionTLS12 or VersionTLS13 (TLS 1.0 and 1.1 are never served)",
                assertThrows(IllegalArgumentException.class,
                        () -> ServerSettings.from(config("0.0.0.0", 4443, "", "", "/c", "VersionTLS11"))).getMessage());
        assertEquals("bindAddress \"master-1\" is not an IP address", assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.from(config("master-1", 4443, "", "", "/c", ""))).getMessage());
        assertEquals("securePort 70000 is not a TCP port", assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.from(config("::", 70000, "", "", "/c", ""))).getMessage());
    }

    @Test
    void whatNeedsANewListener() {
        ServerSettings a = new ServerSettings("127.0.0.1", 4443, null, null, Path.of("/c"), false);
        assertTrue(a.sameListener(new ServerSettings("127.0.0.1", 4443, Path.of("/a.crt"), Path.of("/a.key"), Path.of("/c"), false)));
        assertFalse(a.sameCertificate(new ServerSettings("127.0.0.1", 4443, Path.of("/a.crt"), Path.of("/a.key"), Path.of("/c"), false)));
        assertFalse(a.sameListener(new ServerSettings("127.0.0.1", 4444, null, null, Path.of("/c"), false)));
        assertFalse(a.sameListener(new ServerSettings("127.0.0.2", 4443, null, null, Path.of("/c"), false)));
        assertFalse(a.sameListener(new ServerSettings("127.0.0.1", 4443, null, null, Path.of("/c"), true)));
    }
}
