package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;

class SummaryParserTest {

    static final String SUMMARY = """
            {"node":{"nodeName":"old-node","systemContainers":[{"name":"kubelet","cpu":{"usageCoreNanoSeconds":1}}],
              "startTime":"2021-01-01T00:00:00Z",
              "cpu":{"time":"2021-10-03T09:36:50Z","usageNanoCores":123,"usageCoreNanoSeconds":357354910000},
              "memory":{"time":"2021-10-03T09:36:50Z","availableBytes":1,"usageBytes":2,"workingSetBytes":1616273408},
              "network":{"interfaces":[{"name":"eth0","rxBytes":5}]},"fs":{"usedBytes":1}},
             "pods":[
              {"containers":[{"name":"early","startTime":"2021-10-03T09:18:32Z",
                  "cpu":{"time":"2021-10-03T09:36:52.125Z","usageCoreNanoSeconds":1},"memory":{"time":"2021-10-03T09:36:52.125Z","workingSetBytes":1}}],
               "podRef":{"name":"first","namespace":"ns1","uid":"u0"}},
              {"podRef":{"name":"coredns-558bd4d5db-4dpjz","namespace":"kube-system","uid":"u1"},
               "startTime":"2021-10-03T09:18:30Z",
               "containers":[{"name":"coredns","startTime":"2021-10-03T09:18:32Z",
                  "cpu":{"time":"2021-10-03T09:36:52.125Z","usageNanoCores":5,"usageCoreNanoSeconds":4710169000},
                  "memory":{"time":"2021-10-03T09:36:52.125Z","workingSetBytes":12533760,"rssBytes":3},
                  "rootfs":{"usedBytes":4},"logs":{"usedBytes":5}}],
               "volume":[{"name":"v","usedBytes":1}],"ephemeral-storage":{"usedBytes":1}},
              {"podRef":{"name":"no-cpu","namespace":"ns1","uid":"u2"},
               "containers":[{"name":"c","memory":{"time":"2021-10-03T09:36:52Z","workingSetBytes":10}}]}
             ]}
            """;

    private static long nanos(String t) {
        Instant i = Instant.parse(t);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static NodeScrape parse(String json) throws MalformedMetricsException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        NodeScrapeAssembler a = new NodeScrapeAssembler("old-node");
        new SummaryParser(new JsonFactory(), new Interner(8)).parse(b, b.length, a);
        return a.build();
    }

    @Test
    void readsNodeAndContainersAndSkipsTheRest() throws Exception {
        NodeScrape s = parse(SUMMARY);
        assertEquals(new MetricPoint(nanos("2021-10-03T09:36:50Z"), 357_354_910_000L, 1_616_273_408L, 0), s.nodePoint());
        assertEquals(2, s.containers().size(), s.containers()::toString);
        ContainerSample first = s.containers().get(0);
        assertEquals("first", first.pod());
        ContainerSample c = s.containers().get(1);
        assertEquals("kube-system", c.namespace());
        assertEquals("coredns-558bd4d5db-4dpjz", c.pod());
        assertEquals("coredns", c.container());
        assertEquals(new MetricPoint(nanos("2021-10-03T09:36:52.125Z"), 4_710_169_000L, 12_533_760L,
                nanos("2021-10-03T09:18:32Z")), c.point());
    }

    @Test
    void timesThatDoNotFitNanosecondsAreRefused() {
        for (String t : new String[] {"2262-04-12T00:00:00Z", "+999999999-12-31T23:59:59Z", "1969-12-31T23:59:59Z"}) {
            MalformedMetricsException e = assertThrows(MalformedMetricsException.class,
                    () -> parse("{\"node\":{\"cpu\":{\"time\":\"" + t + "\",\"usageCoreNanoSeconds\":1}}}"));
            assertEquals("time \"" + t + "\" in summary JSON is out of range (1970-01-01 to 2262-04-11)", e.getMessage());
        }
        MalformedMetricsException e = assertThrows(MalformedMetricsException.class, () -> parse(
                "{\"pods\":[{\"containers\":[{\"name\":\"c\",\"startTime\":\"3000-01-01T00:00:00Z\"}]}]}"));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void lastTimeThatFitsIsKept() throws Exception {
        NodeScrape s = parse("{\"node\":{\"cpu\":{\"time\":\"2262-04-11T23:47:15.999999999Z\",\"usageCoreNanoSeconds\":1},"
                + "\"memory\":{\"time\":\"2262-04-11T23:47:15.999999999Z\",\"workingSetBytes\":1}}}");
        assertEquals(nanos("2262-04-11T23:47:15.999999999Z"), s.nodePoint().timestampNanos());
        assertTrue(s.nodePoint().timestampNanos() > 0);
    }

    @Test
    void aHugeBadTimeIsNotEchoedWhole() {
        String t = "x".repeat(100_000);
        MalformedMetricsException e = assertThrows(MalformedMetricsException.class,
                () -> parse("{\"node\":{\"cpu\":{\"time\":\"" + t + "\",\"usageCoreNanoSeconds\":1}}}"));
        assertTrue(e.getMessage().length() < 200, () -> "message length " + e.getMessage().length());
    }

    @Test
    void rejectsGarbage() {
        MalformedMetricsException e = assertThrows(MalformedMetricsException.class, () -> parse("{\"node\": {\"cpu\": [1,"));
        assertTrue(e.getMessage().startsWith("invalid summary JSON"), e.getMessage());
        assertThrows(MalformedMetricsException.class, () -> parse("[]"));
        assertThrows(MalformedMetricsException.class,
                () -> parse("{\"node\":{\"cpu\":{\"time\":\"yesterday\",\"usageCoreNanoSeconds\":1}}}"));
    }
}
