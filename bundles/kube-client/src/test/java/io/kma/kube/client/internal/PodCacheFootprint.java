package io.kma.kube.client.internal;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.cluster.PodInfo;

/**
 * Measurement, not a test (run by hand): heap held by the pod cache for 350,000 Running pods in 500
 * namespaces, 3,500 ReplicaSets of 100 pods (each rolled out over 5 seconds, a ReplicaSet every 10 minutes),
 * decoded from PartialObjectMetadata JSON as the informer does.
 */
public final class PodCacheFootprint {

    public static void main(String[] args) throws Exception {
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 350_000;
        ObjectMapper mapper = new ObjectMapper();
        Interner interner = new Interner();
        PodMetadataDecoder decoder = new PodMetadataDecoder(interner);
        long before = used();
        PodCache cache = new PodCache();
        List<PodInfo> batch = new ArrayList<>();
        long decodeMillis;
        // A page as kube-apiserver sends it (500 items), parsed repeatedly: measures parse + decode only.
        StringBuilder page = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            int rs = i / 100;
            page.append(i == 0 ? "" : ",").append("{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
                    + "\"metadata\":{\"name\":\"deploy-").append(rs).append("-5d8f9c7b6-").append(Integer.toString(i, 36))
                    .append("\",\"namespace\":\"ns-").append(rs % 500).append("\",\"uid\":\"0b5b1c0e-0000-4000-8000-")
                    .append(String.format("%012d", i)).append("\",\"resourceVersion\":\"").append(i)
                    .append("\",\"creationTimestamp\":\"2026-11-02T10:00:00Z\",\"labels\":{\"app\":\"deploy-").append(rs)
                    .append("\",\"pod-template-hash\":\"5d8f9c7b6").append(rs).append("\",\"team\":\"team-")
                    .append(rs % 20).append("\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
                    + "\"name\":\"deploy-").append(rs).append("-5d8f9c7b6\",\"uid\":\"x\",\"controller\":true}]}}");
        }
        byte[] pageBytes = page.append("]").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long decodeStart = System.nanoTime();
        for (int p = 0; p < pods / 500; p++) {
            try (com.fasterxml.jackson.core.JsonParser parser = mapper.getFactory().createParser(pageBytes)) {
                parser.nextToken(); // the array
                while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    batch.add(decoder.decode(parser, mapper, null));
                }
            }
        }
        decodeMillis = (System.nanoTime() - decodeStart) / 1_000_000;
        // The measured pages repeat names: make the cache content distinct for the footprint.
        batch.clear();
        for (int i = 0; i < pods; i++) {
            int rs = i / 100;
            String json = "{\"metadata\":{\"name\":\"deploy-" + rs + "-5d8f9c7b6-" + Integer.toString(i, 36)
                    + "\",\"namespace\":\"ns-" + (rs % 500) + "\",\"resourceVersion\":\"" + i
                    + "\",\"creationTimestamp\":\"" + java.time.Instant.ofEpochSecond(1_790_000_000L + rs * 600L + i % 100 / 20)
                    + "\",\"labels\":{\"app\":\"deploy-" + rs
                    + "\",\"pod-template-hash\":\"5d8f9c7b6" + rs + "\",\"team\":\"team-" + (rs % 20) + "\"}}}";
            batch.add(CachesTest.decode(decoder, json));
        }
        cache.replace(batch);
        batch = null;
        cache.all(); // the sorted lists a pod list request builds are part of the footprint
        long after = used();
        int n = 0;
        long snapshotMicros = 0;
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            if (i % 2 == 1) {
                PodInfo p = cache.get("ns-1", "deploy-1-5d8f9c7b6-2s").orElseThrow();
                cache.upsert(new PodInfo(p.namespace(), p.name(), java.util.Map.of("changed", Integer.toString(i)),
                        p.creationTimestamp(), p.nodeName())); // a change: the next all() rebuilds
            }
            n = cache.all().size();
            snapshotMicros = (System.nanoTime() - t0) / 1000;
        }
        System.out.printf("pods=%d namespaces=%d interned=%d heap=%.1f MiB (%.0f B/pod) all() %d us (10th call, after a change);"
                + " parse+decode of %d-item pages: %d ms for all pods%n", n, cache.namespaces(), interner.size(),
                (after - before) / 1048576.0, (after - before) / (double) n, snapshotMicros, 500, decodeMillis);
    }

    private static long used() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
