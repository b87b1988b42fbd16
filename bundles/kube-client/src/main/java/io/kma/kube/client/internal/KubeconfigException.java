package io.kma.kube.client.internal;

/** A kubeconfig that cannot be used; the message names the file and the field. */
final class KubeconfigException extends Exception {

    private static final long serialVersionUID = 1L;

    /** True when the kubeconfig is fine but a service it needs has not arrived yet (bundle start order). */
    private final boolean waitingForService;

    KubeconfigException(String message) {
        this(message, false);
    }

    KubeconfigException(String message, boolean waitingForService) {
        super(message);
        this.waitingForService = waitingForService;
    }

    boolean waitingForService() {
        return waitingForService;
    }
}
