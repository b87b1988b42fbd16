package io.kma.kube.client.internal;

import java.net.URI;
import java.nio.file.Path;

/**
 * The parts of a kubeconfig's current context the client uses.
 *
 * @param path               the kubeconfig file
 * @param context            name of the context used
 * @param server             kube-apiserver URL (https://host:port, maybe with a path prefix)
 * @param certificateAuthority CA bundle; null means the JVM's default trust
 * @param insecureSkipTlsVerify trust any server certificate (loud)
 * @param tlsServerName      name to verify the server certificate against (and send as SNI); null for the URL host
 * @param clientCertificate  client certificate chain, null when none
 * @param clientKey          client key, null when none
 * @param token              static bearer token, null when none
 * @param tokenFile          bearer token file (re-read when it changes), null when none
 */
record Kubeconfig(Path path, String context, URI server, PemSource certificateAuthority, boolean insecureSkipTlsVerify,
        String tlsServerName, PemSource clientCertificate, PemSource clientKey, String token, Path tokenFile) {

    @Override
    public String toString() {
        // Never print the token or inline key material.
        return "Kubeconfig[" + path + ", context " + context + ", server " + server + "]";
    }
}
