package io.kma.kube.client.internal;

import static io.kma.kube.client.internal.ApiServerDiagnosis.KUBECONFIG;
import static io.kma.kube.client.internal.ApiServerDiagnosis.USER;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;


import io.kma.api.doctor.Finding;
import io.kma.shared.x509.AdminGroups;
import io.kma.shared.x509.SubjectNames;

/**
 * The doctor's kubeconfig check. It sends no request: it reports what {@link ApiConnection} loaded, and warns
 * about what kube-apiserver will reject (an expired client certificate, no credentials) or what leaves TLS
 * unverified, before the later checks fail on it less clearly.
 */
final class KubeconfigCheck {

    static final String FIX_INSECURE = "set certificate-authority-data to the cluster CA (/etc/kubernetes/pki/ca.crt) "
            + "instead of insecure-skip-tls-verify";

    private KubeconfigCheck() {
    }

    /**
     * The client once loading has come to a result, or null when there is none within the wait. {@link ApiConnection}
     * loads on its own thread and, at start-up, may still be waiting for the TlsMaterials service; both settle in a
     * moment, so a check run right away would report a failure that is not there.
     */
    static ApiClient awaitClient(ApiConnection connection, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            ApiClient c = connection.client();
            if (c != null) {
                return c;
            }
            if (connection.settled() || System.nanoTime() - deadline >= 0) {
                return connection.client();
            }
            Thread.sleep(100);
        }
    }

    /** The FAIL when {@link #awaitClient} found no client: why not, and what to set or start. */
    static Finding notLoaded(ApiConnection connection, Duration waited) {
        String error = connection.error();
        Path path = connection.configuredPath();
        if (error == null || ApiConnection.NOT_LOADED.equals(error)) {
            error = "not loaded within " + FindingText.seconds(waited) + " s";
        }
        String fix;
        if (connection.waitingForService()) {
            fix = "install and start the bundle io.kma.tls (it reads the kubeconfig's certificates)";
        } else if (path == null) {
            fix = "set kubeconfig: in config.yaml to the path of the appliance's kubeconfig";
        } else {
            fix = "obtain the appliance's identity: sudo kube-metrics-appliance identity --approve (writes "
                    + "/etc/kube-metrics-appliance/identity/kubeconfig for the user " + USER + "); config.yaml's kubeconfig: "
                    + "names " + path;
        }
        return Finding.fail(KUBECONFIG, error, fix);
    }

    /** OK with the file, server and credentials of a loaded kubeconfig, or WARN with what is wrong in it. */
    static Finding loaded(Kubeconfig kc) {
        StringBuilder detail = new StringBuilder().append(kc.path()).append(", server ").append(kc.server());
        List<String> problems = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        List<String> credentials = new ArrayList<>();
        if (kc.clientCertificate() != null) {
            PemSource source = kc.clientCertificate();
            X509Certificate cert = certificate(source);
            String where = source.isFile() ? " (" + source.file() + ")" : "";
            if (cert == null) {
                credentials.add("client certificate" + where);
            } else {
                credentials.add("client certificate CN " + commonName(cert) + where);
                List<String> admin = AdminGroups.of(cert);
                if (!admin.isEmpty()) {
                    return Finding.fail(KUBECONFIG, detail + ", client certificate CN " + commonName(cert) + where
                            + " is a cluster administrator (O=" + String.join(", O=", admin) + "): whoever takes over "
                            + "the appliance would own the cluster", AdminGroups.fix(""));
                }
                if (cert.getNotAfter().toInstant().isBefore(Instant.now())) {
                    problems.add("the client certificate expired on " + cert.getNotAfter().toInstant());
                    fixes.add("renew it: sudo kube-metrics-appliance identity --renew --approve");
                }
            }
        }
        if (kc.tokenFile() != null) {
            credentials.add("bearer token file " + kc.tokenFile());
        } else if (kc.token() != null) {
            credentials.add("inline bearer token");
        }
        if (credentials.isEmpty()) {
            detail.append(", no credentials");
            problems.add("requests are anonymous");
            fixes.add("give the appliance its own client certificate: sudo kube-metrics-appliance identity --approve");
        } else {
            detail.append(", ").append(String.join(" and ", credentials));
        }
        if (kc.insecureSkipTlsVerify()) {
            problems.add("insecure-skip-tls-verify: kube-apiserver's certificate is not verified");
            fixes.add(FIX_INSECURE);
        }
        if (problems.isEmpty()) {
            return Finding.ok(KUBECONFIG, detail.toString());
        }
        return Finding.warn(KUBECONFIG, detail + "; " + String.join("; ", problems), String.join("; ", fixes));
    }

    /** The first certificate of the kubeconfig's client certificate, or null when it cannot be read here. */
    private static X509Certificate certificate(PemSource source) {
        try {
            String pem = source.text();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | java.security.cert.CertificateException | RuntimeException e) {
            return null;
        }
    }

    /** The subject's CN, the user name kube-apiserver takes from a client certificate; the whole DN without one. */
    static String commonName(X509Certificate cert) {
        return SubjectNames.commonName(cert).orElseGet(() -> cert.getSubjectX500Principal().getName());
    }
}
