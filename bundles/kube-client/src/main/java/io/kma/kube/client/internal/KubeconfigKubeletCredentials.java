package io.kma.kube.client.internal;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.X509KeyManager;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;

/**
 * The {@code kubeconfig} credentials strategy (the default {@code kubelet.auth}): kubelets get the same client
 * certificate or token as kube-apiserver, the appliance's own {@code system:kube-metrics-appliance} identity. The
 * cluster CA signed it, and kubeadm's kubelets trust that CA for clients, so one least-privilege identity serves
 * both. Follows the kubeconfig {@link ApiConnection} loaded, and the certificate files it names when they rotate.
 */
@Component(service = KubeletCredentials.class, property = AddressResolver.STRATEGY + "=kubeconfig")
public final class KubeconfigKubeletCredentials implements KubeletCredentials {

    private final ApiConnection connection;
    private final TlsMaterials tls;
    private volatile Loaded loaded;

    @Activate
    public KubeconfigKubeletCredentials(@Reference ApiConnection connection, @Reference TlsMaterials tls) {
        this.connection = connection;
        this.tls = tls;
    }

    /** What one kubeconfig offers; {@code keyManager} null when it has no (usable) client certificate. */
    private record Loaded(Kubeconfig kubeconfig, X509KeyManager keyManager, BearerToken token, String description) {
    }

    private Loaded current() {
        ApiClient client = connection.client();
        if (client == null) {
            return null;
        }
        Kubeconfig kc = client.kubeconfig();
        Loaded l = loaded;
        if (l == null || !l.kubeconfig().equals(kc)) {
            l = load(kc);
            loaded = l;
        }
        return l;
    }

    private Loaded load(Kubeconfig kc) {
        BearerToken token = kc.token() != null || kc.tokenFile() != null ? new BearerToken(kc.token(), kc.tokenFile()) : null;
        String tokenText = kc.tokenFile() != null ? "bearer token from " + kc.tokenFile()
                : kc.token() != null ? "bearer token of kubeconfig " + kc.path() : null;
        PemSource cert = kc.clientCertificate();
        if (cert == null) {
            return new Loaded(kc, null, token, tokenText == null ? "no credentials in kubeconfig " + kc.path() : tokenText);
        }
        String where = cert.describe(kc.path());
        try {
            X509KeyManager km = ApiTls.clientKeyManager(kc, tls);
            List<X509Certificate> chain = cert.isFile() ? tls.readCertificates(cert.file())
                    : tls.parseCertificates(cert.pem(), where);
            String text = "client certificate " + where + " (" + chain.get(0).getSubjectX500Principal().getName()
                    + ") of kubeconfig " + kc.path();
            return new Loaded(kc, km, token, tokenText == null ? text : text + " and " + tokenText);
        } catch (TlsException | IOException | IndexOutOfBoundsException e) {
            return new Loaded(kc, null, token, "client certificate " + where + " of kubeconfig " + kc.path()
                    + " (unusable: " + e.getMessage() + ")");
        }
    }

    @Override
    public Optional<X509KeyManager> keyManager() {
        Loaded l = current();
        return l == null ? Optional.empty() : Optional.ofNullable(l.keyManager());
    }

    @Override
    public Optional<String> bearerToken() {
        Loaded l = current();
        if (l == null || l.token() == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(l.token().current());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public String describe() {
        Loaded l = current();
        if (l == null) {
            String error = connection.error();
            return "the credentials of kubeconfig " + connection.configuredPath() + " (not loaded"
                    + (error == null ? "" : ": " + error) + ")";
        }
        return l.description();
    }
}
