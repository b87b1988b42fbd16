package io.kma.store.internal;

import java.lang.management.ManagementFactory;
import java.util.Set;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the heap grow ahead of the data while the store fills at a cold start. The distribution's heap policy
 * (serial collector, MinHeapFreeRatio/MaxHeapFreeRatio 20/40) keeps the heap tight, which is what the steady state
 * wants; but while thousands of nodes' first scrapes, TLS sessions and informer objects arrive the old generation
 * fills again and again, and each time a full collection finds most of it live and grows the heap by only enough
 * for 20 % free. Until every node serves, the ratios are {@link #MIN_FREE}/{@link #MAX_FREE}: each full collection
 * leaves room for the next wave. When every node serves (or after {@link #MAX_COLD_CYCLES} cycles, so that a node
 * that never answers cannot keep the wide heap) one collection with the maximum at the previous minimum returns
 * the room, and the previous values come back. Both ratios are manageable HotSpot flags, set through the platform
 * MBean server (javax.management only, no com.sun.management import); where that fails the heap keeps its policy
 * and the store works as before.
 * Not thread-safe: called under the store's write lock.
 */
final class ColdStartHeap {

    private static final Logger LOG = LoggerFactory.getLogger(ColdStartHeap.class);

    static final String MIN_FLAG = "MinHeapFreeRatio";
    static final String MAX_FLAG = "MaxHeapFreeRatio";
    static final int MIN_FREE = 60;
    static final int MAX_FREE = 80;
    /** 20 cycles: 5 minutes at the default 15 s resolution, several times a 5,000-node cold start. */
    static final int MAX_COLD_CYCLES = 20;
    /** The same bound in time, for cycles that end before they reach the store. */
    static final int MAX_COLD_MINUTES = 10;

    /** HotSpot's manageable flags; an interface so that the tests need not change the test JVM's heap policy. */
    interface VmFlags {
        /** The flag's value, or null when it cannot be read. */
        String get(String name);

        /** Sets the flag; false when the JVM refused. */
        boolean set(String name, String value);
    }

    private final VmFlags flags;
    private final Runnable collector;
    private String previousMin;
    private String previousMax;
    private boolean cold;
    private int cycles;
    private int servableBefore = -1;
    private boolean refusalLogged;

    private ColdStartHeap(VmFlags flags, Runnable collector) {
        this.flags = flags;
        this.collector = collector;
    }

    /** Widens the ratios now (if the JVM lets it); the store calls this at its start. */
    static ColdStartHeap begin(VmFlags flags, Runnable collector) {
        ColdStartHeap heap = new ColdStartHeap(flags, collector);
        heap.widen();
        return heap;
    }

    static ColdStartHeap begin() {
        return begin(new HotSpotFlags(), System::gc);
    }

    private void widen() {
        String min = flags.get(MIN_FLAG);
        String max = flags.get(MAX_FLAG);
        int oldMin = parse(min);
        int oldMax = parse(max);
        if (oldMin < 0 || oldMax < 0 || oldMin >= MIN_FREE && oldMax >= MAX_FREE) {
            return; // not HotSpot, or already as wide: nothing to do, nothing to restore
        }
        // the larger of ours and the operator's; Max before Min, so that Min <= Max holds at every step
        String newMax = Integer.toString(Math.max(oldMax, MAX_FREE));
        String newMin = Integer.toString(Math.max(oldMin, MIN_FREE));
        if (!flags.set(MAX_FLAG, newMax)) {
            return;
        }
        if (!flags.set(MIN_FLAG, newMin)) {
            flags.set(MAX_FLAG, max);
            return;
        }
        previousMin = min;
        previousMax = max;
        cold = true;
        LOG.info("cold start: heap free ratios {}/{} until every node serves (were {}/{}), so that the heap grows"
                + " ahead of the first scrapes", newMin, newMax, min, max);
    }

    /**
     * At the end of each cycle: restores the ratios once every node serves. The store is not told how many nodes
     * there are, and a node still pending at its first scrape (handshake running, or no slot yet) is in neither the
     * scrapes nor the failed nodes; so "every node serves" is a cycle without failures whose servable nodes are as
     * many as the cycle before's (a cold start adds nodes every cycle until all have answered once).
     */
    void cycleEnded(Set<String> failedNodes, int servableNodes) {
        if (!cold) {
            return;
        }
        cycles++;
        boolean allServe = servableNodes > 0 && servableNodes == servableBefore
                && (failedNodes == null || failedNodes.isEmpty());
        servableBefore = servableNodes;
        if (!allServe && cycles < MAX_COLD_CYCLES) {
            return;
        }
        finish(cycles + " cycles (" + servableNodes + " nodes serve" + (allServe ? ")" : ", some still fail)"));
    }

    /**
     * The cold start's wall-clock limit passed ({@link #MAX_COLD_MINUTES}): cycles that end before the store sees
     * them (no cluster view, no credentials, a TLS setup failure) must not keep the wide heap for the process's life.
     */
    void timeUp() {
        if (cold) {
            finish(MAX_COLD_MINUTES + " minutes, " + cycles + " cycles");
        }
    }

    private void finish(String after) {
        // The one collection runs with MaxHeapFreeRatio at the previous Min: it cuts the generation that grew at 60/80
        // to what the data needs, where the previous Max would leave the extra room committed until a full
        // collection that the steady state may not have for hours. Then the previous Max.
        boolean minBack = flags.set(MIN_FLAG, previousMin);
        boolean cut = minBack && flags.set(MAX_FLAG, previousMin);
        if (cut) {
            collector.run();
        }
        boolean maxBack = minBack && flags.set(MAX_FLAG, previousMax);
        if (!maxBack) {
            // cold stays true: a later cycle (or close) tries again; said once, not every 15 s
            if (!refusalLogged) {
                refusalLogged = true;
                LOG.info("cold start over after {}, but the JVM refused the heap free ratios {}/{}; trying again at"
                        + " a later cycle", after, previousMin, previousMax);
            }
            return;
        }
        cold = false;
        LOG.info("cold start over after {}: heap free ratios back to {}/{}", after, previousMin, previousMax);
    }

    /** Restores the ratios without a collection (the store stops); nothing when they were restored already. */
    void close() {
        if (cold) {
            restore();
        }
    }

    private void restore() {
        // Min before Max: the previous Min is at most the previous Max, which is at most the widened Max
        if (flags.set(MIN_FLAG, previousMin) & flags.set(MAX_FLAG, previousMax)) {
            cold = false;
        }
    }

    boolean cold() {
        return cold;
    }

    private static int parse(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The flags through the HotSpotDiagnostic MBean; a JVM without it (or refusing a value) answers null/false. */
    static final class HotSpotFlags implements VmFlags {

        private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        private final ObjectName name;

        HotSpotFlags() {
            ObjectName n;
            try {
                n = new ObjectName("com.sun.management:type=HotSpotDiagnostic");
            } catch (JMException e) {
                n = null;
            }
            name = n;
        }

        @Override
        public String get(String flag) {
            try {
                Object option = server.invoke(name, "getVMOption", new Object[] {flag},
                        new String[] {String.class.getName()});
                return option instanceof CompositeData data ? String.valueOf(data.get("value")) : null;
            } catch (JMException | RuntimeException e) {
                LOG.debug("cannot read the JVM flag {}: {}", flag, e.toString());
                return null;
            }
        }

        @Override
        public boolean set(String flag, String value) {
            try {
                server.invoke(name, "setVMOption", new Object[] {flag, value},
                        new String[] {String.class.getName(), String.class.getName()});
                return true;
            } catch (JMException | RuntimeException e) {
                LOG.info("cannot set the JVM flag {} to {} ({}); the heap keeps its policy", flag, value, e.toString());
                return false;
            }
        }
    }
}
