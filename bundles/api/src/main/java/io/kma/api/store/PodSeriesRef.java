package io.kma.api.store;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A reader's handle on one pod's series in a {@link MetricsStore}, for reading the pod's usage again and
 * again without looking it up by name: a pod list pairs each pod with its handle once and reuses the
 * pairing while the handle is {@link #current()}.
 *
 * @since 1.2
 */
@ProviderType
public interface PodSeriesRef {

    /**
     * Reads the pod's usage now, the same figures {@link MetricsStore#podUsage} returns.
     *
     * @return true with {@code into} filled; false, with {@code into} empty, when the pod has no servable
     *         usage now
     */
    boolean read(PodUsageBuffer into);

    /**
     * False once the store no longer keeps the pod's usage in this series (the pod's containers changed, or
     * the pod is gone): look the pod up again with {@link MetricsStore#podSeries}. A handle that stopped
     * being current never becomes current again.
     */
    boolean current();
}
