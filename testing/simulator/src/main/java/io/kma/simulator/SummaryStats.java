package io.kma.simulator;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** Renders the kubelet Summary API ({@code /stats/summary}) subset metrics consumers read. */
final class SummaryStats {
    private SummaryStats() {
    }

    private static String rfc3339(long millis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis));
    }

    static void render(ByteSink out, SimNode node, long nowMillis) {
        String now = rfc3339(nowMillis);
        SimNode.Load load = node.load;
        SimPod[] pods = load.pods();
        long nodeCpu = node.cpuNanoSeconds(load, nowMillis);
        long nodeMem = node.systemMemoryBytes;
        long nodeNanoCores = node.systemMillicores * 1_000_000L;
        for (SimPod p : pods) {
            for (SimContainer c : p.containers) {
                nodeMem += c.memoryBytes();
                nodeNanoCores += c.millicores() * 1_000_000L;
            }
        }
        out.putAscii("{\n \"node\": {\n  \"nodeName\": \"").putAscii(node.name)
                .putAscii("\",\n  \"startTime\": \"").putAscii(Render.time(node.bootEpochSecond)).putAscii("\",\n");
        usage(out, "  ", now, nodeNanoCores, nodeCpu, nodeMem);
        out.putAscii("\n },\n \"pods\": [");
        for (int i = 0; i < pods.length; i++) {
            SimPod p = pods[i];
            out.putAscii(i == 0 ? "\n" : ",\n");
            out.putAscii("  {\n   \"podRef\": {\"name\": \"").putAscii(p.name).putAscii("\", \"namespace\": \"")
                    .putAscii(p.namespace).putAscii("\", \"uid\": \"").putAscii(p.uid()).putAscii("\"},\n   \"startTime\": \"")
                    .putAscii(Render.time(p.creationEpochSecond)).putAscii("\",\n   \"containers\": [");
            long podCpu = 0;
            long podMem = 0;
            long podNano = 0;
            for (int k = 0; k < p.containers.length; k++) {
                SimContainer c = p.containers[k];
                out.putAscii(k == 0 ? "\n" : ",\n");
                out.putAscii("    {\"name\": \"").putAscii(c.name()).putAscii("\", \"startTime\": \"")
                        .putAscii(Render.time(c.startEpochSecond())).putAscii("\",\n");
                usage(out, "     ", now, c.millicores() * 1_000_000L, c.cpuNanoSeconds(nowMillis), c.memoryBytes());
                out.putAscii("}");
                podCpu += c.cpuNanoSeconds(nowMillis);
                podMem += c.memoryBytes();
                podNano += c.millicores() * 1_000_000L;
            }
            out.putAscii("\n   ],\n");
            usage(out, "   ", now, podNano, podCpu, podMem);
            out.putAscii("\n  }");
        }
        out.putAscii("\n ]\n}\n");
    }

    private static void usage(ByteSink out, String indent, String now, long nanoCores, long cpuNanoSeconds, long mem) {
        out.putAscii(indent).putAscii("\"cpu\": {\"time\": \"").putAscii(now).putAscii("\", \"usageNanoCores\": ").putLong(nanoCores)
                .putAscii(", \"usageCoreNanoSeconds\": ").putLong(cpuNanoSeconds).putAscii("},\n");
        out.putAscii(indent).putAscii("\"memory\": {\"time\": \"").putAscii(now).putAscii("\", \"usageBytes\": ").putLong(mem)
                .putAscii(", \"workingSetBytes\": ").putLong(mem).putAscii(", \"rssBytes\": ").putLong(mem).putAscii("}");
    }
}
