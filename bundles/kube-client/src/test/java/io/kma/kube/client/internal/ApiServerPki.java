package io.kma.kube.client.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.kma.testsupport.TestPki;
import io.kma.testsupport.TestPki.Issued;

/** A throw-away cluster CA with kube-apiserver's serving certificate (DNS names only, no IP) and a client certificate. */
record ApiServerPki(Issued ca, Issued server, Issued client) {

    static final String SERVER_NAME = "kubernetes.default.svc";

    static ApiServerPki create() {
        return create("CN=metrics-appliance,O=system:monitoring");
    }

    /** With a client certificate for {@code clientSubject}. */
    static ApiServerPki create(String clientSubject) {
        Issued ca = TestPki.ca("kma-test-ca");
        return new ApiServerPki(ca, TestPki.server(ca, "kube-apiserver", "dns:" + SERVER_NAME, "dns:localhost"),
                TestPki.client(ca, clientSubject));
    }

    /** Writes ca.crt, client.crt and client.key into {@code dir}. */
    void writeFiles(Path dir) throws Exception {
        Files.writeString(dir.resolve("ca.crt"), TestPki.pem(ca.cert()), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("client.crt"), TestPki.pem(client.cert()), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("client.key"), TestPki.pem(client.key()), StandardCharsets.US_ASCII);
    }
}
