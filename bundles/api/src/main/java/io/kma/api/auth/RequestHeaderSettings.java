package io.kma.api.auth;

import java.util.List;

/**
 * Front-proxy (request-header) authentication settings, as kube-apiserver publishes them in the
 * {@code kube-system/extension-apiserver-authentication} ConfigMap.
 *
 * @param clientCaPem        PEM of the CA that signs the front-proxy client certificate
 * @param allowedNames       allowed certificate CNs; empty means any CN signed by the CA
 * @param usernameHeaders    e.g. [X-Remote-User]
 * @param groupHeaders       e.g. [X-Remote-Group]
 * @param extraHeaderPrefixes e.g. [X-Remote-Extra-]
 * @param clientCaFilePem    PEM of {@code client-ca-file} (x509 client-certificate authentication), may be null
 */
public record RequestHeaderSettings(String clientCaPem, List<String> allowedNames, List<String> usernameHeaders,
        List<String> groupHeaders, List<String> extraHeaderPrefixes, String clientCaFilePem) {
}
