package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.kma.shared.labels.LabelSelector;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;

/** Request-header headers never survive authentication, whoever sent them. */
class HeaderStrippingTest {

    @Test
    void remoteHeadersAreRemovedFromEveryRequest() {
        ApiSettings settings = new ApiSettings(LabelSelector.everything(), "/nonexistent/front-proxy-ca.crt",
                List.of("front-proxy-client"), List.of("X-Remote-User", "X-Proxy-User"), List.of("X-Remote-Group"),
                List.of("X-Remote-Extra-"), 10_000, false, 10_000, 10_000, List.of());
        Fakes.Services services = new Fakes.Services();
        Authenticator authenticator = new Authenticator(settings, services, System::nanoTime);
        HttpServerExchange exchange = new HttpServerExchange(null);
        exchange.getRequestHeaders().add(new HttpString("X-Remote-User"), "admin");
        exchange.getRequestHeaders().add(new HttpString("x-remote-group"), "system:masters");
        exchange.getRequestHeaders().add(new HttpString("X-Remote-Extra-Scopes"), "all");
        exchange.getRequestHeaders().add(new HttpString("X-Proxy-User"), "admin");
        exchange.getRequestHeaders().add(new HttpString("X-Remote-Uid"), "0");
        exchange.getRequestHeaders().add(new HttpString("Accept"), "application/json");

        Authenticator.Result r = authenticator.authenticate(exchange);

        assertNull(r.user());
        assertTrue(r.failure().contains("no client certificate"), r.failure());
        assertEquals(1, exchange.getRequestHeaders().size(), exchange.getRequestHeaders().toString());
        assertEquals("application/json", exchange.getRequestHeaders().getFirst("Accept"));
    }
}
