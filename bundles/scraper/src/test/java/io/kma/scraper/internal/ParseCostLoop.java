package io.kma.scraper.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Thread CPU per node of parsing, assembling and building one simulated 70-pod kubelet body, the bodies of
 * {@code nodes} distinct nodes in turn through one cluster-sized interner and one reused assembler, as the
 * kubelet-io threads do: a timed loop, not a test and not run by the build. Thread CPU rather than JMH's wall time,
 * because on this shared machine JMH's errors were larger than its scores. Compare two builds by putting their
 * classes first on the class path, alternately:
 * <pre>
 * mvn -o -q -pl bundles/scraper test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xms2g -Xmx2g -cp &lt;scraper classes&gt;:bundles/scraper/target/test-classes:$(cat bundles/scraper/target/cp.txt) \
 *      io.kma.scraper.internal.ParseCostLoop 1000 20000
 * </pre>
 */
public class ParseCostLoop {
    public static void main(String[] a) throws Exception {
        int nodes = a.length > 0 ? Integer.parseInt(a[0]) : 1000;
        int perRound = a.length > 1 ? Integer.parseInt(a[1]) : 20_000;
        byte[][] bodies = new byte[nodes][];
        for (int i = 0; i < nodes; i++) {
            bodies[i] = ResourceMetricsParserBenchmark.simulatedBody(i, 70);
        }
        Interner interner = new Interner(Interner.MIN_LOG2);
        interner.fit(nodes * 140);
        NodeScrapeAssembler assembler = new NodeScrapeAssembler("node", 140);
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        long sink = 0;
        int next = 0;
        for (int round = 0; round < 8; round++) {
            long cpu0 = t.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                byte[] b = bodies[next];
                next = next + 1 == nodes ? 0 : next + 1;
                assembler.reset("node");
                new ResourceMetricsParser(interner).parse(b, b.length, 1L, assembler);
                sink += assembler.build().containers().size();
            }
            long cpu = t.getCurrentThreadCpuTime() - cpu0;
            System.out.printf("round %d: %.1f us CPU per node (%d nodes of %d bytes)%n", round, cpu / 1e3 / perRound,
                    perRound, bodies[0].length);
        }
        if (sink == 42) {
            System.out.println();
        }
    }
}
