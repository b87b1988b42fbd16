package io.kma.registration.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kma.api.kube.KubeResources;
import io.kma.api.kube.KubeResources.Answer;

/**
 * Keeps this host registered, modelled on kube-apiserver's lease endpoint reconciler: every round it renews its own
 * Lease, lists the peers' Leases, and rewrites the Service's Endpoints (own address ready or not ready, dead
 * peers' addresses removed, everyone else's untouched) and its own EndpointSlice, each with optimistic concurrency
 * and a bounded number of retries on 409 Conflict. No leader: every appliance computes the same object. Not
 * thread-safe: one thread (the component's) calls it. Failures are logged once per cause per minute and retried next
 * round; nothing here is fatal.
 */
final class Registrar {

    static final String PORT_NAME = "https";
    static final String APP_LABEL = "app.kubernetes.io/name";
    static final String APP = "kube-metrics-appliance";
    static final String ADDRESS_ANNOTATION = "kube-metrics-appliance/address";
    static final String SLICE_ANNOTATION = "kube-metrics-appliance/endpointslice";
    static final String SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    static final String MANAGED_BY = "kube-metrics-appliance";
    static final String LEASE_PREFIX = "kube-metrics-appliance-";
    static final String SLICE_PREFIX = "metrics-server-kma-";
    /** Attempts of one read-modify-write before giving up until the next round (client-go's lease controller: 5). */
    static final int MAX_ATTEMPTS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * What this host registers.
     *
     * @param own        its address and port
     * @param hostname   DNS-1123 form of the host name (names the Lease and the EndpointSlice)
     * @param holder     the Lease's holderIdentity, unique per process
     */
    record Identity(Member own, String hostname, String holder, String serviceNamespace, String serviceName,
            String leaseNamespace, int leaseDurationSeconds) {

        String leaseName() {
            return LEASE_PREFIX + hostname;
        }

        String sliceName() {
            return SLICE_PREFIX + hostname;
        }
    }

    private final KubeResources kube;
    private final Identity id;
    private final LongSupplier nanos;
    private final Supplier<Instant> clock;
    private final OnceAMinuteLog problems;
    private final ObjectMapper json = new ObjectMapper();
    private final PeerLeases peers = new PeerLeases();
    /** discovery.k8s.io version kube-apiserver serves (v1, else v1beta1; "" when neither), found once. */
    private String sliceVersion;
    /** Unclaimed-slice keys of the last listing, kept alive in the unclaimed clock between rounds. */
    private final Set<String> sliceKeys = new HashSet<>();
    /** What the Endpoints last said about this host, for one log line per change. */
    private EndpointsEdit.Own published;

    Registrar(KubeResources kube, Identity id, LongSupplier nanos, Supplier<Instant> clock) {
        this.kube = kube;
        this.id = id;
        this.nanos = nanos;
        this.clock = clock;
        this.problems = new OnceAMinuteLog(LOG, nanos);
    }

    Identity identity() {
        return id;
    }

    /** Whether a round has put this host's address into the Endpoints (ready or not) since the start. */
    boolean registered() {
        return published == EndpointsEdit.Own.READY || published == EndpointsEdit.Own.NOT_READY;
    }

    /**
     * One round: renew the Lease, look at the peers, write the Endpoints and the own EndpointSlice.
     *
     * @param ready whether this host's /readyz passes (its address goes to {@code addresses}, else {@code notReadyAddresses})
     */
    void round(boolean ready) {
        try {
            renewLease();
            Set<Member> dead = deadPeers();
            EndpointsEdit.Own state = ready ? EndpointsEdit.Own.READY : EndpointsEdit.Own.NOT_READY;
            writeEndpoints(state, dead);
            writeSlice(ready, false);
        } catch (IOException e) {
            problems.warn("registration of " + id.own() + " in " + service() + ": " + e.getMessage());
        }
    }

    /** Only the address's readiness changed: Endpoints and EndpointSlice, without the Lease round. */
    void readinessChanged(boolean ready) {
        try {
            writeEndpoints(ready ? EndpointsEdit.Own.READY : EndpointsEdit.Own.NOT_READY, Set.of());
            writeSlice(ready, false);
        } catch (IOException e) {
            problems.warn("registration of " + id.own() + " in " + service() + ": " + e.getMessage());
        }
    }

    /**
     * Hand-over (SIGTERM): this host's address leaves the Endpoints, its EndpointSlice endpoint turns not ready and
     * terminating, so kube-apiserver sends no new request here while the process keeps serving.
     */
    void withdraw() {
        try {
            writeEndpoints(EndpointsEdit.Own.ABSENT, Set.of());
            writeSlice(false, true);
        } catch (IOException e) {
            problems.warn("withdrawing " + id.own() + " from " + service() + ": " + e.getMessage());
        }
    }

    /** After the hand-over: the EndpointSlice and the Lease are deleted (peers then have nothing to clean up). */
    void release() {
        try {
            Answer slice = sliceVersion == null || sliceVersion.isEmpty() ? null : kube.delete(slicePath(id.sliceName()), null);
            if (slice != null && !slice.ok() && !slice.notFound()) {
                problems.warn("deleting EndpointSlice " + id.sliceName() + ": " + describe(slice));
            }
            Answer lease = kube.delete(leasePath(id.leaseName()), null);
            if (!lease.ok() && !lease.notFound()) {
                problems.warn("deleting Lease " + id.leaseName() + ": " + describe(lease));
            }
            LOG.info("registration released: Lease {}/{} and EndpointSlice {} deleted", id.leaseNamespace(), id.leaseName(),
                    id.sliceName());
        } catch (IOException e) {
            problems.warn("releasing Lease " + id.leaseName() + ": " + e.getMessage());
        }
    }

    // ---- Lease ----

    private void renewLease() throws IOException {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Answer got = kube.get(leasePath(id.leaseName()));
            String now = microTime(clock.get());
            if (got.notFound()) {
                ObjectNode lease = json.createObjectNode();
                lease.put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
                leaseMetadata(lease.putObject("metadata"));
                ObjectNode spec = lease.putObject("spec");
                spec.put("holderIdentity", id.holder()).put("leaseDurationSeconds", id.leaseDurationSeconds())
                        .put("acquireTime", now).put("renewTime", now).put("leaseTransitions", 0);
                Answer created = kube.create(leaseCollection(), json.writeValueAsString(lease));
                if (created.ok()) {
                    LOG.info("Lease {}/{} created (holder {}, {} s)", id.leaseNamespace(), id.leaseName(), id.holder(),
                            id.leaseDurationSeconds());
                    return;
                }
                if (!created.conflict()) {
                    throw failure("creating Lease " + id.leaseName(), created);
                }
                continue;
            }
            if (!got.ok()) {
                throw failure("reading Lease " + id.leaseName(), got);
            }
            ObjectNode lease = object(got, "Lease " + id.leaseName(), "spec");
            leaseMetadata(lease.with("metadata"));
            ObjectNode spec = lease.with("spec");
            String holder = spec.path("holderIdentity").asText("");
            if (!holder.equals(id.holder())) {
                // the previous process on this host (or a crash of it): this one takes the Lease over. Bounded: two
                // hosts sharing a host name would take it from each other every round.
                problems.warn("Lease " + id.leaseNamespace() + "/" + id.leaseName() + ": taking over from holder " + holder
                        + " (a previous run on this host; if this repeats, another host has the same host name "
                        + id.hostname() + ")");
                spec.put("holderIdentity", id.holder()).put("acquireTime", now)
                        .put("leaseTransitions", spec.path("leaseTransitions").asInt(0) + 1);
            }
            spec.put("leaseDurationSeconds", id.leaseDurationSeconds()).put("renewTime", now);
            Answer put = kube.update(leasePath(id.leaseName()), json.writeValueAsString(lease));
            if (put.ok()) {
                return;
            }
            if (!put.conflict() && !put.notFound()) {
                throw failure("renewing Lease " + id.leaseName(), put);
            }
        }
        throw new IOException("renewing Lease " + id.leaseName() + ": still conflicting after " + MAX_ATTEMPTS + " attempts");
    }

    private void leaseMetadata(ObjectNode meta) {
        meta.put("name", id.leaseName()).put("namespace", id.leaseNamespace());
        meta.with("labels").put(APP_LABEL, APP);
        meta.with("annotations").put(ADDRESS_ANNOTATION, id.own().toString()).put(SLICE_ANNOTATION, id.sliceName());
    }

    /**
     * Lists the peers' Leases and returns the addresses to remove: those of Leases this host has seen standing still
     * for their duration, and addresses no Lease names that stayed so for one (own) lease duration.
     */
    private Set<Member> deadPeers() throws IOException {
        Answer list = kube.get(leaseCollection() + "?labelSelector=" + URLEncoder.encode(APP_LABEL + "=" + APP, StandardCharsets.UTF_8));
        if (!list.ok()) {
            throw failure("listing Leases in " + id.leaseNamespace(), list);
        }
        long now = nanos.getAsLong();
        peers.observe(json.readTree(list.body()).path("items"), id.leaseName(), id.leaseDurationSeconds(), now);
        Set<Member> dead = new HashSet<>();
        Set<Member> live = new HashSet<>();
        for (PeerLeases.Peer p : peers.peers().values()) {
            if (p.address() != null) {
                (p.expired(now) ? dead : live).add(p.address());
            }
        }
        // an expired Lease naming an address a live Lease also names (a host renamed, or restarted under another
        // kma.registration.hostname) leaves it: else that host would be removed and re-added every round
        dead.removeAll(live);
        dead.remove(id.own());
        return dead;
    }

    /** The peers as last listed, for the doctor and tests. */
    Map<String, PeerLeases.Peer> peers() {
        return peers.peers();
    }

    // ---- Endpoints ----

    private void writeEndpoints(EndpointsEdit.Own state, Set<Member> dead) throws IOException {
        String path = "/api/v1/namespaces/" + id.serviceNamespace() + "/endpoints/" + id.serviceName();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Answer got = kube.get(path);
            if (got.notFound()) {
                if (state == EndpointsEdit.Own.ABSENT) {
                    return;
                }
                ObjectNode ep = json.createObjectNode();
                ep.put("apiVersion", "v1").put("kind", "Endpoints");
                ep.putObject("metadata").put("name", id.serviceName()).put("namespace", id.serviceNamespace())
                        .putObject("labels").put(SKIP_MIRROR, "true");
                ep.set("subsets", EndpointsEdit.apply(null, id.own(), state, Set.of()));
                Answer created = kube.create("/api/v1/namespaces/" + id.serviceNamespace() + "/endpoints", json.writeValueAsString(ep));
                if (created.ok()) {
                    published(state);
                    return;
                }
                if (!created.conflict()) {
                    throw failure("creating Endpoints " + service(), created);
                }
                continue;
            }
            if (!got.ok()) {
                throw failure("reading Endpoints " + service(), got);
            }
            ObjectNode ep = object(got, "Endpoints " + service());
            JsonNode current = ep.path("subsets");
            Set<Member> remove = new HashSet<>(dead);
            remove.addAll(unclaimed(EndpointsEdit.members(current)));
            ArrayNode next = EndpointsEdit.apply(current, id.own(), state, remove);
            boolean labelled = "true".equals(ep.path("metadata").path("labels").path(SKIP_MIRROR).asText(null));
            if (next.equals(current.isMissingNode() || current.isNull() ? json.createArrayNode() : current) && labelled) {
                published(state);
                return;
            }
            ep.with("metadata").with("labels").put(SKIP_MIRROR, "true");
            ep.set("subsets", next);
            Answer put = kube.update(path, json.writeValueAsString(ep));
            if (put.ok()) {
                for (Member m : remove) {
                    if (EndpointsEdit.members(current).contains(m)) {
                        LOG.info("removed {} from Endpoints {}: {}", m, service(), dead.contains(m)
                                ? "its Lease was not renewed for its lease duration" : "its Lease was deleted");
                    }
                }
                published(state);
                return;
            }
            if (!put.conflict() && !put.notFound()) {
                throw failure("updating Endpoints " + service(), put);
            }
        }
        throw new IOException("updating Endpoints " + service() + ": still conflicting after " + MAX_ATTEMPTS + " attempts");
    }

    /**
     * Addresses in the Endpoints whose Lease this host saw disappear, that no Lease names now and that stayed so for a
     * lease duration. An address no Lease this host saw ever named (an operator's entry, a static install's, an
     * appliance with registration off) is never removed: the doctor reports it.
     */
    private Set<Member> unclaimed(Set<Member> members) {
        long now = nanos.getAsLong();
        long grace = id.leaseDurationSeconds() * 1_000_000_000L;
        Set<Member> out = new HashSet<>();
        Set<String> keys = new HashSet<>();
        peers.retainVanished(members);
        for (Member m : members) {
            if (m.equals(id.own()) || peers.claims(m) || !peers.vanished(m)) {
                continue;
            }
            String key = "address " + m;
            keys.add(key);
            if (peers.unclaimedLongerThan(key, grace, now)) {
                out.add(m);
            }
        }
        sliceKeys.forEach(keys::add);
        peers.retainUnclaimed(keys);
        return out;
    }

    private void published(EndpointsEdit.Own state) {
        if (state != published) {
            LOG.info("{} is {} in Endpoints {}", id.own(), switch (state) {
                case READY -> "ready";
                case NOT_READY -> "listed not ready (its /readyz fails)";
                case ABSENT -> "no longer listed";
            }, service());
            published = state;
        }
    }

    // ---- EndpointSlice ----

    private void writeSlice(boolean ready, boolean terminating) throws IOException {
        if (!sliceApiServed()) {
            return;
        }
        String path = slicePath(id.sliceName());
        ObjectNode desired = desiredSlice(ready, terminating);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Answer got = kube.get(path);
            if (got.notFound()) {
                Answer created = kube.create(sliceCollection(), json.writeValueAsString(desired));
                if (created.ok()) {
                    break;
                }
                if (!created.conflict()) {
                    throw failure("creating EndpointSlice " + id.sliceName(), created);
                }
                continue;
            }
            if (!got.ok()) {
                throw failure("reading EndpointSlice " + id.sliceName(), got);
            }
            ObjectNode slice = object(got, "EndpointSlice " + id.sliceName());
            if (!slice.path("addressType").equals(desired.get("addressType"))) {
                // addressType is immutable: the address changed family, so the slice is replaced
                Answer deleted = kube.delete(path, null);
                if (!deleted.ok() && !deleted.notFound()) {
                    throw failure("replacing EndpointSlice " + id.sliceName(), deleted);
                }
                continue;
            }
            if (sameEndpoint(slice, desired) && slice.path("ports").equals(desired.get("ports")) && labelsPresent(slice, desired)) {
                break;
            }
            slice.set("endpoints", desired.get("endpoints"));
            slice.set("ports", desired.get("ports"));
            slice.with("metadata").with("labels").setAll((ObjectNode) desired.path("metadata").path("labels"));
            Answer put = kube.update(path, json.writeValueAsString(slice));
            if (put.ok()) {
                break;
            }
            if (!put.conflict() && !put.notFound()) {
                throw failure("updating EndpointSlice " + id.sliceName(), put);
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new IOException("updating EndpointSlice " + id.sliceName() + ": still conflicting after " + MAX_ATTEMPTS + " attempts");
            }
        }
        if (!terminating) {
            removeDeadSlices();
        }
    }

    /**
     * Whether the stored slice already says what {@code desired} says: one endpoint, its address, and each condition
     * kube-apiserver kept (it drops {@code serving}/{@code terminating} where their feature gate is off, e.g. 1.21),
     * so that an unchanged slice is not rewritten every round.
     */
    static boolean sameEndpoint(JsonNode stored, JsonNode desired) {
        JsonNode have = stored.path("endpoints");
        JsonNode want = desired.path("endpoints").path(0);
        if (have.size() != 1 || !have.get(0).path("addresses").equals(want.path("addresses"))) {
            return false;
        }
        JsonNode haveConditions = have.get(0).path("conditions");
        var it = want.path("conditions").fields();
        while (it.hasNext()) {
            var e = it.next();
            boolean kept = haveConditions.has(e.getKey());
            if (e.getKey().equals("ready") ? !e.getValue().equals(haveConditions.path("ready")) : kept && !e.getValue().equals(haveConditions.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean labelsPresent(JsonNode slice, JsonNode desired) {
        JsonNode have = slice.path("metadata").path("labels");
        var it = desired.path("metadata").path("labels").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().equals(have.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private ObjectNode desiredSlice(boolean ready, boolean terminating) {
        ObjectNode s = json.createObjectNode();
        s.put("apiVersion", "discovery.k8s.io/" + sliceVersion).put("kind", "EndpointSlice");
        ObjectNode meta = s.putObject("metadata");
        meta.put("name", id.sliceName()).put("namespace", id.serviceNamespace());
        meta.putObject("labels").put(SERVICE_NAME_LABEL, id.serviceName()).put(MANAGED_BY_LABEL, MANAGED_BY);
        s.put("addressType", id.own().ip().contains(":") ? "IPv6" : "IPv4");
        ObjectNode endpoint = s.putArray("endpoints").addObject();
        endpoint.putArray("addresses").add(id.own().ip());
        ObjectNode conditions = endpoint.putObject("conditions").put("ready", ready);
        if (sliceVersion.equals("v1")) {
            // v1beta1 in kube-apiserver 1.20 drops serving/terminating unless a feature gate is on: ready only
            conditions.put("serving", !terminating && ready).put("terminating", terminating);
        }
        s.set("ports", EndpointsEdit.ports(id.own().port()));
        return s;
    }

    /**
     * EndpointSlices of dead peers: named by an expired Lease, or named by a Lease this host saw deleted and by no
     * Lease for a lease duration since.
     */
    private void removeDeadSlices() throws IOException {
        String selector = SERVICE_NAME_LABEL + "=" + id.serviceName() + "," + MANAGED_BY_LABEL + "=" + MANAGED_BY;
        Answer list = kube.get(sliceCollection() + "?labelSelector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8));
        if (!list.ok()) {
            throw failure("listing EndpointSlices of " + service(), list);
        }
        long now = nanos.getAsLong();
        long grace = id.leaseDurationSeconds() * 1_000_000_000L;
        Map<String, PeerLeases.Peer> known = peers.peers();
        sliceKeys.clear();
        JsonNode items = json.readTree(list.body()).path("items");
        Set<String> listed = new HashSet<>();
        items.forEach(s -> listed.add(s.path("metadata").path("name").asText("")));
        peers.retainVanishedSlices(listed);
        for (JsonNode s : items) {
            String name = s.path("metadata").path("name").asText("");
            if (name.isEmpty() || name.equals(id.sliceName())) {
                continue;
            }
            boolean expired = known.values().stream().anyMatch(p -> name.equals(p.slice()) && p.expired(now))
                    && known.values().stream().noneMatch(p -> name.equals(p.slice()) && !p.expired(now));
            boolean unclaimed = false;
            // only a slice whose Lease this host saw deleted: one no Lease ever named (manifests --advertise-address's
            // static slices carry the same labels) is the operator's
            if (!peers.claimsSlice(name) && peers.vanishedSlice(name)) {
                String key = "slice " + name;
                sliceKeys.add(key);
                unclaimed = peers.unclaimedLongerThan(key, grace, now);
            }
            if (expired || unclaimed) {
                Answer deleted = kube.delete(slicePath(name), deleteIfUnchanged(s));
                if (deleted.ok()) {
                    LOG.info("deleted EndpointSlice {}/{} of a dead peer: {}", id.serviceNamespace(), name,
                            expired ? "its Lease was not renewed for its lease duration" : "its Lease was deleted");
                } else if (!deleted.notFound() && !deleted.conflict()) {
                    throw failure("deleting EndpointSlice " + name, deleted);
                }
            }
        }
    }

    private String deleteIfUnchanged(JsonNode object) {
        ObjectNode options = json.createObjectNode();
        options.put("apiVersion", "v1").put("kind", "DeleteOptions");
        options.putObject("preconditions").put("resourceVersion", object.path("metadata").path("resourceVersion").asText());
        return options.toString();
    }

    /** Finds once which discovery.k8s.io version kube-apiserver serves: v1 (1.21+), else v1beta1 (1.20). */
    private boolean sliceApiServed() throws IOException {
        if (sliceVersion == null) {
            for (String v : List.of("v1", "v1beta1")) {
                Answer a = kube.get("/apis/discovery.k8s.io/" + v);
                if (a.ok()) {
                    sliceVersion = v;
                    break;
                }
                if (!a.notFound()) {
                    throw failure("discovery of discovery.k8s.io/" + v, a);
                }
            }
            if (sliceVersion == null) {
                sliceVersion = "";
                LOG.warn("kube-apiserver serves no discovery.k8s.io EndpointSlices: registering in Endpoints only");
            } else {
                LOG.info("EndpointSlices written as discovery.k8s.io/{}", sliceVersion);
            }
        }
        return !sliceVersion.isEmpty();
    }

    // ---- paths and errors ----

    private String leaseCollection() {
        return "/apis/coordination.k8s.io/v1/namespaces/" + id.leaseNamespace() + "/leases";
    }

    private String leasePath(String name) {
        return leaseCollection() + "/" + name;
    }

    private String sliceCollection() {
        return "/apis/discovery.k8s.io/" + sliceVersion + "/namespaces/" + id.serviceNamespace() + "/endpointslices";
    }

    private String slicePath(String name) {
        return sliceCollection() + "/" + name;
    }

    private String service() {
        return id.serviceNamespace() + "/" + id.serviceName();
    }

    static String microTime(Instant t) {
        return MICRO_TIME.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * The answer as a JSON object whose {@code metadata} (and each of {@code fields}) is an object or absent: a
     * broken or hostile kube-apiserver costs this round, with a line saying so, not a ClassCastException.
     */
    private ObjectNode object(Answer a, String what, String... fields) throws IOException {
        JsonNode n = json.readTree(a.body());
        if (n == null || !n.isObject()) {
            throw new IOException(what + ": kube-apiserver answered " + a.code() + " with no JSON object");
        }
        for (String f : java.util.stream.Stream.concat(java.util.stream.Stream.of("metadata"), java.util.Arrays.stream(fields)).toList()) {
            JsonNode field = n.path(f);
            if (!field.isMissingNode() && !field.isObject()
                    || f.equals("metadata") && field.has("labels") && !field.get("labels").isObject()
                    || f.equals("metadata") && field.has("annotations") && !field.get("annotations").isObject()) {
                throw new IOException(what + ": kube-apiserver answered " + a.code() + " with a malformed " + f);
            }
        }
        return (ObjectNode) n;
    }

    private IOException failure(String what, Answer a) {
        return new IOException(what + ": " + describe(a));
    }

    /** The status code and the Status message (bounded), with the RBAC fix for a 403. */
    private String describe(Answer a) {
        String message = "";
        try {
            JsonNode n = json.readTree(a.body());
            message = n.path("message").asText("");
        } catch (IOException | RuntimeException e) {
            message = a.body();
        }
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        String fix = a.code() == 403 ? " (apply the RBAC from kube-metrics-appliance manifests)" : "";
        return "kube-apiserver answered " + a.code() + (message.isEmpty() ? "" : ": " + message) + fix;
    }
}
