package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kma.api.http.HealthCheck;
import io.kma.shared.metrics.Histogram;

class ScraperMetricsTest {

    @Test
    void tickBucketsFollowUpstream() {
        assertArrayEquals(new double[] {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 12.5, 15, 22.5, 30},
                ScraperMetrics.bucketsForScrapeDuration(15_000));
        assertArrayEquals(Histogram.defaultBuckets(), ScraperMetrics.bucketsForScrapeDuration(10_000));
    }

    @Test
    void foreignPodsAreCountedPerReportingNodeUntilTheNodeLeaves() throws Exception {
        ScraperMetrics m = new ScraperMetrics(15_000);
        ForeignPodFilter f = new ForeignPodFilter(ForeignPodFilterTest.pods(java.util.Map.of("ns/p", "worker-2")),
                m.foreignPods());
        f.keepOwn(new io.kma.api.store.NodeScrape("worker-1", null, java.util.List.of(ForeignPodFilterTest.c("ns", "p", "c"))));
        StringBuilder sb = new StringBuilder();
        m.writeTo(sb);
        assertTrue(sb.toString().contains("# TYPE kube_metrics_appliance_foreign_pods_dropped_total counter\n"
                + "kube_metrics_appliance_foreign_pods_dropped_total{node=\"worker-1\"} 1\n"), sb::toString);
        m.retainNodes(Set.of("worker-2"));
        sb.setLength(0);
        m.writeTo(sb);
        assertTrue(!sb.toString().contains("foreign_pods_dropped_total{"), sb::toString);
    }

    @Test
    void familiesHaveUpstreamNamesTypesAndAlphaHelp() throws Exception {
        ScraperMetrics m = new ScraperMetrics(15_000);
        m.nodeScraped(new NodeResult("n1", null, null, "u", 1, 20_000_000), 1700000000.5);
        m.nodeScraped(new NodeResult("n2", null, new ScrapeFailure(Outcome.FORBIDDEN, "u", "x", false), "u", 1, 1), 1700000001);
        m.tick(0.2);
        StringBuilder sb = new StringBuilder();
        m.writeTo(sb);
        String t = sb.toString();
        for (String line : new String[] {
            "# HELP metrics_server_kubelet_request_duration_seconds [ALPHA] Duration of requests to Kubelet API in seconds",
            "# TYPE metrics_server_kubelet_request_duration_seconds histogram",
            "metrics_server_kubelet_request_duration_seconds_bucket{node=\"n1\",le=\"0.025\"} 1",
            "metrics_server_kubelet_request_duration_seconds_count{node=\"n2\"} 1",
            "# TYPE metrics_server_kubelet_request_total counter",
            "metrics_server_kubelet_request_total{success=\"false\"} 1",
            "metrics_server_kubelet_request_total{success=\"true\"} 1",
            "# TYPE metrics_server_kubelet_last_request_time_seconds gauge",
            "metrics_server_kubelet_last_request_time_seconds{node=\"n1\"} 1700000000.500",
            "# HELP metrics_server_manager_tick_duration_seconds [ALPHA] The total time spent collecting and storing metrics in seconds",
            "metrics_server_manager_tick_duration_seconds_bucket{le=\"22.5\"} 1",
            "kube_metrics_appliance_scrape_duration_seconds_count{outcome=\"forbidden\"} 1",
            "kube_metrics_appliance_scrape_duration_seconds_count{outcome=\"too_large\"} 0",
            "kube_metrics_appliance_scrape_last_success_timestamp_seconds{node=\"n1\"} 1700000000.500",
        }) {
            assertTrue(t.contains(line + "\n"), () -> "missing: " + line + "\nin:\n" + t);
        }
        assertTrue(!t.contains("kube_metrics_appliance_scrape_last_success_timestamp_seconds{node=\"n2\"}"));
        m.retainNodes(Set.of("n2"));
        sb.setLength(0);
        m.writeTo(sb);
        assertTrue(!sb.toString().contains("node=\"n1\""), sb::toString);
    }

    @Test
    void collectionTimelyCheck() {
        long s = 1_000_000_000L;
        long res = 15_000;
        assertEquals(HealthCheck.Result.OK, ScraperComponent.timely(0, 0, 100 * s, res));
        assertEquals(HealthCheck.Result.OK, ScraperComponent.timely(100 * s, 100 * s, 122 * s, res));
        assertEquals("metric collection didn't finish on time",
                ScraperComponent.timely(100 * s, 100 * s, 123 * s, res).reason());
        assertEquals(HealthCheck.Result.OK, ScraperComponent.timely(0, 100 * s, 130 * s, res));
        assertEquals("metric collection didn't finish on time", ScraperComponent.timely(0, 100 * s, 140 * s, res).reason());
    }
}
