package io.kma.metrics.api.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The OpenAPI v2 and v3 documents (title "Kubernetes metrics-server", the metrics.k8s.io definitions) that
 * the aggregator merges and kubectl explain reads. Loaded once from the bundle's resources.
 */
final class OpenApiDocuments {

    static final String V3_GROUP_PATH = "apis/metrics.k8s.io/v1beta1";

    private final byte[] v2;
    private final byte[] v3;
    private final byte[] v3Index;
    private final String v3Hash;
    private final String v2Hash;

    /** @param version e.g. v0.1.0 (upstream cuts the build version at the first '-') */
    OpenApiDocuments(String version) {
        v2 = load("openapi-v2.json", version);
        v3 = load("openapi-v3.json", version);
        v3Hash = sha512(v3);
        v2Hash = sha512(v2);
        v3Index = ("{\"paths\":{\"" + V3_GROUP_PATH + "\":{\"serverRelativeURL\":\"/openapi/v3/" + V3_GROUP_PATH
                + "?hash=" + v3Hash + "\"}}}").getBytes(StandardCharsets.UTF_8);
    }

    byte[] v2() {
        return v2;
    }

    byte[] v3() {
        return v3;
    }

    byte[] v3Index() {
        return v3Index;
    }

    /** ETag of the v2 document: the aggregator re-downloads it only when it changes. */
    String v2Hash() {
        return v2Hash;
    }

    /** The ETag kube-apiserver's OpenAPI v3 handler uses for the group document. */
    String v3Hash() {
        return v3Hash;
    }

    private static byte[] load(String name, String version) {
        try (InputStream in = OpenApiDocuments.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the bundle");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.replace("${VERSION}", version).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha512(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(b)).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 missing from the JRE", e);
        }
    }
}
