package io.kma.scraper.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.apache.hc.client5.http.ssl.HttpClientHostnameVerifier;

import io.kma.shared.x509.SubjectNames;

/**
 * Verifies a kubelet's serving certificate names against the node being scraped, not only against
 * the dialled address. Kubelet certificates (self-signed or from the kubelet-serving signer) usually
 * name the node and its hostname but often carry no IP SAN, which makes upstream fail with
 * "x509: cannot validate certificate for IP because it doesn't contain any IP SANs" when it dials
 * InternalIP. Here, at the handshake, a certificate is accepted when its SANs (DNS or IP; CN only when
 * there are none) name the dialled address, or the name or a Hostname address of a node dialled there.
 * Connections are pooled per host and port, so which of those nodes the certificate must name is
 * checked per request by {@link KubeletIdentityCheck}, with the names from {@link #identity}. Chain
 * validation is untouched: it is done by the trust manager before this runs.
 *
 * <p>The scraper registers, before each tick, which node names each dialled host stands for.
 */
final class NodeNameVerifier implements HttpClientHostnameVerifier {

    /** Why a certificate was refused, in the words of the node's failure line. */
    static final class NameMismatchException extends SSLPeerUnverifiedException {
        private static final long serialVersionUID = 1L;

        NameMismatchException(String message) {
            super(message);
        }
    }

    enum Kind { DNS, IP, CN }

    /** A name a certificate carries. An IP matches iPAddress SANs (or a legacy CN), never a DNS SAN. */
    record CertName(String value, Kind kind) {
        @Override
        public String toString() {
            return value;
        }
    }

    /** Who a dialled host is expected to be. */
    record Expected(String node, Set<String> names) {
    }

    /**
     * The names of the nodes dialled at one host, indexed: kubelets sharing an address (one per port behind
     * NAT, or the scale benchmark's 5,000 kubelets on 127.0.0.1) made each handshake walk every node's names.
     *
     * @param dns  names that are not IP literals, lower case, without a trailing dot
     * @param ips  names that are IP literals, matched as before
     */
    private record HostNames(Set<String> dns, List<String> ips) {
    }

    /** How many expected names a mismatch message lists. */
    static final int MAX_NAMES_SHOWN = 8;

    private volatile Map<String, List<Expected>> byHost = Map.of();
    private volatile Map<String, HostNames> namesByHost = Map.of();

    /** Replaces the expectations: dialled host (lower case) → nodes dialled there. */
    void expect(Map<String, List<Expected>> hostToNodes) {
        Map<String, HostNames> index = new HashMap<>(hostToNodes.size() * 2);
        for (Map.Entry<String, List<Expected>> e : hostToNodes.entrySet()) {
            Set<String> dns = new HashSet<>();
            List<String> ips = new ArrayList<>(0);
            for (Expected x : e.getValue()) {
                for (String name : x.names()) {
                    if (isIpLiteral(name)) {
                        ips.add(name);
                    } else {
                        dns.add(normalized(name));
                    }
                }
            }
            index.put(e.getKey(), new HostNames(dns, ips));
        }
        byHost = new ConcurrentHashMap<>(hostToNodes);
        namesByHost = index;
    }

    /**
     * The names the certificate of {@code node}'s kubelet must carry when dialled at {@code host}: the node's name
     * and Hostname addresses, and the dialled host when no other node is dialled there.
     */
    KubeletIdentityCheck.Identity identity(io.kma.api.cluster.NodeInfo node, String host) {
        Set<String> names = new LinkedHashSet<>();
        names.add(node.name());
        for (io.kma.api.cluster.NodeAddress a : node.addresses()) {
            if ("Hostname".equals(a.type())) {
                names.add(a.address().toLowerCase(Locale.ROOT));
            }
        }
        List<Expected> there = byHost.getOrDefault(host.toLowerCase(Locale.ROOT), List.of());
        if (there.stream().allMatch(e -> e.node().equals(node.name()))) {
            names.add(host);
        }
        return new KubeletIdentityCheck.Identity(node.name(), java.util.Collections.unmodifiableSet(names));
    }

    @Override
    public boolean verify(String host, SSLSession session) {
        try {
            verify(host, (X509Certificate) session.getPeerCertificates()[0]);
            return true;
        } catch (SSLException | ClassCastException e) {
            return false;
        }
    }

    @Override
    public void verify(String host, X509Certificate cert) throws SSLException {
        List<CertName> certNames = certificateNames(cert);
        if (matchesAny(certNames, host)) {
            return;
        }
        HostNames expected = namesByHost.get(host.toLowerCase(Locale.ROOT));
        if (expected != null && namesAny(certNames, expected)) {
            return;
        }
        List<Expected> nodes = byHost.getOrDefault(host.toLowerCase(Locale.ROOT), List.of());
        StringBuilder msg = new StringBuilder("certificate names ").append(certNames).append(" match neither ").append(host);
        Set<String> shown = new LinkedHashSet<>();
        for (Expected e : nodes) {
            shown.add("node " + e.node());
            for (String n : e.names()) {
                if (!n.equals(e.node()) && !n.equalsIgnoreCase(host)) {
                    shown.add("hostname " + n);
                }
            }
        }
        int listed = 0;
        for (String s : shown) {
            if (listed++ == MAX_NAMES_SHOWN) {
                // kubelets sharing an address: thousands of names would make each failure line hundreds of KiB
                msg.append(" nor ").append(shown.size() - MAX_NAMES_SHOWN).append(" more names of nodes dialled there");
                break;
            }
            msg.append(" nor ").append(s);
        }
        throw new NameMismatchException(msg.toString());
    }

    /** Whether a certificate name matches one of the names expected at a host, as {@link #matchesAny} would. */
    private static boolean namesAny(List<CertName> certNames, HostNames expected) {
        for (CertName n : certNames) {
            if (n.kind() == Kind.IP) {
                continue;
            }
            String p = normalized(n.value());
            if (p.startsWith("*.") && p.indexOf('.', 2) > 0) {
                // a wildcard: rare for kubelets, so the walk over the names stays
                for (String name : expected.dns()) {
                    if (dnsMatches(p, name)) {
                        return true;
                    }
                }
            } else if (expected.dns().contains(p)) {
                return true;
            }
        }
        for (String ip : expected.ips()) {
            if (matchesAny(certNames, ip)) {
                return true;
            }
        }
        return false;
    }

    private static String normalized(String dnsName) {
        String n = dnsName.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** DNS and IP SANs; the subject CN only when the certificate has neither (RFC 6125 §6.4.4). */
    static List<CertName> certificateNames(X509Certificate cert) {
        List<CertName> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    Object type = san.get(0);
                    if (type instanceof Integer && ((Integer) type == 2 || (Integer) type == 7)) {
                        names.add(new CertName(String.valueOf(san.get(1)), (Integer) type == 7 ? Kind.IP : Kind.DNS));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // unreadable SANs count as none; the CN fallback below still applies
        }
        if (names.isEmpty()) {
            for (String cn : SubjectNames.values(cert, "CN")) {
                names.add(new CertName(cn, Kind.CN));
            }
        }
        return names;
    }

    /** The subject's (last) CN, or null. */
    static String commonName(X509Certificate cert) {
        return SubjectNames.commonName(cert).orElse(null);
    }

    static boolean matchesAny(List<CertName> certNames, String wanted) {
        boolean wantedIsIp = isIpLiteral(wanted);
        for (CertName n : certNames) {
            if (wantedIsIp) {
                if (n.kind() != Kind.DNS && isIpLiteral(n.value()) && sameIp(n.value(), wanted)) {
                    return true;
                }
            } else if (n.kind() != Kind.IP && dnsMatches(n.value(), wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatches(String pattern, String name) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.equals(n)) {
            return true;
        }
        // one wildcard, whole leftmost label only, never matching across dots
        if (p.startsWith("*.") && p.indexOf('.', 2) > 0) {
            int dot = n.indexOf('.');
            return dot > 0 && n.substring(dot).equals(p.substring(1));
        }
        return false;
    }

    static boolean isIpLiteral(String s) {
        if (s.indexOf(':') >= 0) {
            return true;
        }
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    private static boolean sameIp(String a, String b) {
        try {
            // literals only (checked by the caller), so no name lookup happens here
            return InetAddress.getByName(strip(a)).equals(InetAddress.getByName(strip(b)));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String strip(String s) {
        return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    }
}
