package io.kma.scraper.internal;

import java.util.LinkedHashSet;
import java.util.Set;

import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.shared.time.GoDurations;

/**
 * The advice texts of the doctor's kubelet checks that more than one place gives or that need the node or the
 * credentials to be worded: {@link KubeletDiagnosis} warns with {@link #INSECURE_FIX}, {@link KubeletProbe} ends
 * a failed node line with the others. A fix that only one step can give stays next to that step, where it reads
 * with the failure it answers.
 */
final class KubeletFixes {

    /** Followed by the credentials' {@code describe()}, which names the client certificate the CA has to sign. */
    static final String CLIENT_CA_FIX = "the kubelet's client CA (--client-ca-file / authentication.x509.clientCAFile)"
            + " must sign ";
    static final String TOKEN_FIX = "enable webhook token authentication on the kubelet"
            + " (authentication.webhook.enabled: true) and check the token";
    static final String RBAC_FIX = "grant the appliance's user get on nodes/metrics (ClusterRole"
            + " system:kube-metrics-appliance from kube-metrics-appliance manifests) and run the kubelet with"
            + " authorization.mode: Webhook";
    static final String INSECURE_DETAIL = "kubelet serving certificates are not verified (kubelet.insecureSkipTLSVerify)";
    static final String INSECURE_FIX = "set kubelet.certificateAuthority to the CA that signs the kubelets' serving"
            + " certificates (with serverTLSBootstrap: true in the kubelet configuration, the cluster CA"
            + " /etc/kubernetes/pki/ca.crt) and remove insecureSkipTLSVerify; kubeadm's default self-signed kubelet"
            + " certificates need no CA: without insecureSkipTLSVerify they are pinned on first contact"
            + " (kubelet.tlsVerification: caOrPin)";

    private KubeletFixes() {
    }

    static String nameResolutionFix(String host) {
        return host + " does not resolve on this host: put InternalIP first in kubelet.preferredAddressTypes (the"
                + " default order starts with Hostname), or map node names with kubelet.addressResolver: hosts — no need"
                + " to edit CoreDNS or /etc/hosts";
    }

    static String tcpFix(KubeletEndpoint endpoint) {
        return "nothing accepts TCP connections at " + endpoint.authority() + " from this host: check that the kubelet"
                + " runs and that a firewall allows TCP " + endpoint.port() + " from the control-plane hosts"
                + " (kubelet.port, kubelet.useNodeStatusPort)";
    }

    static String timeoutFix(long timeoutMillis) {
        return "the kubelet did not answer within kubelet.requestTimeout (" + GoDurations.ofMillis(timeoutMillis)
                + "): check the kubelet's health and the node's load, or raise kubelet.requestTimeout";
    }

    static String authenticationFix(KubeletCredentials c) {
        boolean cert = c.keyManager().isPresent();
        boolean token = c.bearerToken().isPresent();
        if (cert && token) {
            return CLIENT_CA_FIX + c.describe() + "; or " + TOKEN_FIX;
        }
        if (token) {
            return TOKEN_FIX;
        }
        if (cert) {
            return CLIENT_CA_FIX + c.describe();
        }
        return "configure kubelet.auth with a client certificate (x509) or a token (token)";
    }

    static String noAddressFix(NodeInfo node) {
        Set<String> types = new LinkedHashSet<>();
        for (NodeAddress a : node.addresses()) {
            if (a != null && a.type() != null && a.address() != null && !a.address().isBlank()) {
                types.add(a.type());
            }
        }
        if (types.isEmpty()) {
            return "the node publishes no address (status.addresses is empty): use kubelet.addressResolver: hosts with"
                    + " kubelet.hosts: [\"" + node.name() + "=<address>\"]";
        }
        return "the node has none of the address types in kubelet.preferredAddressTypes (it has " + String.join(", ", types)
                + "): add one of them, or use kubelet.addressResolver: hosts";
    }

    /** The node's status.addresses as the address step's detail lists them, when no candidate came of them. */
    static String describeAddresses(NodeInfo node) {
        if (node.addresses().isEmpty()) {
            return "no address";
        }
        StringBuilder sb = new StringBuilder();
        for (NodeAddress a : node.addresses()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(a.type()).append(' ').append(a.address());
        }
        return sb.toString();
    }

    /** The pinning part of the settings line: where pins live and how many there are, or that there are none. */
    static String pinState(KubeletPins pins) {
        if (pins == null) {
            return "; self-signed kubelet certificates are refused (kubelet.tlsVerification: ca)";
        }
        return "; self-signed kubelet certificates pinned in " + pins.directory() + " (" + pins.pinFiles()
                + " nodes pinned; a node's pin is removed with: rm " + pins.directory() + "/<node>.pin)";
    }
}
