package io.kma.kube.client.internal;

import java.io.IOException;

/** kube-apiserver answered with an error status; the message carries its Status message. */
final class ApiException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int code;

    ApiException(int code, String message) {
        super(message);
        this.code = code;
    }

    int code() {
        return code;
    }

    boolean isGone() {
        return code == 410;
    }
}
