package io.kma.scraper.internal;

import java.nio.charset.StandardCharsets;

/**
 * A kubelet's answer: status and the body bytes (a pooled buffer, of which {@code length} bytes are
 * valid; give it back to the pool once parsed).
 */
record KubeletResponse(int status, String reason, String protocol, byte[] body, int length) {

    /** The first line of the body, for error messages. */
    String bodyHint() {
        int n = 0;
        while (n < length && n < 200 && body[n] != '\n') {
            n++;
        }
        return new String(body, 0, n, StandardCharsets.UTF_8).trim();
    }
}
