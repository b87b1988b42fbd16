package io.kma.api.tls;

/**
 * Key material that cannot be used; the message names the file and what is wrong with it.
 */
public class TlsException extends Exception {

    private static final long serialVersionUID = 1L;

    public TlsException(String message) {
        super(message);
    }

    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
