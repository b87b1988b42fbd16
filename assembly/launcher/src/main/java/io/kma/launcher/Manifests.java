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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.kma.shared.net.IpAddresses;

/**
 * {@code manifests}: the Kubernetes objects that register the appliance with kube-apiserver's aggregation layer (no
 * cluster needed): APIService, a selectorless Service, the RBAC for the appliance's user (self-registration included)
 * and for readers; with {@code --advertise-address}, static Endpoints (what kube-apiserver 1.33 and older read) and
 * EndpointSlices listing the control-plane hosts, for installs with {@code registration.enabled: false}. The
 * objects are the resource template {@code manifests.yaml}; this class checks the flags and fills it.
 */
final class Manifests {

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
            if (!IpAddresses.hasIpShape(ip)) {
                throw new Options.UsageException("--advertise-address: \"" + ip + "\" is not an IP address (Endpoints take "
                        + "IP addresses only, e.g. 192.0.2.10 or 2001:db8::10)");
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(ip); // a literal: no name lookup
            } catch (UnknownHostException e) {
                throw new Options.UsageException("--advertise-address: \"" + ip + "\" is not an IP address");
            }
            String refused = IpAddresses.endpointsRefusal(address);
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

    /** What the template is filled with, checked when made. */
    record Values(String version, List<Address> addresses, int port, String caBundle, List<String> hosts) {

        private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+=*");

        Values {
            addresses = List.copyOf(addresses);
            hosts = List.copyOf(hosts);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            if (caBundle != null && !BASE64.matcher(caBundle).matches()) {
                throw new IllegalArgumentException("caBundle is not base64");
            }
            for (String h : hosts) {
                if (!DNS_LABEL.matcher(h).matches() || h.length() > MAX_HOST) {
                    throw new IllegalArgumentException("host " + h);
                }
            }
        }

        /** The template's names: its holes as fragments, its sections as booleans and lists. */
        Map<String, Object> scope() {
            String ips = addresses.isEmpty() ? "<this host's address>" : String.join(",", addresses.stream().map(Address::ip).toList());
            String invocation = (addresses.isEmpty() ? "" : " --advertise-address " + ips) + " --port " + port
                    + (hosts.isEmpty() ? "" : " --hosts " + String.join(",", hosts));
            Map<String, Object> scope = new HashMap<>();
            scope.put("version", YamlTemplate.comment(version));
            scope.put("invocation", YamlTemplate.comment(invocation));
            scope.put("listenAddresses", YamlTemplate.comment(ips));
            scope.put("port", YamlTemplate.number(port));
            scope.put("caBundle", caBundle == null ? null : YamlTemplate.plain(caBundle));
            scope.put("staticAddresses", !addresses.isEmpty());
            scope.put("addresses", addresses.stream().map(a -> Map.of("ip", YamlTemplate.quoted(a.ip()))).toList());
            scope.put("registrationRole", !hosts.isEmpty());
            scope.put("hostNames", YamlTemplate.comment(String.join(", ", hosts)));
            scope.put("sliceNames", YamlTemplate.flowItems(hosts.stream().map(h -> "metrics-server-kma-" + h).toList()));
            scope.put("leaseNames", YamlTemplate.flowItems(hosts.stream().map(h -> "kube-metrics-appliance-" + h).toList()));
            return scope;
        }
    }

    /**
     * The objects, from the template {@code manifests.yaml} next to this class. With addresses, Endpoints listing
     * them, for installs without self-registration. No EndpointSlices: this Service has no selector, so
     * kube-controller-manager's EndpointSlice mirroring controller makes them from the Endpoints, in the
     * discovery.k8s.io version that cluster serves (kube-apiserver 1.20 serves only v1beta1, 1.25+ only v1; a slice
     * printed here would fail to apply on one of them), one per address family. With hosts, the self-registration
     * Role: Kubernetes RBAC cannot narrow {@code create} (the name is not known at authorization time) nor
     * {@code list}/{@code watch} by {@code resourceNames}; everything else is narrowed: the Endpoints to the
     * Service's, the Leases and EndpointSlices to those of {@code --hosts} (required for it: see {@link #run}). Only
     * the verbs the appliance uses: no {@code patch}, no {@code watch}.
     */
    static String yaml(List<Address> addresses, int port, String caBundle, List<String> hosts) {
        return YamlTemplate.resource(Manifests.class, "manifests.yaml")
                .render(new Values(BuildInfo.version(), addresses, port, caBundle, hosts).scope());
    }
}
