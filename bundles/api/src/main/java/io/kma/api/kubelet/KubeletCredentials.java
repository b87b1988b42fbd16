package io.kma.api.kubelet;

import java.util.Optional;

import javax.net.ssl.X509KeyManager;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * How the appliance authenticates to kubelets: a TLS client certificate, a bearer token, or both.
 * Implementations are registered with the service property {@link AddressResolver#STRATEGY}
 * ({@code x509}, {@code token}) and selected by configuration ({@code kubelet.auth}). Implementations
 * pick up rotated files themselves: the key manager returned must serve the current certificate, and
 * {@link #bearerToken()} the current token.
 */
@ConsumerType
public interface KubeletCredentials {

    /** Client certificate and key to present, if any. */
    Optional<X509KeyManager> keyManager();

    /** Bearer token to send, if any. Never log it. */
    Optional<String> bearerToken();

    /**
     * What is presented, for log lines that must say which credential a kubelet refused, e.g.
     * {@code client certificate /etc/kubernetes/pki/apiserver-kubelet-client.crt (CN=kube-apiserver-kubelet-client)}
     * or {@code bearer token from /etc/kma/token}. Never contains secret material.
     */
    String describe();
}
