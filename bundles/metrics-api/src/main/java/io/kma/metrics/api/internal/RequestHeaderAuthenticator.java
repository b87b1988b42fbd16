package io.kma.metrics.api.internal;

import java.security.cert.X509Certificate;

import javax.net.ssl.X509ExtendedTrustManager;

import io.kma.api.auth.UserInfo;
import io.kma.api.tls.TlsException;

/**
 * The front proxy (kube-apiserver's aggregator): the identity headers count only on a connection whose client
 * certificate chains to the request-header CA and, when allowed names are configured, has one of them as its CN
 * (k8s.io/apiserver's headerrequest authenticator behind its x509 verifier). A certificate from another CA is not
 * this method's: the chain asks the next one.
 */
final class RequestHeaderAuthenticator implements RequestAuthenticator {

    static final String FRONT_PROXY_CA_MISSING = "front_proxy_ca_unavailable";
    static final String FRONT_PROXY_NAME = "front_proxy_name_not_allowed";
    static final String FRONT_PROXY_NO_USER = "front_proxy_no_user";

    private final AuthenticationTrust trust;

    RequestHeaderAuthenticator(AuthenticationTrust trust) {
        this.trust = trust;
    }

    @Override
    public Outcome authenticate(AuthRequest request) {
        X509Certificate[] chain = request.chain();
        if (chain == null) {
            return null;
        }
        X509ExtendedTrustManager requestHeaderTrust;
        try {
            requestHeaderTrust = trust.requestHeader(request.configMap());
        } catch (TlsException e) {
            return Outcome.failed("request-header CA unusable, front-proxy requests cannot be authenticated: "
                    + e.getMessage(), FRONT_PROXY_CA_MISSING);
        }
        if (requestHeaderTrust == null) {
            return Outcome.failed("no request-header CA configured (file empty, ConfigMap not read): front-proxy client "
                    + "certificate " + PeerCertificates.describe(chain[0]) + " not trusted", FRONT_PROXY_CA_MISSING);
        }
        if (!PeerCertificates.verifies(requestHeaderTrust, chain)) {
            return null;
        }
        IdentityHeaders.Claimed claimed = request.claimed();
        IdentityHeaders.Names names = claimed.names();
        String cn = PeerCertificates.commonName(chain[0]);
        if (!names.allowedNames().isEmpty() && !names.allowedNames().contains(cn)) {
            return Outcome.failed("front-proxy client certificate CN=" + LogText.quote(cn) + " not in allowed names "
                    + names.allowedNames(), FRONT_PROXY_NAME);
        }
        if (claimed.user() == null) {
            return Outcome.failed("front-proxy request with client certificate CN=" + LogText.quote(cn)
                    + " carries no user name header " + names.userHeaders(), FRONT_PROXY_NO_USER);
        }
        return Outcome.authenticated(new UserInfo(claimed.user(), "", claimed.groups(), claimed.extra()));
    }
}
