package io.kma.shared.x509;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/**
 * The groups that make a client certificate a cluster administrator: {@code system:masters} (bypasses
 * authorization) and {@code kubeadm:cluster-admins} (kubeadm 1.29+, bound to cluster-admin). kubeadm issues
 * {@code apiserver-kubelet-client.crt} and {@code admin.conf} with one of them; the appliance must never run as one.
 */
public final class AdminGroups {

    /** The administrator groups, as the O values of a client certificate's subject. */
    public static final Set<String> GROUPS = Set.of("system:masters", "kubeadm:cluster-admins");

    private AdminGroups() {
    }

    /** The administrator groups among the certificate's O values; empty for a least-privilege certificate. */
    public static List<String> of(X509Certificate cert) {
        return SubjectNames.organizations(cert).stream().filter(GROUPS::contains).toList();
    }

    /** The doctor's fix for an administrator credential. */
    public static String fix(String where) {
        return "give the appliance its own least-privilege identity instead: sudo kube-metrics-appliance identity "
                + "--approve (writes /etc/kube-metrics-appliance/identity/kubeconfig), then use kubeconfig: "
                + "/etc/kube-metrics-appliance/identity/kubeconfig and kubelet.auth: kubeconfig" + where;
    }
}
