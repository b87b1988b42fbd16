package io.kma.metrics.api.internal;

import java.security.cert.X509Certificate;
import java.util.Map;

import javax.net.ssl.X509ExtendedTrustManager;

import io.kma.api.auth.UserInfo;

/**
 * A client certificate from the cluster's client CA (the ConfigMap's client-ca-file): the user is its CN, the groups
 * its O values, as k8s.io/apiserver's x509 authenticator with CommonNameUserConversion.
 */
final class ClientCertificateAuthenticator implements RequestAuthenticator {

    static final String CERTIFICATE_UNTRUSTED = "client_certificate_untrusted";

    private final AuthenticationTrust trust;

    ClientCertificateAuthenticator(AuthenticationTrust trust) {
        this.trust = trust;
    }

    @Override
    public Outcome authenticate(AuthRequest request) {
        X509Certificate[] chain = request.chain();
        if (chain == null) {
            return null;
        }
        X509ExtendedTrustManager clientTrust = trust.clientCa(request.configMap());
        if (clientTrust != null && PeerCertificates.verifies(clientTrust, chain)) {
            return Outcome.authenticated(new UserInfo(PeerCertificates.commonName(chain[0]), "",
                    PeerCertificates.organizations(chain[0]), Map.of()));
        }
        // Said only when the request-header method had nothing to say about this certificate.
        return Outcome.failedUnlessExplained("client certificate " + PeerCertificates.describe(chain[0])
                + " chains neither to the request-header CA nor to the client CA", CERTIFICATE_UNTRUSTED);
    }
}
