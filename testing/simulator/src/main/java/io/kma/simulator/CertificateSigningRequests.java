package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code certificates.k8s.io/v1} CertificateSigningRequests as kube-apiserver plus kube-controller-manager's
 * {@code kubernetes.io/kube-apiserver-client} signer: create (validation and the CertificateSubjectRestriction
 * admission of {@code system:masters}), get, list, the {@code approval} subresource (JSON, or the protobuf that
 * {@code kubectl certificate approve} sends), and issuing from the cluster CA as soon as a request is approved.
 * Answers are JSON. Watches are not served: clients poll with get.
 */
public final class CertificateSigningRequests {
    static final String GROUP = "certificates.k8s.io";
    static final String PREFIX = "/apis/" + GROUP + "/v1/certificatesigningrequests";
    static final String CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";
    private static final Set<String> CLIENT_USAGES = Set.of("client auth", "digital signature", "key encipherment");
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_OBJECTS = 1000;

    private final Simulator sim;
    private final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
    private final AtomicLong resourceVersion = new AtomicLong(1);
    private final AtomicLong generated = new AtomicLong();
    private volatile Duration signingDuration = Duration.ofDays(365);

    CertificateSigningRequests(Simulator sim) {
        this.sim = sim;
    }

    /** kube-controller-manager's {@code --cluster-signing-duration}: the longest certificate the signer issues. */
    void signingDuration(Duration d) {
        signingDuration = d;
    }

    /** The stored object (a copy), or null. */
    public ObjectNode get(String name) {
        ObjectNode o = objects.get(name);
        return o == null ? null : o.deepCopy();
    }

    /** Handles a request under {@link #PREFIX}; {@code rest} is what follows it (empty, /NAME, /NAME/approval). */
    void handle(HttpServerExchange ex, ApiServerHandler api, Identity id, String method, String rest) throws IOException {
        String[] parts = rest.isEmpty() ? new String[0] : rest.substring(1).split("/");
        String name = parts.length > 0 ? parts[0] : "";
        String sub = parts.length > 1 ? parts[1] : "";
        if (parts.length > 2 || !sub.isEmpty() && !sub.equals("approval")) {
            Http.status(ex, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        switch (method + (name.isEmpty() ? "" : sub.isEmpty() ? " NAME" : " APPROVAL")) {
            case "POST" -> {
                if (api.authorize(ex, id, Attributes.resource("create", GROUP, "certificatesigningrequests", "", "", ""))) {
                    create(ex, id);
                }
            }
            case "GET" -> {
                if (api.authorize(ex, id, Attributes.resource("list", GROUP, "certificatesigningrequests", "", "", ""))) {
                    list(ex);
                }
            }
            case "GET NAME", "GET APPROVAL" -> {
                if (api.authorize(ex, id, Attributes.resource("get", GROUP, "certificatesigningrequests", sub, "", name))) {
                    getOne(ex, name);
                }
            }
            case "DELETE NAME" -> {
                if (api.authorize(ex, id, Attributes.resource("delete", GROUP, "certificatesigningrequests", "", "", name))) {
                    ObjectNode gone = objects.remove(name);
                    if (gone == null) {
                        notFound(ex, name);
                    } else {
                        Http.tree(ex, 200, gone);
                    }
                }
            }
            case "PUT APPROVAL" -> {
                if (api.authorize(ex, id, Attributes.resource("update", GROUP, "certificatesigningrequests", "approval", "", name))) {
                    approval(ex, id, name);
                }
            }
            default -> Http.status(ex, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
    }

    private void create(HttpServerExchange ex, Identity id) throws IOException {
        JsonNode body = readBody(ex);
        if (body == null) {
            return;
        }
        JsonNode spec = body.path("spec");
        String name = body.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            String prefix = body.path("metadata").path("generateName").asText("");
            if (prefix.isEmpty()) {
                invalid(ex, "", "metadata.name: Required value: name or generateName is required");
                return;
            }
            name = prefix + Long.toString(36 * 36 * 36 * 36 + generated.incrementAndGet(), 36);
        }
        PKCS10CertificationRequest csr;
        try {
            csr = parseRequest(spec.path("request").asText(""));
        } catch (IllegalArgumentException e) {
            invalid(ex, name, "spec.request: Invalid value: []byte{...}: " + e.getMessage());
            return;
        }
        String signer = spec.path("signerName").asText("");
        if (!signer.matches("[a-z0-9.-]+\\.[a-z]+/[A-Za-z0-9._-]+")) {
            invalid(ex, name, "spec.signerName: Invalid value: \"" + signer + "\": must be a fully qualified domain and path of the form 'example.com/signer-name'");
            return;
        }
        if (!spec.path("usages").isArray() || spec.path("usages").isEmpty()) {
            invalid(ex, name, "spec.usages: Required value: usages must be provided");
            return;
        }
        if (spec.has("expirationSeconds") && spec.get("expirationSeconds").asLong() < 600) {
            invalid(ex, name, "spec.expirationSeconds: Invalid value: " + spec.get("expirationSeconds").asLong()
                    + ": may not specify a duration less than 600 seconds (10 minutes)");
            return;
        }
        if (signer.equals(CLIENT_SIGNER) && organizations(csr).contains(Policy.MASTERS)) {
            Http.status(ex, 403, "Forbidden", "certificatesigningrequests.certificates.k8s.io \"" + name + "\" is forbidden: use of "
                    + CLIENT_SIGNER + " signer with " + Policy.MASTERS + " group is not allowed", GROUP, "certificatesigningrequests", name);
            return;
        }
        if (objects.size() >= MAX_OBJECTS) {
            Http.status(ex, 429, "TooManyRequests", "the simulator keeps at most " + MAX_OBJECTS + " CertificateSigningRequests");
            return;
        }
        ObjectNode o = Http.MAPPER.createObjectNode();
        o.put("apiVersion", GROUP + "/v1");
        o.put("kind", "CertificateSigningRequest");
        ObjectNode meta = o.putObject("metadata");
        meta.put("name", name);
        meta.put("uid", Uids.uid(0xc5, generated.incrementAndGet()));
        meta.put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
        meta.put("creationTimestamp", Render.time(Instant.now().getEpochSecond()));
        ObjectNode s = o.putObject("spec");
        s.put("request", spec.path("request").asText());
        s.put("signerName", signer);
        if (spec.has("expirationSeconds")) {
            s.put("expirationSeconds", spec.get("expirationSeconds").asLong());
        }
        s.set("usages", spec.get("usages").deepCopy());
        s.put("username", id.user());
        ArrayNode groups = s.putArray("groups");
        id.groups().forEach(groups::add);
        o.putObject("status");
        if (objects.putIfAbsent(name, o) != null) {
            Http.status(ex, 409, "AlreadyExists", "certificatesigningrequests.certificates.k8s.io \"" + name + "\" already exists",
                    GROUP, "certificatesigningrequests", name);
            return;
        }
        Http.tree(ex, 201, o);
    }

    private void list(HttpServerExchange ex) throws IOException {
        ObjectNode l = Http.MAPPER.createObjectNode();
        l.put("apiVersion", GROUP + "/v1");
        l.put("kind", "CertificateSigningRequestList");
        l.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion.get()));
        ArrayNode items = l.putArray("items");
        objects.values().forEach(items::add);
        Http.tree(ex, 200, l);
    }

    private void getOne(HttpServerExchange ex, String name) throws IOException {
        ObjectNode o = objects.get(name);
        if (o == null) {
            notFound(ex, name);
            return;
        }
        synchronized (o) {
            Http.tree(ex, 200, o);
        }
    }

    /** As kube-apiserver plus the CertificateApproval admission plus the signer, which issues at once. */
    private void approval(HttpServerExchange ex, Identity id, String name) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        JsonNode body;
        if (type != null && type.startsWith(ProtobufCsr.MEDIA_TYPE)) {
            try {
                body = ProtobufCsr.decode(Http.body(ex, MAX_BODY));
            } catch (IOException e) {
                Http.status(ex, 400, "BadRequest", "invalid request body: " + e.getMessage());
                return;
            }
        } else {
            body = readBody(ex);
        }
        if (body == null) {
            return;
        }
        ObjectNode o = objects.get(name);
        if (o == null) {
            notFound(ex, name);
            return;
        }
        String signer = o.path("spec").path("signerName").asText();
        String domain = signer.substring(0, signer.indexOf('/'));
        if (!sim.policy().allows(id, Attributes.resource("approve", GROUP, "signers", "", "", signer))
                && !sim.policy().allows(id, Attributes.resource("approve", GROUP, "signers", "", "", domain + "/*"))) {
            Http.status(ex, 403, "Forbidden", "certificatesigningrequests.certificates.k8s.io \"" + name
                    + "\" is forbidden: user not permitted to approve requests with signerName \"" + signer + "\"",
                    GROUP, "certificatesigningrequests", name);
            return;
        }
        JsonNode conditions = body.path("status").path("conditions");
        boolean approved = false;
        boolean denied = false;
        for (JsonNode c : conditions) {
            approved |= c.path("type").asText().equals("Approved") && c.path("status").asText().equals("True");
            denied |= c.path("type").asText().equals("Denied") && c.path("status").asText().equals("True");
        }
        if (approved && denied) {
            invalid(ex, name, "status.conditions[1].type: Invalid value: \"Denied\": Approved and Denied conditions are mutually exclusive");
            return;
        }
        synchronized (o) {
            ObjectNode status = (ObjectNode) o.get("status");
            ArrayNode stored = status.has("conditions") ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
            if (!stored.isEmpty()) {
                invalid(ex, name, "status.conditions: Forbidden: updates may not remove or change existing conditions");
                return;
            }
            for (JsonNode c : conditions) {
                if (c.path("type").asText().matches("Approved|Denied")) {
                    ObjectNode copy = c.deepCopy();
                    copy.put("lastTransitionTime", Render.time(Instant.now().getEpochSecond()));
                    stored.add(copy);
                }
            }
            if (approved && signer.equals(CLIENT_SIGNER)) {
                sign(o, status);
            }
            ((ObjectNode) o.get("metadata")).put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
            Http.tree(ex, 200, o);
        }
    }

    /** kube-controller-manager's csrsigning controller for the kube-apiserver-client signer. */
    private void sign(ObjectNode o, ObjectNode status) {
        JsonNode spec = o.get("spec");
        for (JsonNode u : spec.get("usages")) {
            if (!CLIENT_USAGES.contains(u.asText())) {
                failed(status, "invalid usage for client certificate: " + u.asText());
                return;
            }
        }
        if (!spec.get("usages").toString().contains("\"client auth\"")) {
            failed(status, "missing required usage for client certificate: client auth");
            return;
        }
        Duration ttl = signingDuration;
        if (spec.has("expirationSeconds")) {
            Duration asked = Duration.ofSeconds(Math.max(600, spec.get("expirationSeconds").asLong()));
            ttl = asked.compareTo(ttl) < 0 ? asked : ttl;
        }
        PKCS10CertificationRequest csr = parseRequest(spec.get("request").asText());
        String pem = Pki.pem(Pki.issueFromRequest(sim.ca(), csr, ttl));
        status.put("certificate", Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static void failed(ObjectNode status, String message) {
        ObjectNode c = ((ArrayNode) status.get("conditions")).addObject();
        c.put("type", "Failed");
        c.put("status", "True");
        c.put("reason", "SignerValidationFailure");
        c.put("message", message);
    }

    /** The base64 of a PEM CERTIFICATE REQUEST with a valid self-signature. */
    static PKCS10CertificationRequest parseRequest(String base64) {
        String pem;
        try {
            pem = new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64");
        }
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            if (!(o instanceof PKCS10CertificationRequest csr)) {
                throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
            }
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey(csr)))) {
                throw new IllegalArgumentException("signature verification failed");
            }
            return csr;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
        }
    }

    /** The JDK's providers know EC and RSA by name, not by the OID Bouncy Castle would look them up with. */
    private static java.security.PublicKey publicKey(PKCS10CertificationRequest csr) throws Exception {
        String oid = csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId();
        String algorithm = switch (oid) {
            case "1.2.840.10045.2.1" -> "EC";
            case "1.2.840.113549.1.1.1" -> "RSA";
            default -> throw new IllegalArgumentException("unsupported public key algorithm " + oid);
        };
        return java.security.KeyFactory.getInstance(algorithm)
                .generatePublic(new java.security.spec.X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
    }

    private static List<String> organizations(PKCS10CertificationRequest csr) {
        return java.util.Arrays.stream(csr.getSubject().getRDNs(BCStyle.O))
                .map(RDN::getFirst).map(a -> IETFUtils.valueToString(a.getValue())).toList();
    }

    private static JsonNode readBody(HttpServerExchange ex) throws IOException {
        try {
            JsonNode n = Http.MAPPER.readTree(Http.body(ex, MAX_BODY));
            if (n == null || !n.isObject()) {
                throw new IOException("not a JSON object");
            }
            return n;
        } catch (IOException e) {
            Http.status(ex, 400, "BadRequest", "invalid request body: " + e.getMessage());
            return null;
        }
    }

    private static void invalid(HttpServerExchange ex, String name, String cause) throws IOException {
        Http.status(ex, 422, "Invalid", "CertificateSigningRequest.certificates.k8s.io \"" + name + "\" is invalid: " + cause,
                GROUP, "CertificateSigningRequest", name);
    }

    private static void notFound(HttpServerExchange ex, String name) throws IOException {
        Http.status(ex, 404, "NotFound", "certificatesigningrequests.certificates.k8s.io \"" + name + "\" not found",
                GROUP, "certificatesigningrequests", name);
    }
}
