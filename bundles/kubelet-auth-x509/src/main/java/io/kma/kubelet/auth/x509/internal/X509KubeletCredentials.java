package io.kma.kubelet.auth.x509.internal;

import java.nio.file.Path;
import java.util.Optional;

import javax.net.ssl.X509KeyManager;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import io.kma.api.config.Pids;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.tls.TlsMaterials;

/**
 * The {@code x509} credentials strategy: the client certificate kube-apiserver itself uses for
 * kubelets (kubeadm's apiserver-kubelet-client). Activates even when the files are missing, so that
 * the scraper and {@code doctor} can say which file is wrong, and picks them up when they appear.
 */
@Component(service = KubeletCredentials.class, configurationPid = Pids.KUBELET_AUTH_X509,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = AddressResolver.STRATEGY + "=x509")
@Designate(ocd = X509Configuration.class)
public final class X509KubeletCredentials implements KubeletCredentials {

    /** Infrastructure: static and mandatory. */
    @Reference
    TlsMaterials tls;

    private volatile ClientCertificate certificate;

    @Activate
    void activate(X509Configuration config) {
        certificate = load(config);
    }

    /** New paths take effect at once; unchanged paths keep the loaded key manager. */
    @Modified
    void modified(X509Configuration config) {
        ClientCertificate current = certificate;
        if (current == null || !current.certificate().equals(Path.of(config.clientCertificate().trim()))
                || !current.key().equals(Path.of(config.clientKey().trim()))) {
            certificate = load(config);
        }
    }

    private ClientCertificate load(X509Configuration config) {
        return new ClientCertificate(tls, Path.of(config.clientCertificate().trim()), Path.of(config.clientKey().trim()),
                System::nanoTime);
    }

    @Override
    public Optional<X509KeyManager> keyManager() {
        return certificate.keyManager();
    }

    @Override
    public Optional<String> bearerToken() {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return certificate.describe();
    }
}
