package io.kma.api.store;

import java.util.List;

/**
 * What one successful scrape of one kubelet yielded.
 *
 * @param node       node name
 * @param nodePoint  the node's own sample; null when the kubelet reported none that was complete
 * @param containers the containers' samples (complete ones only)
 */
public record NodeScrape(String node, MetricPoint nodePoint, List<ContainerSample> containers) {
}
