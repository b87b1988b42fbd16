package io.kma.simulator;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/** Clients built from a simulator directory: for the CLI subcommands, the benchmark and tests. */
public final class SimClients {
    private SimClients() {
    }

    public static Properties properties(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("simulator.properties"))) {
            p.load(r);
        }
        return p;
    }

    public static URI apiserverUrl(Path dir) throws IOException {
        return URI.create(properties(dir).getProperty("apiserver.url"));
    }

    /** TLS as pki/NAME.crt|.key, trusting the cluster CA. */
    public static SSLContext tls(Path dir, String name) throws IOException {
        Path pki = dir.resolve("pki");
        X509Certificate ca = Pki.readCert(pki.resolve("ca.crt"));
        Pki.Issued id = name == null ? null : new Pki.Issued(Pki.readCert(pki.resolve(name + ".crt")), Pki.readKey(pki.resolve(name + ".key")));
        return Pki.sslContext(id, List.of(), ca);
    }

    /** An HttpClient as kubernetes-admin (system:masters). */
    public static HttpClient admin(Path dir) throws IOException {
        return HttpClient.newBuilder().sslContext(tls(dir, "admin")).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }
}
