package io.kma.kube.client.internal;

import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;

import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.kma.shared.x509.TrustAllManager;

/** Builds the TLS side of the connection to kube-apiserver from a kubeconfig. */
final class ApiTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ApiTls() {
    }

    /**
     * @return the strategy that upgrades sockets: trusts the kubeconfig's CA (or the JVM's CAs), presents
     *         its client certificate, and verifies the server against {@code tls-server-name} when set
     */
    static TlsSocketStrategy socketStrategy(Kubeconfig kc, TlsMaterials tls) throws KubeconfigException {
        boolean needsTls = kc.clientCertificate() != null
                || kc.certificateAuthority() != null && !kc.insecureSkipTlsVerify();
        if (needsTls && tls == null) {
            throw new KubeconfigException(kc.path() + ": cannot read its certificates: the TlsMaterials service "
                    + "(bundle io.kma.tls) is not available", true);
        }
        try {
            KeyManager[] km = kc.clientCertificate() == null ? null
                    : new KeyManager[] {clientKeyManager(kc, tls)};
            TrustManager[] tm;
            if (kc.insecureSkipTlsVerify()) {
                tm = new TrustManager[] {new TrustAllManager()}; // insecure-skip-tls-verify
            } else if (kc.certificateAuthority() != null) {
                PemSource ca = kc.certificateAuthority();
                tm = new TrustManager[] {ca.isFile() ? tls.trustManager(ca.file())
                        : tls.trustManager(ca.pem(), kc.path() + ": " + ca.field())};
            } else {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init((KeyStore) null);
                tm = tmf.getTrustManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(km, tm, null);
            DefaultClientTlsStrategy strategy = kc.insecureSkipTlsVerify()
                    ? new DefaultClientTlsStrategy(ctx, PROTOCOLS, null, SSLBufferMode.STATIC,
                            HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE)
                    : new DefaultClientTlsStrategy(ctx, PROTOCOLS, null, SSLBufferMode.STATIC,
                            HostnameVerificationPolicy.BOTH, null);
            String serverName = kc.tlsServerName();
            if (serverName == null) {
                return strategy;
            }
            // The target name drives both SNI and hostname verification, so naming it is all
            // tls-server-name needs.
            return (socket, target, port, attachment, context) -> strategy.upgrade(socket, serverName, port,
                    attachment, context);
        } catch (TlsException e) {
            throw new KubeconfigException(e.getMessage());
        } catch (java.io.IOException e) {
            throw new KubeconfigException(kc.path() + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new KubeconfigException(kc.path() + ": TLS setup failed: " + e.getMessage());
        }
    }

    /**
     * The key manager presenting the kubeconfig's client certificate; files are watched by the tls bundle,
     * inline data is fixed. The caller checks that the kubeconfig has a client certificate.
     */
    static X509KeyManager clientKeyManager(Kubeconfig kc, TlsMaterials tls) throws TlsException, java.io.IOException {
        PemSource cert = kc.clientCertificate();
        PemSource key = kc.clientKey();
        if (cert.isFile() && key.isFile()) {
            return tls.keyManager(cert.file(), key.file());
        }
        return tls.keyManager(cert.text(), key.text(), kc.path() + ": " + (cert.isFile() ? key.field() : cert.field()));
    }
}
