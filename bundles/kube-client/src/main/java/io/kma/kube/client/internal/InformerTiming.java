package io.kma.kube.client.internal;

/**
 * Timing of list+watch loops. Production values follow client-go's reflector (watch timeout randomized
 * between 5 and 10 minutes); tests use short ones.
 *
 * @param pageSize            items per list page (limit)
 * @param minWatchSeconds     shortest timeoutSeconds asked for a watch
 * @param maxWatchSeconds     longest timeoutSeconds asked for a watch
 * @param backoffInitialMillis first delay after a failure
 * @param backoffMaxMillis    longest delay between attempts
 */
record InformerTiming(int pageSize, int minWatchSeconds, int maxWatchSeconds, long backoffInitialMillis,
        long backoffMaxMillis) {

    static final InformerTiming DEFAULT = new InformerTiming(500, 300, 600, 500, 30_000);
}
