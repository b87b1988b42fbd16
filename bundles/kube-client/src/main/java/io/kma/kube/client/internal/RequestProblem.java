package io.kma.kube.client.internal;

import static io.kma.kube.client.internal.FindingText.message;
import static io.kma.kube.client.internal.FindingText.seconds;
import static io.kma.kube.client.internal.FindingText.shorten;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * What went wrong talking to kube-apiserver, and the fix. Every check of {@link ApiServerDiagnosis} that sends a
 * request words a failure it has no more specific answer for this way.
 */
record RequestProblem(String detail, String fix) {

    static final String FIX_CA = "the kubeconfig's certificate-authority(-data) must be the CA that signed "
            + "kube-apiserver's serving certificate, on kubeadm /etc/kubernetes/pki/ca.crt";
    static final String FIX_CREDENTIAL = "kube-apiserver does not accept the kubeconfig's credential: the client "
            + "certificate must be signed by the cluster CA (sudo kube-metrics-appliance identity --approve obtains one "
            + "for " + ApiServerDiagnosis.USER + "), or the token must be valid";

    /**
     * The problem behind a failed request to {@code server}; {@code timeout} is the bound the request ran under,
     * named when it ran out.
     */
    static RequestProblem classify(IOException e, URI server, Duration timeout) {
        String reach = "is kube-apiserver running and reachable from this host at " + server
                + "? check the kubeconfig's server:";
        if (e instanceof ApiException a) {
            if (a.code() == 401) {
                return new RequestProblem(shorten(a.getMessage()), FIX_CREDENTIAL);
            }
            return new RequestProblem(shorten(a.getMessage()), "check kube-apiserver's log for this request, and "
                    + "that the kubeconfig's server: names kube-apiserver itself (not a proxy)");
        }
        // The specific causes first, anywhere in the chain: the SSLException that usually wraps them would
        // otherwise hide which side of the handshake failed.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return new RequestProblem("unknown host " + server.getHost(), reach);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                String m = message(t);
                if (t instanceof ConnectException && m.toLowerCase(Locale.ROOT).contains("connection refused")) {
                    return new RequestProblem("connection to " + server + " refused", reach);
                }
                return new RequestProblem("cannot connect to " + server + " (" + shorten(m) + ")", reach);
            }
            if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return new RequestProblem("no answer from " + server + " within " + seconds(timeout) + " s", reach);
            }
            if (t instanceof SSLPeerUnverifiedException) {
                return new RequestProblem("kube-apiserver's certificate does not name " + server.getHost() + " ("
                        + shorten(message(t)) + ")", "set the kubeconfig's server: to a name or IP that "
                        + "kube-apiserver's serving certificate holds, or set tls-server-name: kubernetes (a name "
                        + "kubeadm puts into it)");
            }
            if (t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof java.security.cert.CertPathBuilderException) {
                return new RequestProblem("kube-apiserver's certificate is not trusted (" + shorten(message(t)) + ")",
                        FIX_CA);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                String m = message(t);
                String lower = m.toLowerCase(Locale.ROOT);
                // An alert from kube-apiserver about our certificate (ours about its certificate is caught above).
                if (lower.contains("received fatal alert") && (lower.contains("certificate") || lower.contains("unknown_ca"))) {
                    return new RequestProblem("kube-apiserver rejected the client certificate in the TLS handshake ("
                            + shorten(m) + ")", FIX_CREDENTIAL);
                }
                return new RequestProblem("TLS handshake with " + server + " failed (" + shorten(m) + ")", FIX_CA);
            }
        }
        return new RequestProblem("request to " + server + " failed (" + shorten(message(e)) + ")", reach);
    }
}
