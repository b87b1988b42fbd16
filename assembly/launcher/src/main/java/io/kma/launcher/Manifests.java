package io.kma.launcher;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code manifests}: the Kubernetes objects that register the appliance with kube-apiserver's aggregation layer (no
 * cluster needed): APIService, a selectorless Service, the RBAC for the appliance's user (self-registration included)
 * and for readers; with {@code --advertise-address}, static Endpoints (what kube-apiserver 1.33 and older read) and
 * EndpointSlices listing the control-plane hosts, for installs with {@code registration.enabled: false}.
 */
final class Manifests {

    static final String USER = "system:kube-metrics-appliance";
    static final String NAMESPACE = "kube-system";
    static final String SERVICE = "metrics-server";
    static final String SERVICE_DNS = SERVICE + "." + NAMESPACE + ".svc";

    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private Manifests() {
    }

    /** One address to list, with its family. */
    record Address(String ip, boolean v6) {
    }

    static Map<String, String> defaults() {
        return Map.of("--advertise-address", "", "--port", "4443", "--ca-bundle", "", "--hosts", "");
    }

    /** Returns the exit code: 0 printed, 1 the CA bundle cannot be read, 2 usage error. */
    static int run(Map<String, String> options, java.io.PrintStream out) throws Options.UsageException, IOException {
        String given = options.get("--advertise-address");
        List<Address> addresses = given.isEmpty() ? List.of() : addresses(given);
        List<String> hosts = hosts(options.get("--hosts"));
        if (hosts.isEmpty() && addresses.isEmpty()) {
            // without the names the Role would cover every Lease and EndpointSlice in kube-system: kube-controller-manager's
            // and kube-scheduler's leader election, kube-apiserver's identity Leases, kube-dns's EndpointSlices
            throw new Options.UsageException("--hosts NAME,... is required: the self-registration Role grants get, update "
                    + "and delete only on the Leases and EndpointSlices of the named control-plane hosts (each host's name as "
                    + "doctor prints it on its registration line); without it the Role would cover every Lease and "
                    + "EndpointSlice in kube-system. For a static install (registration.enabled: false) give "
                    + "--advertise-address IP,... instead");
        }
        int port = Options.positiveInt(options, "--port", 65535);
        String caBundle = null;
        if (!options.get("--ca-bundle").isEmpty()) {
            caBundle = caBundle(Path.of(options.get("--ca-bundle")));
        }
        out.print(yaml(addresses, port, caBundle, hosts));
        out.flush();
        return 0;
    }

    static List<Address> addresses(String list) throws Options.UsageException {
        Set<String> seen = new LinkedHashSet<>();
        List<Address> addresses = new ArrayList<>();
        for (String raw : list.split(",", -1)) {
            String ip = raw.trim();
            if (ip.isEmpty()) {
                throw new Options.UsageException("--advertise-address: empty address in \"" + list + "\"");
            }
            boolean v4 = IPV4.matcher(ip).matches();
            if (!v4 && !(IPV6.matcher(ip).matches() && ip.chars().filter(c -> c == ':').count() >= 2)) {
                throw new Options.UsageException("--advertise-address: \"" + ip + "\" is not an IP address (Endpoints take "
                        + "IP addresses only, e.g. 192.0.2.10 or 2001:db8::10)");
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(ip); // a literal: no name lookup
            } catch (UnknownHostException e) {
                throw new Options.UsageException("--advertise-address: \"" + ip + "\" is not an IP address");
            }
            String refused = address.isLoopbackAddress() ? "a loopback address"
                    : address.isAnyLocalAddress() ? "the unspecified address"
                    : address.isLinkLocalAddress() ? "a link-local address"
                    : address.isMulticastAddress() ? "a multicast address" : null;
            if (refused != null) {
                throw new Options.UsageException("--advertise-address: " + ip + " is " + refused
                        + ", which kube-apiserver refuses in Endpoints and EndpointSlices; give each control-plane host's "
                        + "own address that kube-apiserver can reach (e.g. its InternalIP)");
            }
            if (!seen.add(address.getHostAddress())) {
                throw new Options.UsageException("--advertise-address: " + ip + " is given twice");
            }
            addresses.add(new Address(ip, address instanceof Inet6Address && !(address instanceof Inet4Address)));
        }
        return addresses;
    }

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** 63 minus the longer object-name prefix, {@code kube-metrics-appliance-}. */
    static final int MAX_HOST = 63 - "kube-metrics-appliance-".length();

    /** {@code --hosts}: the control-plane hosts' names as the appliance names its Lease and EndpointSlice. */
    static List<String> hosts(String list) throws Options.UsageException {
        List<String> hosts = new ArrayList<>();
        if (list.isEmpty()) {
            return hosts;
        }
        for (String raw : list.split(",", -1)) {
            String h = raw.trim();
            if (!DNS_LABEL.matcher(h).matches() || h.length() > MAX_HOST) {
                throw new Options.UsageException("--hosts: \"" + h + "\" is not a host name as the appliance writes it: "
                        + "the first label of the host name, lower case, [a-z0-9-], at most " + MAX_HOST
                        + " characters (doctor prints this host's on its registration line)");
            }
            if (hosts.contains(h)) {
                throw new Options.UsageException("--hosts: " + h + " is given twice");
            }
            hosts.add(h);
        }
        return hosts;
    }

    static String caBundle(Path file) throws IOException {
        byte[] pem;
        try {
            pem = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("--ca-bundle " + file + ": cannot read: "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : Problems.describe(e)));
        }
        if (!new String(pem, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new IOException("--ca-bundle " + file + ": not a PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return Base64.getEncoder().encodeToString(pem);
    }

    static String yaml(List<Address> addresses, int port, String caBundle, List<String> hosts) {
        String ips = addresses.isEmpty() ? "<this host's address>" : String.join(",", addresses.stream().map(Address::ip).toList());
        String invocation = (addresses.isEmpty() ? "" : " --advertise-address " + ips) + " --port " + port
                + (hosts.isEmpty() ? "" : " --hosts " + String.join(",", hosts));
        StringBuilder y = new StringBuilder();
        y.append("""
                # kube-metrics-appliance %1$s: registration with kube-apiserver's aggregation layer.
                #   kube-metrics-appliance manifests%5$s | kubectl apply -f -
                #
                # Before applying:
                # 1. The appliance's kubeconfig (config.yaml "kubeconfig", default
                #    /etc/kube-metrics-appliance/identity/kubeconfig) must authenticate as the user %4$s,
                #    which the RBAC below binds; with kubelet.auth: kubeconfig the same identity authenticates to kubelets.
                #    On each control-plane host (a CertificateSigningRequest; no root-only key is copied):
                #      sudo kube-metrics-appliance identity --approve
                #    Any credential whose user name is %4$s and that carries no administrator group works.
                # 2. kube-apiserver needs the aggregation layer (kubeadm sets all but the last flag):
                #      --requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt
                #      --requestheader-allowed-names=front-proxy-client
                #      --requestheader-username-headers=X-Remote-User
                #      --requestheader-group-headers=X-Remote-Group
                #      --requestheader-extra-headers-prefix=X-Remote-Extra-
                #      --proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt
                #      --proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key
                #      --enable-aggregator-routing=true
                #    With --enable-aggregator-routing=true the aggregator dials the Service's endpoint addresses directly; without it,
                #    it dials the Service's ClusterIP, which needs kube-proxy on the control-plane hosts.
                # 3. The appliance listens on %2$s port %3$d (config.yaml server.bindAddress, server.securePort)
                #    and kube-apiserver can reach it there (firewall).
                # 4. %6$s
                """.formatted(BuildInfo.version(), ips, port, USER, invocation, addresses.isEmpty()
                ? "Each appliance registers itself (registration.enabled: true, the default): it adds its own address to\n"
                        + "#    the Endpoints kube-system/metrics-server, keeps its EndpointSlice metrics-server-kma-<hostname> and\n"
                        + "#    a Lease kube-metrics-appliance-<hostname>, and removes peers whose Lease expired."
                : "Static addresses, for registration.enabled: false on every host: the Endpoints below list them\n"
                        + "#    (kube-controller-manager mirrors them into EndpointSlices); adding or removing a control-plane host means applying these again."));
        y.append("---\n");
        if (caBundle == null) {
            y.append("""
                    # insecureSkipTLSVerify: the aggregator does not verify the appliance's serving certificate (it still
                    # presents its front-proxy client certificate). Give --ca-bundle FILE to verify it.
                    """);
        } else {
            y.append("""
                    # caBundle: the aggregator verifies the appliance's serving certificate against it, with the server name
                    # %s: the serving certificate (config.yaml server.tlsCertFile) needs the SAN
                    # DNS:%s.
                    """.formatted(SERVICE_DNS, SERVICE_DNS));
        }
        y.append("""
                apiVersion: apiregistration.k8s.io/v1
                kind: APIService
                metadata:
                  name: v1beta1.metrics.k8s.io
                  labels:
                    app.kubernetes.io/name: kube-metrics-appliance
                spec:
                  group: metrics.k8s.io
                  version: v1beta1
                  groupPriorityMinimum: 100
                  versionPriority: 100
                  service:
                    name: metrics-server
                    namespace: kube-system
                    port: 443
                """);
        y.append(caBundle == null ? "  insecureSkipTLSVerify: true\n" : "  caBundle: " + caBundle + "\n");
        y.append("""
                ---
                # No selector: its Endpoints and EndpointSlices list the control-plane hosts.
                apiVersion: v1
                kind: Service
                metadata:
                  name: metrics-server
                  namespace: kube-system
                  labels:
                    app.kubernetes.io/name: kube-metrics-appliance
                spec:
                  type: ClusterIP
                  ports:
                  - name: https
                    port: 443
                    protocol: TCP
                    targetPort: %d
                    appProtocol: https
                """.formatted(port));
        if (!addresses.isEmpty()) {
            staticEndpoints(y, addresses, port);
        }
        rbac(y, hosts);
        return y.toString();
    }

    /**
     * Endpoints listing the given addresses, for installs without self-registration. No EndpointSlices: this Service
     * has no selector, so kube-controller-manager's EndpointSlice mirroring controller makes them from the Endpoints,
     * in the discovery.k8s.io version that cluster serves (kube-apiserver 1.20 serves only v1beta1, 1.25+ only v1;
     * a slice printed here would fail to apply on one of them), one per address family.
     */
    private static void staticEndpoints(StringBuilder y, List<Address> addresses, int port) {
        y.append("""
                ---
                # kube-controller-manager mirrors these addresses into EndpointSlices (which newer kube-apiservers read).
                apiVersion: v1
                kind: Endpoints
                metadata:
                  name: metrics-server
                  namespace: kube-system
                  labels:
                    app.kubernetes.io/name: kube-metrics-appliance
                subsets:
                - addresses:
                """);
        for (Address a : addresses) {
            y.append("  - ip: \"").append(a.ip()).append("\"\n");
        }
        y.append("""
                  ports:
                  - name: https
                    port: %d
                    protocol: TCP
                """.formatted(port));
    }

    /** The appliance's and the readers' RBAC; the self-registration Role narrowed to {@code hosts}' objects when given. */
    private static void rbac(StringBuilder y, List<String> hosts) {
        y.append("""
                ---
                # What the appliance's user needs, as upstream's system:metrics-server (namespaces as its Helm chart):
                # nodes, pods and namespaces (read), the kubelets' metrics. Nothing else: it is no administrator.
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata:
                  name: "system:kube-metrics-appliance"
                  labels:
                    app.kubernetes.io/name: kube-metrics-appliance
                rules:
                - apiGroups: [""]
                  resources: [nodes/metrics]
                  verbs: [get]
                - apiGroups: [""]
                  resources: [pods, nodes, namespaces]
                  verbs: [get, list, watch]
                # Only for `kube-metrics-appliance doctor`, which reports whether this APIService is Available.
                - apiGroups: [apiregistration.k8s.io]
                  resources: [apiservices]
                  resourceNames: [v1beta1.metrics.k8s.io]
                  verbs: [get]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata:
                  name: "system:kube-metrics-appliance"
                  labels:
                    app.kubernetes.io/name: kube-metrics-appliance
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: ClusterRole
                  name: "system:kube-metrics-appliance"
                subjects:
                - apiGroup: rbac.authorization.k8s.io
                  kind: User
                  name: "system:kube-metrics-appliance"
                ---
                # TokenReview and SubjectAccessReview (delegated authentication and authorization).
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata:
                  name: "kube-metrics-appliance:system:auth-delegator"
                  labels:
                    app.kubernetes.io/name: kube-metrics-appliance
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: ClusterRole
                  name: "system:auth-delegator"
                subjects:
                - apiGroup: rbac.authorization.k8s.io
                  kind: User
                  name: "system:kube-metrics-appliance"
                ---
                # The kube-system/extension-apiserver-authentication ConfigMap (front-proxy CA and header names).
                """);
        y.append(kubeSystemRoleBinding("kube-metrics-appliance-auth-reader", "extension-apiserver-authentication-reader"));
        y.append("""
                ---
                # Lets view/edit/admin users read metrics.k8s.io (kubectl top, HPA).
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata:
                  name: "system:aggregated-metrics-reader"
                  labels:
                    app.kubernetes.io/name: kube-metrics-appliance
                    rbac.authorization.k8s.io/aggregate-to-view: "true"
                    rbac.authorization.k8s.io/aggregate-to-edit: "true"
                    rbac.authorization.k8s.io/aggregate-to-admin: "true"
                rules:
                - apiGroups: [metrics.k8s.io]
                  resources: [pods, nodes]
                  verbs: [get, list, watch]
                """);
        if (!hosts.isEmpty()) {
            registrationRole(y, hosts);
        }
    }

    /**
     * Self-registration in kube-system. Kubernetes RBAC cannot narrow {@code create} (the name is not known at
     * authorization time) nor {@code list}/{@code watch} by {@code resourceNames}; everything else is narrowed: the
     * Endpoints to the Service's, the Leases and EndpointSlices to those of {@code --hosts} (required for it: see
     * {@link #run}). Only the verbs the appliance uses: no {@code patch}, no {@code watch}.
     */
    private static void registrationRole(StringBuilder y, List<String> hosts) {
        String leases = "\n  resourceNames: [" + String.join(", ", hosts.stream()
                .map(h -> "kube-metrics-appliance-" + h).toList()) + "]";
        String slices = "\n  resourceNames: [" + String.join(", ", hosts.stream()
                .map(h -> "metrics-server-kma-" + h).toList()) + "]";
        y.append("""
                ---
                # Self-registration (registration.enabled: true): this host's address in the Service's Endpoints, its own
                # EndpointSlice and Lease, and the removal of dead peers' EndpointSlices. create and list cannot be
                # narrowed by resourceNames in Kubernetes RBAC; the rest is: the Endpoints to metrics-server, %s
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata:
                  name: kube-metrics-appliance-registration
                  namespace: kube-system
                  labels:
                    app.kubernetes.io/name: kube-metrics-appliance
                rules:
                - apiGroups: [""]
                  resources: [endpoints]
                  resourceNames: [metrics-server]
                  verbs: [get, update]
                - apiGroups: [""]
                  resources: [endpoints]
                  verbs: [create]
                - apiGroups: [discovery.k8s.io]
                  resources: [endpointslices]
                  verbs: [create, list]
                - apiGroups: [discovery.k8s.io]
                  resources: [endpointslices]%s
                  verbs: [get, update, delete]
                - apiGroups: [coordination.k8s.io]
                  resources: [leases]
                  verbs: [create, list]
                - apiGroups: [coordination.k8s.io]
                  resources: [leases]%s
                  verbs: [get, update, delete]
                ---
                """.formatted("the EndpointSlices and Leases\n# to those of the hosts " + String.join(", ", hosts) + " (--hosts).",
                slices, leases));
        y.append(kubeSystemRoleBinding("kube-metrics-appliance-registration", "kube-metrics-appliance-registration"));
    }

    /** A RoleBinding in kube-system of {@code role} to the appliance's user. */
    private static String kubeSystemRoleBinding(String name, String role) {
        return """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: %s
                  namespace: kube-system
                  labels:
                    app.kubernetes.io/name: kube-metrics-appliance
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: Role
                  name: %s
                subjects:
                - apiGroup: rbac.authorization.k8s.io
                  kind: User
                  name: "system:kube-metrics-appliance"
                """.formatted(name, role);
    }
}
