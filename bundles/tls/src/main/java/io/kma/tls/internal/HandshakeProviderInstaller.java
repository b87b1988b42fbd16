package io.kma.tls.internal;

import java.security.Provider;
import java.security.Security;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the handshake's narrow Bouncy Castle providers ({@link EcdsaVerifyProvider}, {@link X25519Provider}) first in
 * the JVM's provider list while the tls bundle is active and takes them out when it stops, so a bundle update
 * installs the new bundle's providers and the old class loader is not held by {@link Security}. A provider of the
 * same name already there (another copy, or left by a framework restart in the same JVM) is replaced, never doubled.
 */
@Component(immediate = true, service = {})
public final class HandshakeProviderInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeProviderInstaller.class);

    private List<Provider> installed = List.of();

    @Activate
    void activate() {
        // inserted at 1 each: the x25519 provider ends up first, the ECDSA one second, both before SunEC
        Provider ecdsa = install(new EcdsaVerifyProvider());
        try {
            installed = List.of(ecdsa, install(new X25519Provider()));
        } catch (RuntimeException | Error e) {
            // DS calls no deactivate after a failed activate: leave nothing of this bundle in the JVM's list
            uninstall(ecdsa);
            throw e;
        }
        // one line at start: a JVM-wide change an operator should be able to see
        LOG.info("TLS handshakes on Bouncy Castle for ECDSA signature verification (providers {} and {} first in the"
                + " JVM's list) and x25519; ECDSA signing and everything else stay with the JDK",
                EcdsaVerifyProvider.NAME, X25519Provider.NAME);
    }

    @Deactivate
    void deactivate() {
        installed.forEach(HandshakeProviderInstaller::uninstall);
        installed = List.of();
    }

    /** Installs the provider first in the list, replacing one of the same name; returns it. */
    static Provider install(Provider p) {
        Security.removeProvider(p.getName());
        Security.insertProviderAt(p, 1);
        return p;
    }

    /** Removes the given provider if it is still the one installed under its name. */
    static void uninstall(Provider p) {
        if (p != null && Security.getProvider(p.getName()) == p) {
            Security.removeProvider(p.getName());
        }
    }
}
