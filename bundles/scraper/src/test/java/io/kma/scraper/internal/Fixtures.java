package io.kma.scraper.internal;

import java.nio.file.Path;
import java.util.Optional;

import javax.net.ssl.X509KeyManager;

import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.tls.TlsMaterials;
import io.kma.testsupport.JdkTlsMaterials;
import io.kma.testsupport.TestPki.Issued;

/** What the scraper gets from other bundles in production, for its tests: the kubelet CA file and credentials. */
final class Fixtures {

    /** Where the tests' settings say the kubelet CA is (kubeadm's path, which the findings name). */
    static final Path KUBELET_CA = Path.of("/etc/kubernetes/pki/ca.crt");

    private Fixtures() {
    }

    /** TlsMaterials that read {@code ca} as the file at {@link #KUBELET_CA}. */
    static TlsMaterials kubeletCaFile(Issued ca) {
        return new JdkTlsMaterials().withFile(KUBELET_CA, ca.certPem());
    }

    /** Client-certificate credentials (optionally with a token), as kubelet-auth-x509 would provide. */
    static KubeletCredentials credentials(X509KeyManager km, String token, String description) {
        return new KubeletCredentials() {
            @Override
            public Optional<X509KeyManager> keyManager() {
                return Optional.ofNullable(km);
            }

            @Override
            public Optional<String> bearerToken() {
                return Optional.ofNullable(token);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }
}
