package io.kma.registration.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kma.api.config.Pids;
import io.kma.api.doctor.Diagnosis;
import io.kma.api.doctor.Finding;
import io.kma.api.kube.KubeResources;
import io.kma.api.kube.KubeResources.Answer;

/**
 * The doctor's registration checks: this host's address, its Lease, its entry in the Service's Endpoints and its
 * EndpointSlice, every peer with the age of its Lease, and stale entries (addresses and EndpointSlices no live Lease
 * names) with the command that removes them. A one-shot run cannot watch Leases change, so ages here are
 * {@code now - renewTime} on this host's clock (the running appliances use the skew-tolerant observed-time rule).
 */
@Component(service = Diagnosis.class, configurationPid = {Pids.REGISTRATION, Pids.HTTP_SERVER},
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {Diagnosis.NAME + "=registration", Diagnosis.ORDER + ":Integer=35"})
public final class RegistrationDiagnosis implements Diagnosis {

    static final String CHECK = "registration";
    static final String FIX_RBAC = "apply the RBAC from kube-metrics-appliance manifests --hosts <control-plane host names> | kubectl apply -f -";
    static final String FIX_SERVICE = "sudo systemctl status kube-metrics-appliance; journalctl -u kube-metrics-appliance "
            + "| grep -i regist (the service writes its Lease and address every renewIntervalSeconds)";

    private final ObjectMapper json = new ObjectMapper();

    @Reference
    KubeResources kube;

    private RegistrationConfig config;
    private String hostnameOverride;
    /** The clock ages are measured with; tests replace it. */
    Supplier<Instant> clock = Instant::now;

    @Activate
    void activate(BundleContext context, RegistrationConfig config) {
        this.config = config;
        this.hostnameOverride = context.getProperty(HostName.PROPERTY);
    }

    @Override
    public void examine(Consumer<Finding> report) {
        String host = HostName.current(hostnameOverride);
        String[] service = config.service().split("/", 2);
        if (service.length != 2) {
            report.accept(Finding.fail(CHECK, "registration.service \"" + config.service() + "\" is not NAMESPACE/NAME",
                    "set registration.service: kube-system/metrics-server"));
            return;
        }
        String endpointsPath = "/api/v1/namespaces/" + service[0] + "/endpoints/" + service[1];
        try {
            if (!config.enabled()) {
                report.accept(staticEndpoints(endpointsPath));
                return;
            }
            Member own;
            try {
                InetAddress a = AdvertiseAddress.choose(config.advertiseAddress(), kube.server(), config.allowLoopback());
                own = new Member(a.getHostAddress().replaceAll("%.*$", ""), config.securePort());
            } catch (IOException e) {
                report.accept(Finding.fail(CHECK, e.getMessage(), "set registration.advertiseAddress in "
                        + "/etc/kube-metrics-appliance/config.yaml to this host's address that kube-apiserver reaches"));
                return;
            }
            report.accept(Finding.ok(CHECK, "host " + host + " registers " + own + " in Endpoints " + config.service()
                    + " with Lease " + config.leaseNamespace() + "/" + Registrar.LEASE_PREFIX + host + " ("
                    + config.leaseDurationSeconds() + " s, renewed every " + config.renewIntervalSeconds() + " s)"));
            report.accept(rbac(host, service));
            List<JsonNode> leases = leases(report);
            if (leases == null) {
                return;
            }
            Instant now = clock.get();
            report.accept(ownLease(leases, Registrar.LEASE_PREFIX + host, now));
            Set<Member> live = new HashSet<>();
            Set<Member> named = new HashSet<>();
            Set<String> liveSlices = new HashSet<>();
            for (JsonNode l : leases) {
                String name = l.path("metadata").path("name").asText("");
                boolean expired = expiredSeconds(l, now) > 0;
                Member m = Member.parse(l.path("metadata").path("annotations").path(Registrar.ADDRESS_ANNOTATION).asText(null));
                if (m != null) {
                    named.add(m);
                }
                if (!expired) {
                    if (m != null) {
                        live.add(m);
                    }
                    liveSlices.add(l.path("metadata").path("annotations").path(Registrar.SLICE_ANNOTATION).asText(""));
                }
                if (!name.equals(Registrar.LEASE_PREFIX + host)) {
                    report.accept(peer(l, m, now));
                }
            }
            JsonNode subsets = endpoints(report, endpointsPath, own);
            if (subsets != null) {
                staleAddresses(report, subsets, live, named, own, service);
            }
            slices(report, service, host, liveSlices);
        } catch (IOException e) {
            report.accept(Finding.fail(CHECK, "kube-apiserver: " + e.getMessage(), "see the kube-apiserver lines above"));
        }
    }

    /** What the registration writes, asked with SelfSubjectAccessReviews (as kube-client's RBAC check does for reading). */
    private Finding rbac(String host, String[] service) throws IOException {
        String[][] needed = {
                {"get", "", "endpoints", service[0], service[1]}, {"update", "", "endpoints", service[0], service[1]},
                {"create", "", "endpoints", service[0], ""},
                {"create", "discovery.k8s.io", "endpointslices", service[0], ""},
                {"update", "discovery.k8s.io", "endpointslices", service[0], Registrar.SLICE_PREFIX + host},
                {"delete", "discovery.k8s.io", "endpointslices", service[0], Registrar.SLICE_PREFIX + host},
                {"list", "discovery.k8s.io", "endpointslices", service[0], ""},
                {"create", "coordination.k8s.io", "leases", config.leaseNamespace(), ""},
                {"update", "coordination.k8s.io", "leases", config.leaseNamespace(), Registrar.LEASE_PREFIX + host},
                {"list", "coordination.k8s.io", "leases", config.leaseNamespace(), ""}};
        List<String> denied = new ArrayList<>();
        for (String[] n : needed) {
            ObjectNode review = json.createObjectNode();
            review.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectAccessReview");
            ObjectNode attributes = review.putObject("spec").putObject("resourceAttributes");
            attributes.put("verb", n[0]).put("group", n[1]).put("resource", n[2]).put("namespace", n[3]);
            if (!n[4].isEmpty()) {
                attributes.put("name", n[4]);
            }
            Answer a = kube.create("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review.toString());
            if (!a.ok()) {
                return Finding.warn("registration RBAC", "SelfSubjectAccessReview answered " + a.code(), FIX_RBAC);
            }
            if (!json.readTree(a.body()).path("status").path("allowed").asBoolean(false)) {
                denied.add(n[0] + " " + n[2] + (n[4].isEmpty() ? "" : " " + n[4]) + " in " + n[3]);
            }
        }
        return denied.isEmpty()
                ? Finding.ok("registration RBAC", "may write the Endpoints " + config.service() + ", its EndpointSlice and Lease")
                : Finding.fail("registration RBAC", "may not " + String.join(", ", denied), FIX_RBAC);
    }

    private Finding staticEndpoints(String path) throws IOException {
        Answer a = kube.get(path);
        if (!a.ok()) {
            return Finding.fail(CHECK, "off (registration.enabled: false) and the Endpoints " + config.service() + " cannot be read: "
                    + a.code(), "kube-metrics-appliance manifests --advertise-address <control-plane IPs> | kubectl apply -f -");
        }
        Set<Member> members = EndpointsEdit.members(json.readTree(a.body()).path("subsets"));
        return Finding.ok(CHECK, "off (registration.enabled: false): the Endpoints " + config.service() + " list "
                + members.size() + " static address" + (members.size() == 1 ? "" : "es") + " " + members);
    }

    private List<JsonNode> leases(Consumer<Finding> report) throws IOException {
        Answer a = kube.get("/apis/coordination.k8s.io/v1/namespaces/" + config.leaseNamespace() + "/leases?labelSelector="
                + URLEncoder.encode(Registrar.APP_LABEL + "=" + Registrar.APP, StandardCharsets.UTF_8));
        if (!a.ok()) {
            report.accept(Finding.fail("Leases", "cannot list Leases in " + config.leaseNamespace() + ": " + a.code(),
                    a.code() == 403 ? FIX_RBAC : FIX_SERVICE));
            return null;
        }
        List<JsonNode> out = new ArrayList<>();
        json.readTree(a.body()).path("items").forEach(out::add);
        return out;
    }

    private Finding ownLease(List<JsonNode> leases, String name, Instant now) {
        String check = "Lease " + config.leaseNamespace() + "/" + name;
        for (JsonNode l : leases) {
            if (l.path("metadata").path("name").asText("").equals(name)) {
                long expired = expiredSeconds(l, now);
                String age = age(l, now);
                if (expired > 0) {
                    return Finding.fail(check, "not renewed for " + age + " (expired " + expired + " s ago): this host's service "
                            + "does not run or cannot reach kube-apiserver", FIX_SERVICE);
                }
                return Finding.ok(check, "held by " + l.path("spec").path("holderIdentity").asText("?") + ", renewed " + age + " ago");
            }
        }
        return Finding.fail(check, "missing: this host's service is not running, not registering, or may not write Leases", FIX_SERVICE
                + "; if the log says 403: " + FIX_RBAC);
    }

    private Finding peer(JsonNode lease, Member address, Instant now) {
        String name = lease.path("metadata").path("name").asText("");
        String host = name.startsWith(Registrar.LEASE_PREFIX) ? name.substring(Registrar.LEASE_PREFIX.length()) : name;
        String check = "peer " + host;
        String where = address == null ? "(no address annotation)" : address.toString();
        long expired = expiredSeconds(lease, now);
        if (expired > 0) {
            return Finding.warn(check, where + ": Lease not renewed for " + age(lease, now) + " (expired " + expired
                    + " s ago); the running appliances have removed its address",
                    "if " + host + " is gone for good: kubectl -n " + config.leaseNamespace() + " delete lease " + name
                            + "; else start it there: systemctl start kube-metrics-appliance");
        }
        return Finding.ok(check, where + ", Lease renewed " + age(lease, now) + " ago");
    }

    private JsonNode endpoints(Consumer<Finding> report, String path, Member own) throws IOException {
        String check = "Endpoints " + config.service();
        Answer a = kube.get(path);
        if (a.notFound()) {
            report.accept(Finding.fail(check, "missing", FIX_SERVICE + "; the appliances create it"));
            return null;
        }
        if (!a.ok()) {
            report.accept(Finding.fail(check, "cannot be read: " + a.code(), a.code() == 403 ? FIX_RBAC : FIX_SERVICE));
            return null;
        }
        JsonNode subsets = json.readTree(a.body()).path("subsets");
        List<String> ready = new ArrayList<>();
        List<String> notReady = new ArrayList<>();
        for (JsonNode subset : subsets) {
            if (!subset.isObject()) {
                continue;
            }
            for (Member m : EndpointsEdit.members(json.createArrayNode().add(((ObjectNode) subset).deepCopy().without("notReadyAddresses")))) {
                ready.add(m.toString());
            }
            for (Member m : EndpointsEdit.members(json.createArrayNode().add(((ObjectNode) subset).deepCopy().without("addresses")))) {
                notReady.add(m.toString());
            }
        }
        String listing = "ready " + ready + (notReady.isEmpty() ? "" : ", not ready " + notReady);
        if (ready.contains(own.toString())) {
            report.accept(Finding.ok(check, "this host's " + own + " is ready; " + listing));
        } else if (notReady.contains(own.toString())) {
            report.accept(Finding.warn(check, "this host's " + own + " is listed not ready (its /readyz fails); " + listing,
                    "curl -sk https://" + own + "/readyz?verbose, and see the Troubleshooting section of the README"));
        } else {
            report.accept(Finding.fail(check, "this host's " + own + " is not listed; " + listing, FIX_SERVICE));
        }
        return subsets;
    }

    private void staleAddresses(Consumer<Finding> report, JsonNode subsets, Set<Member> live, Set<Member> named, Member own,
            String[] service) {
        for (Member m : EndpointsEdit.members(subsets)) {
            if (!m.equals(own) && !live.contains(m)) {
                // the appliances remove only addresses an expired (or deleted) Lease named: never an operator's entry
                String who = named.contains(m)
                        ? "its Lease expired; the running appliances remove it within " + config.leaseDurationSeconds() + " s"
                        : "no Lease names it, so no appliance removes it (an operator's or a static install's entry)";
                report.accept(Finding.warn("stale " + m, "listed in the Endpoints " + config.service() + "; " + who,
                        "if nothing serves metrics there: " + removeCommand(subsets, m, service)));
            }
        }
    }

    /**
     * A copy-pasteable {@code kubectl patch} removing {@code m} from the Endpoints: a JSON patch whose {@code test}
     * operations make it fail, changing nothing, if the Endpoints changed since (an appliance wrote in between).
     */
    static String removeCommand(JsonNode subsets, Member m, String[] service) {
        List<String> tests = new ArrayList<>();
        List<String> removes = new ArrayList<>();
        for (int i = 0; subsets.isArray() && i < subsets.size(); i++) {
            JsonNode subset = subsets.get(i);
            if (!EndpointsEdit.members(JSON_FACTORY.arrayNode().add(subset)).contains(m)) {
                continue;
            }
            for (String list : List.of("addresses", "notReadyAddresses")) {
                JsonNode addresses = subset.path(list);
                for (int j = 0; j < addresses.size(); j++) {
                    if (m.ip().equals(addresses.get(j).path("ip").asText(""))) {
                        String path = "/subsets/" + i + "/" + list + "/" + j;
                        tests.add("{\"op\":\"test\",\"path\":\"" + path + "/ip\",\"value\":\"" + m.ip() + "\"}");
                        removes.add(0, "{\"op\":\"remove\",\"path\":\"" + path + "\"}"); // last index first
                    }
                }
            }
        }
        List<String> ops = new ArrayList<>(tests);
        ops.addAll(removes);
        return "kubectl -n " + service[0] + " patch endpoints " + service[1] + " --type=json -p '[" + String.join(",", ops) + "]'";
    }

    private static final com.fasterxml.jackson.databind.node.JsonNodeFactory JSON_FACTORY =
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;

    private void slices(Consumer<Finding> report, String[] service, String host, Set<String> liveSlices) throws IOException {
        String version = null;
        for (String v : List.of("v1", "v1beta1")) {
            if (kube.get("/apis/discovery.k8s.io/" + v).ok()) {
                version = v;
                break;
            }
        }
        if (version == null) {
            report.accept(Finding.skip("EndpointSlice", "kube-apiserver serves no discovery.k8s.io"));
            return;
        }
        String base = "/apis/discovery.k8s.io/" + version + "/namespaces/" + service[0] + "/endpointslices";
        Answer a = kube.get(base + "?labelSelector=" + URLEncoder.encode(Registrar.SERVICE_NAME_LABEL + "=" + service[1],
                StandardCharsets.UTF_8));
        if (!a.ok()) {
            report.accept(Finding.fail("EndpointSlices", "cannot list those of " + config.service() + ": " + a.code(),
                    a.code() == 403 ? FIX_RBAC : FIX_SERVICE));
            return;
        }
        String own = Registrar.SLICE_PREFIX + host;
        boolean found = false;
        for (JsonNode s : json.readTree(a.body()).path("items")) {
            String name = s.path("metadata").path("name").asText("");
            boolean ours = Registrar.MANAGED_BY.equals(s.path("metadata").path("labels").path(Registrar.MANAGED_BY_LABEL).asText(""));
            if (name.equals(own)) {
                found = true;
                boolean ready = s.path("endpoints").path(0).path("conditions").path("ready").asBoolean(true);
                report.accept(ready ? Finding.ok("EndpointSlice " + own, "ready (" + s.path("addressType").asText() + ", "
                        + version + ")") : Finding.warn("EndpointSlice " + own, "not ready", FIX_SERVICE));
            } else if (ours && !liveSlices.contains(name)) {
                report.accept(Finding.warn("stale EndpointSlice " + name, "managed by kube-metrics-appliance but no live Lease "
                        + "names it; the running appliances delete it only when its Lease expired or was deleted (a static "
                        + "one from manifests --advertise-address is the operator's)",
                        "if no appliance runs to do so: kubectl -n " + service[0] + " delete endpointslice " + name));
            }
        }
        if (!found) {
            report.accept(Finding.fail("EndpointSlice " + own, "missing", FIX_SERVICE));
        }
    }

    /** Seconds since the Lease expired by its renewTime on this host's clock (0 or less: live). */
    private static long expiredSeconds(JsonNode lease, Instant now) {
        Instant renewed = renewTime(lease);
        long duration = lease.path("spec").path("leaseDurationSeconds").asLong(0);
        if (renewed == null) {
            return Long.MAX_VALUE / 2;
        }
        return Duration.between(renewed.plusSeconds(duration), now).toSeconds();
    }

    private static String age(JsonNode lease, Instant now) {
        Instant renewed = renewTime(lease);
        return renewed == null ? "ever (no renewTime)" : Math.max(0, Duration.between(renewed, now).toSeconds()) + " s";
    }

    private static Instant renewTime(JsonNode lease) {
        try {
            String t = lease.path("spec").path("renewTime").asText("");
            return t.isEmpty() ? null : Instant.parse(t);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
