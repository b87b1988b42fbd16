package io.kma.kube.client.internal;

/** A kubeconfig that cannot be used; the message names the file and the field. */
final class KubeconfigException extends Exception {

    private static final long serialVersionUID = 1L;

    KubeconfigException(String message) {
        super(message);
    }
}
