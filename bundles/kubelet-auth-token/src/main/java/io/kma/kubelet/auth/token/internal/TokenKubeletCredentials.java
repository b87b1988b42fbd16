package io.kma.kubelet.auth.token.internal;

import java.nio.file.Path;
import java.util.Optional;

import javax.net.ssl.X509KeyManager;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.config.Pids;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletCredentials;

/** The {@code token} credentials strategy: a bearer token from a file, re-read when it is rotated. */
@Component(service = KubeletCredentials.class, configurationPid = Pids.KUBELET_AUTH_TOKEN,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = AddressResolver.STRATEGY + "=token")
@Designate(ocd = TokenConfiguration.class)
public final class TokenKubeletCredentials implements KubeletCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(TokenKubeletCredentials.class);

    /** Null when no file is configured. */
    private volatile TokenFile file;

    @Activate
    void activate(TokenConfiguration config) {
        apply(config.tokenFile());
    }

    @Modified
    void modified(TokenConfiguration config) {
        TokenFile current = file;
        String configured = config.tokenFile() == null ? "" : config.tokenFile().trim();
        if (current == null ? !configured.isEmpty() : !current.path().toString().equals(configured)) {
            apply(configured);
        }
    }

    void apply(String tokenFile) {
        String p = tokenFile == null ? "" : tokenFile.trim();
        if (p.isEmpty()) {
            file = null;
            LOG.warn("kubelet.tokenFile is not set: kubelets are called without a bearer token");
            return;
        }
        file = new TokenFile(Path.of(p), System::nanoTime);
    }

    /** For tests: a token file read with the given clock. */
    void use(TokenFile tokenFile) {
        file = tokenFile;
    }

    @Override
    public Optional<X509KeyManager> keyManager() {
        return Optional.empty();
    }

    @Override
    public Optional<String> bearerToken() {
        TokenFile f = file;
        return f == null ? Optional.empty() : f.token();
    }

    @Override
    public String describe() {
        TokenFile f = file;
        if (f == null) {
            return "bearer token (kubelet.tokenFile not set)";
        }
        f.token(); // refreshes the state when due, so the description is current
        String problem = f.problem();
        return problem == null ? "bearer token from " + f.path() : "bearer token from " + f.path() + " (unreadable: " + problem + ")";
    }
}
