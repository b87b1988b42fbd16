package io.kma.tls.internal;

import java.security.Provider;
import java.security.Security;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@link EcdsaVerifyProvider} first in the JVM's provider list while the tls bundle is active and takes
 * it out when it stops, so a bundle update installs the new bundle's provider and the old class loader is
 * not held by {@link Security}. A provider of that name already there (another copy, or left by a framework
 * restart in the same JVM) is replaced, never doubled.
 */
@Component(immediate = true, service = {})
public final class EcdsaVerifyInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(EcdsaVerifyInstaller.class);

    private Provider installed;

    @Activate
    void activate() {
        installed = install();
        // one line at start: a JVM-wide change an operator should be able to see
        LOG.info("ECDSA signature verification (TLS handshakes, certificate chains) on Bouncy Castle: provider {} first"
                + " in the JVM's list; signing stays with the JDK", EcdsaVerifyProvider.NAME);
    }

    @Deactivate
    void deactivate() {
        uninstall(installed);
        installed = null;
    }

    /** Installs a new provider first in the list, replacing one of the same name; returns it. */
    static Provider install() {
        Provider p = new EcdsaVerifyProvider();
        Security.removeProvider(EcdsaVerifyProvider.NAME);
        Security.insertProviderAt(p, 1);
        return p;
    }

    /** Removes the given provider if it is still the one installed under its name. */
    static void uninstall(Provider p) {
        if (p != null && Security.getProvider(EcdsaVerifyProvider.NAME) == p) {
            Security.removeProvider(EcdsaVerifyProvider.NAME);
        }
    }
}
