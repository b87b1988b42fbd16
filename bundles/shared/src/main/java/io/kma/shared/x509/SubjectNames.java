package io.kma.shared.x509;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The attribute values of a certificate subject as Kubernetes reads them: the CN is the user name, the O values are
 * the groups (k8s.io/apiserver's x509 authenticator, Go's {@code pkix.Name}).
 */
public final class SubjectNames {

    private SubjectNames() {
    }

    /**
     * Go's {@code Subject.CommonName}: the last CN in the certificate's encoding order (the most specific one);
     * empty when the subject has none.
     */
    public static Optional<String> commonName(X509Certificate cert) {
        List<String> cns = values(cert, "CN");
        return cns.isEmpty() ? Optional.empty() : Optional.of(cns.get(cns.size() - 1));
    }

    /**
     * The CN of a name that is one CN and nothing else (e.g. {@code CN=system:kube-metrics-appliance}); empty for any
     * other name.
     */
    public static Optional<String> soleCommonName(X500Principal name) {
        try {
            List<Rdn> rdns = new LdapName(name.getName(X500Principal.RFC2253)).getRdns();
            if (rdns.size() == 1 && rdns.get(0).size() == 1 && "CN".equalsIgnoreCase(rdns.get(0).getType())) {
                return Optional.of(String.valueOf(rdns.get(0).getValue()));
            }
        } catch (InvalidNameException e) {
            // not a name
        }
        return Optional.empty();
    }

    /** The O values, in the certificate's encoding order: the groups, in the order Go reports them. */
    public static List<String> organizations(X509Certificate cert) {
        return values(cert, "O");
    }

    /** The values of one attribute type (e.g. {@code CN}, {@code O}) in the certificate's encoding order. */
    public static List<String> values(X509Certificate cert, String type) {
        return values(cert.getSubjectX500Principal().getName(X500Principal.RFC2253), type);
    }

    /**
     * The values of one attribute type of an RFC 2253 name, in encoding order (the reverse of the text's order);
     * empty when the text is not a name.
     */
    public static List<String> values(String rfc2253, String type) {
        List<String> out = new ArrayList<>();
        try {
            // LdapName indexes its RDNs from the right of the text, which is the certificate's encoding order.
            for (Rdn rdn : new LdapName(rfc2253).getRdns()) {
                if (type.equalsIgnoreCase(rdn.getType())) {
                    out.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException | IllegalArgumentException e) {
            // not a name: no values
        }
        return out;
    }
}
