package io.kma.kube.client.internal;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts requests to kube-apiserver by verb and answer code ({@code <error>} when none came back). */
final class RequestCounter {

    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    void count(String verb, String code) {
        counts.computeIfAbsent(verb + "\u0000" + code, k -> new LongAdder()).increment();
    }

    long get(String verb, String code) {
        LongAdder a = counts.get(verb + "\u0000" + code);
        return a == null ? 0 : a.sum();
    }

    void writeTo(Appendable out, String name) throws IOException {
        Map<String, LongAdder> sorted = new TreeMap<>(counts);
        for (Map.Entry<String, LongAdder> e : sorted.entrySet()) {
            int sep = e.getKey().indexOf('\u0000');
            out.append(name).append("{code=\"").append(e.getKey().substring(sep + 1)).append("\",verb=\"")
                    .append(e.getKey(), 0, sep).append("\"} ").append(Long.toString(e.getValue().sum())).append('\n');
        }
    }
}
