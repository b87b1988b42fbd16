package io.kma.http.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestMetricsTest {

    @TempDir
    Path tmp;

    @Test
    void countsRequestsByMethodAndCodeAndTimesThem() throws Exception {
        try (TestListener listener = new TestListener(Duration.ofSeconds(5)).start(TestListener.selfSigned(tmp))) {
            SSLContext client = TestClient.trustingAll(null);
            try (SSLSocket s = TestClient.connect(client, listener.port())) {
                TestClient.request(s, "GET", "/livez");
                TestClient.request(s, "GET", "/livez");
                TestClient.request(s, "HEAD", "/readyz");
                TestClient.request(s, "GET", "/nothing-here");
                TestClient.request(s, "BREW", "/livez");
            }
            // The completion listener runs after the response is written; give it a moment, bounded.
            String text = "";
            for (int i = 0; i < 50 && !text.contains("_count 5"); i++) {
                StringBuilder out = new StringBuilder();
                listener.metrics.writeTo(out);
                text = out.toString();
                Thread.sleep(i == 0 ? 0 : 20);
            }
            List<String> lines = text.lines().toList();
            assertTrue(lines.contains("# TYPE kube_metrics_appliance_http_requests_total counter"), text);
            assertTrue(lines.contains("kube_metrics_appliance_http_requests_total{method=\"GET\",code=\"200\"} 2"), text);
            assertTrue(lines.contains("kube_metrics_appliance_http_requests_total{method=\"HEAD\",code=\"200\"} 1"), text);
            assertTrue(lines.contains("kube_metrics_appliance_http_requests_total{method=\"GET\",code=\"404\"} 1"), text);
            assertTrue(lines.contains("kube_metrics_appliance_http_requests_total{method=\"other\",code=\"200\"} 1"), text);
            assertTrue(lines.contains("# TYPE kube_metrics_appliance_http_request_duration_seconds histogram"), text);
            assertTrue(lines.contains("kube_metrics_appliance_http_request_duration_seconds_bucket{le=\"+Inf\"} 5"), text);
            assertTrue(lines.contains("kube_metrics_appliance_http_request_duration_seconds_count 5"), text);
            assertEquals(5, lines.stream().filter(l -> l.startsWith("# HELP ")).count());
            assertTrue(lines.contains("kube_metrics_appliance_http_requests_rejected_inflight_total 0"), text);
        }
    }
}
