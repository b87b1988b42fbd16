package io.kma.kube.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.testsupport.TestPki;

class KubeconfigLoaderTest {

    static ApiServerPki pki;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() throws Exception {
        pki = ApiServerPki.create();
    }

    private Path write(String yaml) throws Exception {
        Path p = dir.resolve("kubeconfig");
        Files.writeString(p, yaml);
        return p;
    }

    static String kubeconfig(String cluster, String user) {
        return "apiVersion: v1\nkind: Config\ncurrent-context: kma\n"
                + "contexts:\n- name: other\n  context: {cluster: nowhere, user: nobody}\n"
                + "- name: kma\n  context:\n    cluster: c1\n    user: u1\n"
                + "clusters:\n- name: c1\n  cluster:\n" + cluster
                + "users:\n- name: u1\n  user:\n" + user;
    }

    @Test
    void inlineDataAndServerName() throws Exception {
        Path p = write(kubeconfig("    server: https://10.0.0.1:6443/\n    certificate-authority-data: "
                + TestPki.base64(TestPki.pem(pki.ca().cert())) + "\n    tls-server-name: kubernetes.default.svc\n",
                "    client-certificate-data: " + TestPki.base64(TestPki.pem(pki.client().cert())) + "\n    client-key-data: "
                        + TestPki.base64(TestPki.pem(pki.client().key())) + "\n"));
        Kubeconfig kc = KubeconfigLoader.load(p);
        assertEquals("kma", kc.context());
        assertEquals(URI.create("https://10.0.0.1:6443"), kc.server());
        assertEquals("kubernetes.default.svc", kc.tlsServerName());
        assertFalse(kc.certificateAuthority().isFile());
        assertTrue(kc.certificateAuthority().pem().startsWith("-----BEGIN CERTIFICATE-----"));
        assertEquals("users[0].user.client-key-data", kc.clientKey().field());
        assertTrue(kc.clientKey().pem().contains("PRIVATE KEY"));
        assertFalse(kc.insecureSkipTlsVerify());
        assertNull(kc.token());
        assertFalse(kc.toString().contains("PRIVATE"), "toString must not show key material");
    }

    @Test
    void relativeFilesResolveAgainstKubeconfigDirectory() throws Exception {
        Path pki1 = Files.createDirectories(dir.resolve("pki"));
        pki.writeFiles(pki1);
        Files.writeString(pki1.resolve("token"), "abc\n");
        Path p = write(kubeconfig("    server: https://api.example:6443\n    certificate-authority: pki/ca.crt\n",
                "    client-certificate: pki/client.crt\n    client-key: ./pki/../pki/client.key\n    tokenFile: pki/token\n"));
        Kubeconfig kc = KubeconfigLoader.load(p);
        assertEquals(pki1.resolve("ca.crt"), kc.certificateAuthority().file());
        assertEquals(pki1.resolve("client.crt"), kc.clientCertificate().file());
        assertEquals(pki1.resolve("client.key"), kc.clientKey().file());
        assertEquals(pki1.resolve("token"), kc.tokenFile());
    }

    @Test
    void missingKeyFileNamesFileAndField() throws Exception {
        Path p = write(kubeconfig("    server: https://api.example:6443\n    insecure-skip-tls-verify: true\n",
                "    client-certificate-data: " + TestPki.base64(TestPki.pem(pki.client().cert())) + "\n    client-key: /x\n"));
        KubeconfigException e = assertThrows(KubeconfigException.class, () -> KubeconfigLoader.load(p));
        assertEquals(p + ": users[0].user.client-key: file /x not readable", e.getMessage());
    }

    @Test
    void execPluginIsRejectedClearly() throws Exception {
        Path p = write(kubeconfig("    server: https://api.example:6443\n",
                "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n"));
        KubeconfigException e = assertThrows(KubeconfigException.class, () -> KubeconfigLoader.load(p));
        assertTrue(e.getMessage().startsWith(p + ": users[0].user.exec: credential plugins are not supported"),
                e.getMessage());
    }

    @Test
    void authProviderIsRejectedClearly() throws Exception {
        Path p = write(kubeconfig("    server: https://api.example:6443\n", "    auth-provider:\n      name: oidc\n"));
        KubeconfigException e = assertThrows(KubeconfigException.class, () -> KubeconfigLoader.load(p));
        assertTrue(e.getMessage().contains("users[0].user.auth-provider: credential plugins are not supported"));
    }

    @Test
    void otherErrorsNameTheField() throws Exception {
        assertEquals(dir.resolve("nope") + ": file does not exist",
                assertThrows(KubeconfigException.class, () -> KubeconfigLoader.load(dir.resolve("nope"))).getMessage());
        Path p = write(kubeconfig("    certificate-authority: ca.crt\n", "    token: t\n"));
        assertEquals(p + ": clusters[0].cluster.server: missing",
                assertThrows(KubeconfigException.class, () -> KubeconfigLoader.load(p)).getMessage());
        Path p2 = write(kubeconfig("    server: https://a:1\n    certificate-authority-data: '%%%'\n", "    token: t\n"));
        assertEquals(p2 + ": clusters[0].cluster.certificate-authority-data: not valid base64",
                assertThrows(KubeconfigException.class, () -> KubeconfigLoader.load(p2)).getMessage());
        Path p3 = write(kubeconfig("    server: https://a:1\n", "    token: t\n").replace("current-context: kma",
                "current-context: gone"));
        assertEquals(p3 + ": contexts: no entry named \"gone\"",
                assertThrows(KubeconfigException.class, () -> KubeconfigLoader.load(p3)).getMessage());
    }

    @Test
    void invalidYamlDoesNotEchoContent() throws Exception {
        Path p = write("users:\n- name: u\n  user: {token: s3cr3t\n");
        KubeconfigException e = assertThrows(KubeconfigException.class, () -> KubeconfigLoader.load(p));
        assertTrue(e.getMessage().startsWith(p + ": not valid YAML"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"));
    }

    @Test
    void tokenFileIsReReadWhenItChanges() throws Exception {
        Path f = dir.resolve("token");
        Files.writeString(f, "first\n");
        BearerToken t = new BearerToken("fallback", f);
        assertEquals("first", t.current());
        Files.writeString(f, "second-token\n");
        assertEquals("second-token", t.current());
        Files.delete(f);
        assertEquals("second-token", t.current(), "keeps the last good token while the file is missing");
        assertEquals("fixed", new BearerToken("fixed", null).current());
    }
}
