package io.kma.simulator;

/** One container: fixed usage, a start time (epoch seconds) that moves on restart. Immutable. */
public record SimContainer(String name, int millicores, long memoryBytes, long startEpochSecond, int restartCount) {
    /** Cumulative CPU in nanocore-seconds at {@code nowMillis}: exact, so two scrapes give the rate exactly. */
    public long cpuNanoSeconds(long nowMillis) {
        long elapsed = Math.max(0, nowMillis - startEpochSecond * 1000);
        return millicores * elapsed * 1000L;
    }

    SimContainer restarted(long nowEpochSecond) {
        return new SimContainer(name, millicores, memoryBytes, nowEpochSecond, restartCount + 1);
    }
}
