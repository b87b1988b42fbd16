package io.kma.kube.client.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One {@code certificates.k8s.io/v1} CertificateSigningRequest: create, approve, wait for the certificate. */
final class SigningRequest {

    static final String PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
    static final String NAME_PREFIX = "kube-metrics-appliance-";

    private final ApiClient api;
    private final ObjectMapper mapper;

    SigningRequest(ApiClient api, ObjectMapper mapper) {
        this.api = api;
        this.mapper = mapper;
    }

    /** Creates the request; returns the name kube-apiserver gave it. */
    String create(String requestPem, String signer, Duration expiration) throws IOException {
        ObjectNode csr = mapper.createObjectNode();
        csr.put("apiVersion", "certificates.k8s.io/v1");
        csr.put("kind", "CertificateSigningRequest");
        csr.putObject("metadata").put("generateName", NAME_PREFIX);
        ObjectNode spec = csr.putObject("spec");
        spec.put("request", Base64.getEncoder().encodeToString(requestPem.getBytes(StandardCharsets.US_ASCII)));
        spec.put("signerName", signer);
        spec.put("expirationSeconds", expiration.toSeconds());
        spec.putArray("usages").add("digital signature").add("client auth");
        JsonNode created = api.post(PATH, csr);
        String name = created.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            throw new IOException("kube-apiserver created the CertificateSigningRequest but returned no name");
        }
        return name;
    }

    /** What {@code kubectl certificate approve} does: adds the Approved condition through the approval subresource. */
    void approve(String name) throws IOException {
        JsonNode current = api.get("get", PATH + "/" + name);
        ObjectNode updated = current.deepCopy();
        ObjectNode condition = updated.withObject("/status").withArray("conditions").addObject();
        condition.put("type", "Approved");
        condition.put("status", "True");
        condition.put("reason", "KubeMetricsApplianceIdentity");
        condition.put("message", "Approved by kube-metrics-appliance identity --approve.");
        condition.put("lastUpdateTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        api.put(PATH + "/" + name + "/approval", updated);
    }

    /** Polls until the signer wrote the certificate (PEM), or fails on Denied, Failed or the deadline. */
    String awaitCertificate(String name, Duration wait, long pollMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            JsonNode csr = api.get("get", PATH + "/" + name);
            for (JsonNode c : csr.path("status").path("conditions")) {
                String type = c.path("type").asText();
                if ((type.equals("Denied") || type.equals("Failed")) && c.path("status").asText().equals("True")) {
                    throw new IOException("CertificateSigningRequest " + name + " was " + type.toLowerCase()
                            + ": " + c.path("reason").asText("") + " " + c.path("message").asText(""));
                }
            }
            String cert = csr.path("status").path("certificate").asText("");
            if (!cert.isEmpty()) {
                return new String(Base64.getDecoder().decode(cert), StandardCharsets.US_ASCII);
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IOException("CertificateSigningRequest " + name + " got no certificate within "
                        + wait.toSeconds() + " s (not approved yet? kubectl certificate approve " + name
                        + "; approved but not signed? kube-controller-manager needs --cluster-signing-cert-file)");
            }
            Thread.sleep(pollMillis);
        }
    }
}
