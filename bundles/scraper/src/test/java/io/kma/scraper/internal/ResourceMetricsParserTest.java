package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;

class ResourceMetricsParserTest {

    private static final long DEFAULT_TS = 1_700_000_000_000_000_000L;

    private final Interner interner = new Interner(10);

    private NodeScrape parse(String body) throws MalformedMetricsException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        NodeScrapeAssembler a = new NodeScrapeAssembler("n1");
        new ResourceMetricsParser(interner).parse(b, b.length, DEFAULT_TS, a);
        return a.build();
    }

    private static Map<String, ContainerSample> byName(NodeScrape s) {
        return s.containers().stream().collect(Collectors.toMap(
                c -> c.namespace() + "/" + c.pod() + "/" + c.container(), Function.identity()));
    }

    @Test
    void upstreamDecodeTestSample() throws Exception {
        NodeScrape s = parse("""
                container_cpu_usage_seconds_total{container="coredns",namespace="kube-system",pod="coredns-558bd4d5db-4dpjz"} 4.710169 1633253812125
                container_memory_working_set_bytes{container="coredns",namespace="kube-system",pod="coredns-558bd4d5db-4dpjz"} 1.253376e+07 1633253812125
                container_start_time_seconds{container="coredns",namespace="kube-system",pod="coredns-558bd4d5db-4dpjz"} 1.633252712e+9 1633253812125
                node_cpu_usage_seconds_total 357.35491 1633253809720
                node_memory_working_set_bytes 1.616273408e+09 1633253809720
                """);
        assertEquals(new MetricPoint(1633253809720_000_000L, 357_354_910_000L, 1_616_273_408L, 0), s.nodePoint());
        assertEquals(1, s.containers().size());
        ContainerSample c = s.containers().get(0);
        assertEquals("kube-system", c.namespace());
        assertEquals("coredns-558bd4d5db-4dpjz", c.pod());
        assertEquals("coredns", c.container());
        assertEquals(new MetricPoint(1633253812125_000_000L, 4_710_169_000L, 12_533_760L, 1_633_252_712_000_000_000L),
                c.point());
    }

    @Test
    void realisticKubeletBodyWithHelpTypeAndOtherFamilies() throws Exception {
        NodeScrape s = parse("""
                # HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
                # TYPE container_cpu_usage_seconds_total counter
                container_cpu_usage_seconds_total{container="app",namespace="default",pod="web-0"} 12.5 1700000001000
                container_cpu_usage_seconds_total{container="sidecar",namespace="default",pod="web-0"} 0.25 1700000001000
                # HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes
                # TYPE container_memory_working_set_bytes gauge
                container_memory_working_set_bytes{container="app",namespace="default",pod="web-0"} 2.4e+07 1700000001000
                container_memory_working_set_bytes{container="sidecar",namespace="default",pod="web-0"} 4096 1700000001000
                # HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds
                # TYPE container_start_time_seconds gauge
                container_start_time_seconds{container="app",namespace="default",pod="web-0"} 1.6999e+09
                container_swap_usage_bytes{container="app",namespace="default",pod="web-0"} 0 1700000001000

                # HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds
                # TYPE node_cpu_usage_seconds_total counter
                node_cpu_usage_seconds_total 1000 1700000000500
                node_memory_working_set_bytes 8.0e9 1700000000500
                node_swap_usage_bytes 0 1700000000500
                pod_cpu_usage_seconds_total{namespace="default",pod="web-0"} 12.75 1700000001000
                pod_memory_working_set_bytes{namespace="default",pod="web-0"} 2.4004096e+07 1700000001000
                # HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise
                # TYPE resource_scrape_error gauge
                resource_scrape_error 0
                scrape_error 0
                """);
        assertEquals(new MetricPoint(1700000000500_000_000L, 1_000_000_000_000L, 8_000_000_000L, 0), s.nodePoint());
        Map<String, ContainerSample> c = byName(s);
        assertEquals(2, c.size());
        assertEquals(new MetricPoint(1700000001000_000_000L, 12_500_000_000L, 24_000_000L, 1_699_900_000_000_000_000L),
                c.get("default/web-0/app").point());
        assertEquals(new MetricPoint(1700000001000_000_000L, 250_000_000L, 4096L, 0), c.get("default/web-0/sidecar").point());
    }

    @Test
    void missingTimestampsDefaultToRequestTime() throws Exception {
        NodeScrape s = parse("node_cpu_usage_seconds_total 1.5\nnode_memory_working_set_bytes 100\n"
                + "container_cpu_usage_seconds_total{container=\"c\",namespace=\"n\",pod=\"p\"} 2\n"
                + "container_memory_working_set_bytes{container=\"c\",namespace=\"n\",pod=\"p\"} 3");
        assertEquals(DEFAULT_TS, s.nodePoint().timestampNanos());
        assertEquals(1_500_000_000L, s.nodePoint().cpuNanoSeconds());
        assertEquals(DEFAULT_TS, s.containers().get(0).point().timestampNanos());
    }

    @ParameterizedTest
    @CsvSource({
        "1.4864384e+07, 14864384",
        "1.4864384E7, 14864384",
        "14864384, 14864384",
        "+14864384.0, 14864384",
        "0.5e3, 500",
        "1e-1, 0",
        ".5e1, 5",
        "123456789012345678, 123456789012345678",
    })
    void numberForms(String value, long bytes) throws Exception {
        NodeScrape s = parse("node_cpu_usage_seconds_total 1 1\nnode_memory_working_set_bytes " + value + " 1\n");
        if (bytes == 0) {
            assertNull(s.nodePoint());
        } else {
            assertEquals(bytes, s.nodePoint().memoryBytes());
        }
    }

    @Test
    void labelsInAnyOrderWithEscapesSpacesAndTrailingComma() throws Exception {
        NodeScrape s = parse("""
                container_cpu_usage_seconds_total{ pod = "p\\"1" , id="x\\\\y}", container="c",namespace="ns",} 1 10
                container_memory_working_set_bytes{namespace="ns",image="a,b=c",container="c",pod="p\\"1"} 2 10
                """);
        ContainerSample c = s.containers().get(0);
        assertEquals("p\"1", c.pod());
        assertEquals("ns", c.namespace());
        assertEquals("c", c.container());
        assertEquals(2, c.point().memoryBytes());
    }

    @Test
    void namesMustMatchExactly() throws Exception {
        NodeScrape s = parse("""
                node_cpu_usage_seconds_total_extra 5 1
                node_cpu_usage_seconds_totalx{a="b"} 5 1
                node_cpu_usage_seconds_total 7 1
                node_memory_working_set_bytes 7 1
                """);
        assertEquals(7_000_000_000L, s.nodePoint().cpuNanoSeconds());
    }

    @Test
    void crlfLineEndingsAndNoFinalNewline() throws Exception {
        NodeScrape s = parse("node_cpu_usage_seconds_total 7 1\r\nnode_memory_working_set_bytes 8 1");
        assertEquals(8, s.nodePoint().memoryBytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "node_cpu_usage_seconds_total|line 2: missing value for node_cpu_usage_seconds_total",
        "node_cpu_usage_seconds_total abc|line 2: invalid value abc",
        "node_cpu_usage_seconds_total NaN|line 2: value NaN of node_cpu_usage_seconds_total is not a usable number",
        "node_memory_working_set_bytes +Inf|line 2: value +Inf of node_memory_working_set_bytes is not a usable number",
        "node_memory_working_set_bytes -5|line 2: negative value -5",
        "node_cpu_usage_seconds_total 1 -1633253812125|line 2: negative timestamp",
        "node_cpu_usage_seconds_total 1 12.5|line 2: invalid timestamp 12.5",
        "node_cpu_usage_seconds_total 1 1 extra|line 2: unexpected text 'e' after the timestamp",
        "container_cpu_usage_seconds_total{container=\"c\" 1|line 2: expected ',' or '}' after the value of label container",
        "container_cpu_usage_seconds_total{container=c} 1|line 2: expected '\"' to open the value of label container",
        "container_cpu_usage_seconds_total{container=\"c} 1|line 2: unterminated value of label container",
        "container_cpu_usage_seconds_total{container \"c\"} 1|line 2: expected '=' after label container",
        "container_cpu_usage_seconds_total{1x=\"c\"} 1|line 2: expected a label name",
        "container_cpu_usage_seconds_total{container=\"\\q\"} 1|line 2: invalid escape \\q",
        "node_cpu_usage_seconds_total 1e|line 2: invalid exponent",
        "node_memory_working_set_bytes 1e30|line 2: value 1e30 out of range",
        "{a=\"b\"} 1|line 2: expected a metric name",
        "node-cpu 1|line 2: invalid character '-' in metric name",
    })
    void malformedLinesFailWithLineNumberAndReason(String line, String expected) {
        MalformedMetricsException e = assertThrows(MalformedMetricsException.class,
                () -> parse("# HELP x y\n" + line + "\nnode_memory_working_set_bytes 1\n"));
        assertTrue(e.getMessage().startsWith(expected), () -> "message was: " + e.getMessage());
    }

    /** 2^57 ms times 10^6 wraps to exactly Long.MIN_VALUE, the store's "no previous point" marker. */
    @ParameterizedTest
    @CsvSource({"144115188075855872", "999999999999999999", "9223372036855"})
    void timestampsThatOverflowNanosecondsAreRefused(String ms) {
        MalformedMetricsException e = assertThrows(MalformedMetricsException.class,
                () -> parse("node_cpu_usage_seconds_total 1 " + ms + "\nnode_memory_working_set_bytes 1 1\n"));
        assertTrue(e.getMessage().startsWith("line 1: timestamp " + ms + " out of range"), e.getMessage());
    }

    @Test
    void largestTimestampThatFitsIsKept() throws Exception {
        long max = ResourceMetricsParser.MAX_TIMESTAMP_MILLIS;
        NodeScrape s = parse("node_cpu_usage_seconds_total 1 " + max + "\nnode_memory_working_set_bytes 1 " + max + "\n");
        assertEquals(max * 1_000_000L, s.nodePoint().timestampNanos());
        assertTrue(s.nodePoint().timestampNanos() > 0);
    }

    @Test
    void completenessNodePointDroppedWhenCpuOrMemoryZero() throws Exception {
        assertNull(parse("node_cpu_usage_seconds_total 0 1\nnode_memory_working_set_bytes 10 1\n").nodePoint());
        assertNull(parse("node_cpu_usage_seconds_total 1 1\nnode_memory_working_set_bytes 0 1\n").nodePoint());
        assertNull(parse("node_cpu_usage_seconds_total 1 1\n").nodePoint());
        assertNotNull(parse("node_cpu_usage_seconds_total 1 1\nnode_memory_working_set_bytes 1 1\n").nodePoint());
    }

    @Test
    void completenessContainerRules() throws Exception {
        NodeScrape s = parse("""
                container_cpu_usage_seconds_total{container="a",namespace="n",pod="complete"} 1 1
                container_memory_working_set_bytes{container="a",namespace="n",pod="complete"} 1 1
                container_cpu_usage_seconds_total{container="zero",namespace="n",pod="complete"} 0 1
                container_memory_working_set_bytes{container="zero",namespace="n",pod="complete"} 0 1
                container_cpu_usage_seconds_total{container="a",namespace="n",pod="no-memory"} 1 1
                container_cpu_usage_seconds_total{container="b",namespace="n",pod="no-memory"} 1 1
                container_memory_working_set_bytes{container="b",namespace="n",pod="no-memory"} 1 1
                container_start_time_seconds{container="a",namespace="n",pod="start-only"} 1 1
                container_cpu_usage_seconds_total{container="b",namespace="n",pod="start-only"} 1 1
                container_memory_working_set_bytes{container="b",namespace="n",pod="start-only"} 1 1
                """);
        Map<String, ContainerSample> c = byName(s);
        // the all-zero container is ignored; the pods with an incomplete container are dropped whole
        assertEquals(Map.of("n/complete/a", c.get("n/complete/a")), c);
    }

    @Test
    void internsNamesAcrossScrapes() throws Exception {
        String body = "container_cpu_usage_seconds_total{container=\"c\",namespace=\"ns\",pod=\"p\"} 1 1\n"
                + "container_memory_working_set_bytes{container=\"c\",namespace=\"ns\",pod=\"p\"} 1 1\n";
        ContainerSample a = parse(body).containers().get(0);
        ContainerSample b = parse(body).containers().get(0);
        assertSame(a.pod(), b.pod());
        assertSame(a.namespace(), b.namespace());
    }

    @Test
    void benchmarkBodyParsesCompletely() throws Exception {
        String body = ResourceMetricsParserBenchmark.kubeletBody(70);
        NodeScrape s = parse(body);
        assertEquals(140, s.containers().size());
        assertNotNull(s.nodePoint());
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            parse(body);
        }
        System.out.printf("parse of a 140-container body (%d bytes): %.1f us (unwarmed average of 200)%n",
                body.length(), (System.nanoTime() - t0) / 200 / 1e3);
    }

    @Test
    void kubeletOrderComesOutGroupedByPodInFirstAppearanceOrder() throws Exception {
        byte[] b = ResourceMetricsParserBenchmark.simulatedBody(3, 70);
        NodeScrapeAssembler a = new NodeScrapeAssembler("n1", 1);
        new ResourceMetricsParser(interner).parse(b, b.length, DEFAULT_TS, a);
        NodeScrape s = a.build();
        assertEquals(140, s.containers().size());
        for (int p = 0; p < 70; p++) {
            ContainerSample app = s.containers().get(2 * p);
            ContainerSample sidecar = s.containers().get(2 * p + 1);
            assertEquals("sim-pod-3-" + p, app.pod());
            assertEquals("app", app.container());
            assertEquals("sim-pod-3-" + p, sidecar.pod());
            assertEquals("sidecar", sidecar.container());
            assertEquals(14_864_384L, sidecar.point().memoryBytes());
            assertEquals(1_700_000_100_000_000_000L, sidecar.point().startTimeNanos());
        }
    }

    @Test
    void linesOutOfSeriesOrderAndRepeatedLinesMeetTheirContainer() throws Exception {
        NodeScrape s = parse("""
                container_cpu_usage_seconds_total{container="a",namespace="n",pod="p"} 1 1
                container_cpu_usage_seconds_total{container="b",namespace="n",pod="q"} 2 1
                container_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 3 1
                container_memory_working_set_bytes{container="c",namespace="n",pod="p"} 30 2
                container_memory_working_set_bytes{container="a",namespace="n",pod="p"} 10 2
                container_memory_working_set_bytes{container="b",namespace="m",pod="q"} 20 2
                container_memory_working_set_bytes{container="b",namespace="n",pod="q"} 21 2
                container_cpu_usage_seconds_total{container="a",namespace="n",pod="p"} 4 3
                """);
        // one entry per container however its lines are ordered; the last line of a value wins
        assertEquals(java.util.List.of("n/p/a", "n/p/c", "n/q/b"), s.containers().stream()
                .map(c -> c.namespace() + "/" + c.pod() + "/" + c.container()).toList());
        Map<String, ContainerSample> c = byName(s);
        assertEquals(4_000_000_000L, c.get("n/p/a").point().cpuNanoSeconds());
        assertEquals(3_000_000L, c.get("n/p/a").point().timestampNanos());
        assertEquals(10, c.get("n/p/a").point().memoryBytes());
        assertEquals(21, c.get("n/q/b").point().memoryBytes());
        // m/q/b has memory only: its pod is dropped, n's pod of the same name is not
        assertNull(c.get("m/q/b"));
    }

    @Test
    void manyContainersGrowTheTables() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String f : new String[] {"container_cpu_usage_seconds_total", "container_memory_working_set_bytes"}) {
            for (int i = 0; i < 5000; i++) {
                sb.append(f).append("{container=\"c\",namespace=\"n").append(i % 3).append("\",pod=\"p").append(i)
                        .append("\"} ").append(i + 1).append(" 1\n");
            }
        }
        NodeScrape s = parse(sb.toString());
        assertEquals(5000, s.containers().size());
        assertEquals("p4999", s.containers().get(4999).pod());
        assertEquals(5000, s.containers().get(4999).point().memoryBytes());
    }

    @Test
    void internerFitsTheClusterWithinBounds() {
        Interner i = new Interner(Interner.MIN_LOG2);
        i.fit(10);
        assertEquals(1 << Interner.MIN_LOG2, i.size());
        i.fit(700_000);
        assertEquals(1 << 20, i.size());
        i.fit(50_000_000);
        assertEquals(1 << Interner.MAX_LOG2, i.size());
        // a cluster that shrank a little keeps its slots; one that shrank to a quarter gives them back
        i.fit(400_000);
        assertEquals(1 << 20, i.size());
        i.fit(200_000);
        assertEquals(1 << 18, i.size());
        byte[] name = "pod-a".getBytes(StandardCharsets.US_ASCII);
        assertSame(i.intern(name, 0, name.length), i.intern(name, 0, name.length));
    }

    @Test
    void internedNamesSurviveAResize() {
        Interner i = new Interner(Interner.MIN_LOG2);
        String[] held = new String[1000];
        for (int k = 0; k < held.length; k++) {
            byte[] b = ("sim-pod-7-" + k).getBytes(StandardCharsets.US_ASCII);
            held[k] = i.intern(b, 0, b.length);
        }
        i.fit(1 << 18);
        assertEquals(1 << 18, i.size());
        int same = 0;
        for (int k = 0; k < held.length; k++) {
            byte[] b = ("sim-pod-7-" + k).getBytes(StandardCharsets.US_ASCII);
            same += i.intern(b, 0, b.length) == held[k] ? 1 : 0;
        }
        // the store holds these instances: after the resize the parser hands out the same ones (all that did
        // not collide in the small table: 1,000 names in 4,096 slots)
        assertTrue(same > 850, same + " of 1000 names kept their instance");
    }

    @Test
    void newlineSearchFindsTheFirstNewlineInEveryPositionAndRange() {
        // bytes next to '\n' in value (0x09, 0x0B), with the high bit (0x8A, 0xFF) and zero: the word-at-a-time
        // test must flag none of them, and must report the first of two newlines in one word
        byte[] fill = {'a', 0x09, 0x0B, (byte) 0x8A, (byte) 0xFF, 0, '{', '"'};
        for (int len = 0; len <= 40; len++) {
            for (int nl = -1; nl < len; nl++) {
                byte[] b = new byte[len];
                for (int i = 0; i < len; i++) {
                    b[i] = fill[(i * 5 + len) % fill.length];
                }
                if (nl >= 0) {
                    b[nl] = '\n';
                    if (nl + 3 < len) {
                        b[nl + 3] = '\n';
                    }
                }
                for (int from = 0; from <= len; from++) {
                    for (int to = from; to <= len; to += Math.max(1, (len - from) / 3)) {
                        int expected = to;
                        for (int i = from; i < to; i++) {
                            if (b[i] == '\n') {
                                expected = i;
                                break;
                            }
                        }
                        assertEquals(expected, ResourceMetricsParser.indexOfNewline(b, from, to),
                                "len " + len + ", newline at " + nl + ", range [" + from + ", " + to + ")");
                    }
                }
            }
        }
    }

    /**
     * Lines whose label bytes repeat an earlier line's are recognised without reading their names; the result must
     * be exactly what reading every line on its own gives (each line parsed as its own body into the same
     * assembler, so that nothing remembered applies). Random kubelet-like bodies: families in the kubelet's order or
     * shuffled, label order varied, extra labels, escapes, repeated and foreign lines, values that differ.
     */
    @Test
    void recognisedLinesParseAsReadingEveryLine() throws Exception {
        java.util.Random random = new java.util.Random(14);
        String[] families = {"container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
            "container_start_time_seconds", "container_swap_usage_bytes", "pod_cpu_usage_seconds_total"};
        int recognisedSomewhere = 0;
        for (int round = 0; round < 300; round++) {
            int pods = 1 + random.nextInt(6);
            java.util.List<String> lines = new java.util.ArrayList<>();
            for (String f : families) {
                for (int c = 0; c < 2; c++) {
                    for (int p = 0; p < pods; p++) {
                        String container = random.nextInt(20) == 0 ? "a\\\"b" : c == 0 ? "app" : "side";
                        String ns = "ns-" + (p % 2);
                        String pod = random.nextInt(25) == 0 ? "p\\n" + p : "pod-" + p;
                        String labels = switch (random.nextInt(8)) {
                            case 0 -> "{pod=\"" + pod + "\",namespace=\"" + ns + "\",container=\"" + container + "\"}";
                            case 1 -> "{container=\"" + container + "\",namespace=\"" + ns + "\",pod=\"" + pod + "\",x=\"1\"}";
                            case 2 -> "{container=\"" + container + "\",namespace=\"" + ns + "\"}";
                            default -> "{container=\"" + container + "\",namespace=\"" + ns + "\",pod=\"" + pod + "\"}";
                        };
                        String value = f.startsWith("container_start") ? "1.7e+09" : (1 + random.nextInt(900)) + "." + random.nextInt(99);
                        String ts = random.nextInt(4) == 0 ? "" : " " + (1_700_000_000_000L + random.nextInt(5000));
                        lines.add(f + labels + " " + value + ts);
                    }
                }
            }
            lines.add("node_cpu_usage_seconds_total 10 1700000000000");
            lines.add("node_memory_working_set_bytes 1e9 1700000000000");
            if (random.nextBoolean()) {
                java.util.Collections.shuffle(lines, random);
            }
            for (int i = 0; i < 3; i++) {
                lines.add(lines.get(random.nextInt(lines.size()))); // a repeated line: the last one counts
            }
            NodeScrapeAssembler whole = new NodeScrapeAssembler("n1");
            byte[] body = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
            ResourceMetricsParser parser = new ResourceMetricsParser(interner);
            parser.parse(body, body.length, DEFAULT_TS, whole);
            recognisedSomewhere += parser.recognisedLines();
            NodeScrapeAssembler lineByLine = new NodeScrapeAssembler("n1");
            for (String line : lines) {
                byte[] one = (line + "\n").getBytes(StandardCharsets.UTF_8);
                ResourceMetricsParser single = new ResourceMetricsParser(interner);
                single.parse(one, one.length, DEFAULT_TS, lineByLine);
                assertEquals(0, single.recognisedLines());
            }
            assertEquals(lineByLine.build(), whole.build(), "round " + round + ":\n" + String.join("\n", lines));
        }
        assertTrue(recognisedSomewhere > 500, "recognised " + recognisedSomewhere + " lines");
    }

    @Test
    void kubeletOrderIsRecognisedAfterTheFirstFamily() throws Exception {
        byte[] body = ResourceMetricsParserBenchmark.simulatedBody(3, 70);
        NodeScrapeAssembler a = new NodeScrapeAssembler("n1");
        ResourceMetricsParser parser = new ResourceMetricsParser(interner);
        parser.parse(body, body.length, DEFAULT_TS, a);
        // 140 containers; their CPU lines are read, the memory and start time lines recognised
        assertEquals(280, parser.recognisedLines());
        NodeScrape s = a.build();
        assertEquals(140, s.containers().size());
        assertEquals(14_864_384, s.containers().get(0).point().memoryBytes());
    }
}
