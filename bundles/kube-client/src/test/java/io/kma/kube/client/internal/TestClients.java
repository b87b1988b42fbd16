package io.kma.kube.client.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.testsupport.JdkTlsMaterials;

/** Kubeconfigs and clients for the fake apiserver, and a bounded wait. */
final class TestClients {

    private TestClients() {
    }

    /** Writes PKI files and a kubeconfig using them (files, relative paths) into {@code dir}. */
    static Path kubeconfig(Path dir, ApiServerPki pki, String server, boolean withServerName, String token) throws Exception {
        pki.writeFiles(dir);
        String yaml = "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
                + "contexts:\n- name: test\n  context: {cluster: fake, user: appliance}\n"
                + "clusters:\n- name: fake\n  cluster:\n    server: " + server + "\n    certificate-authority: ca.crt\n"
                + (withServerName ? "    tls-server-name: " + ApiServerPki.SERVER_NAME + "\n" : "")
                + "users:\n- name: appliance\n  user:\n    client-certificate: client.crt\n    client-key: client.key\n"
                + (token == null ? "" : "    token: " + token + "\n");
        Path p = dir.resolve("kubeconfig");
        Files.writeString(p, yaml);
        return p;
    }

    static ApiClient client(Path kubeconfig, RequestCounter counter) throws Exception {
        Kubeconfig kc = KubeconfigLoader.load(kubeconfig);
        return new ApiClient(kc, ApiTls.socketStrategy(kc, new JdkTlsMaterials()), "kube-metrics-appliance/0.0.0-test",
                counter, new ObjectMapper());
    }

    /** Waits up to {@code max} for the condition; returns whether it became true. */
    static boolean await(BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
