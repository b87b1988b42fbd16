package io.kma.kube.client.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PEM material named by a kubeconfig: either a file (re-read by the tls bundle when it changes) or
 * inline data decoded from a {@code *-data} field. Exactly one of {@code file} and {@code pem} is set.
 *
 * @param field where it came from, e.g. {@code users[0].user.client-key-data}, for error messages
 */
record PemSource(Path file, String pem, String field) {

    boolean isFile() {
        return file != null;
    }

    /** The PEM text: read from the file now (it may have been rotated), or the inline data. */
    String text() throws IOException {
        return isFile() ? Files.readString(file, StandardCharsets.US_ASCII) : pem;
    }

    /** For messages: the file, or the kubeconfig field holding the data. Never the content. */
    String describe(Path kubeconfig) {
        return isFile() ? file.toString() : kubeconfig + ": " + field;
    }
}
