package io.kma.api.doctor;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

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
        List<String> found = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                String value = String.valueOf(rdn.getValue());
                if ("O".equalsIgnoreCase(rdn.getType()) && GROUPS.contains(value)) {
                    found.add(value);
                }
            }
        } catch (InvalidNameException e) {
            // a subject the JDK printed is a valid name
        }
        return found;
    }

    /** The doctor's fix for an administrator credential. */
    public static String fix(String where) {
        return "give the appliance its own least-privilege identity instead: sudo kube-metrics-appliance identity "
                + "--approve (writes /etc/kube-metrics-appliance/identity/kubeconfig), then use kubeconfig: "
                + "/etc/kube-metrics-appliance/identity/kubeconfig and kubelet.auth: kubeconfig" + where;
    }
}
