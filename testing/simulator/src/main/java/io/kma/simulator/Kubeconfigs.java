package io.kma.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/** Writes kubeconfig files with embedded *-data, as kubeadm does for admin.conf. */
final class Kubeconfigs {
    private Kubeconfigs() {
    }

    private static String b64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    static String certUser(String server, String caPem, String user, String certPem, String keyPem) {
        return header(server, caPem, user) + "    client-certificate-data: " + b64(certPem) + "\n"
                + "    client-key-data: " + b64(keyPem) + "\n";
    }

    static String tokenUser(String server, String caPem, String user, String token) {
        return header(server, caPem, user) + "    token: " + token + "\n";
    }

    private static String header(String server, String caPem, String user) {
        return "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- name: simulator\n"
                + "  cluster:\n"
                + "    server: " + server + "\n"
                + "    certificate-authority-data: " + b64(caPem) + "\n"
                + "contexts:\n"
                + "- name: " + user + "@simulator\n"
                + "  context:\n"
                + "    cluster: simulator\n"
                + "    user: " + user + "\n"
                + "current-context: " + user + "@simulator\n"
                + "preferences: {}\n"
                + "users:\n"
                + "- name: " + user + "\n"
                + "  user:\n";
    }

    static void write(Path file, String text) throws IOException {
        Pki.writeAtomic(file, text, true);
    }
}
