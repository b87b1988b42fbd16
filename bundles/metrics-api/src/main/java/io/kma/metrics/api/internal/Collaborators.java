package io.kma.metrics.api.internal;

import java.util.List;
import java.util.Optional;

import io.kma.api.auth.AccessReviewer;
import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.auth.TokenReviewer;
import io.kma.api.cluster.ClusterView;
import io.kma.api.metrics.MetricsSource;
import io.kma.api.store.MetricsStore;
import io.kma.api.tls.TlsMaterials;

/**
 * The services the handler reads on every request. The component answers from its current (dynamic)
 * references; tests pass fakes. Any of them may be null while a bundle is being replaced.
 */
interface Collaborators {

    ClusterView cluster();

    /** Null while no store is bound: resource requests get 503. */
    MetricsStore store();

    TokenReviewer tokenReviewer();

    AccessReviewer accessReviewer();

    TlsMaterials tls();

    /** Request-header settings from the ConfigMap, empty when not (yet) known. */
    Optional<RequestHeaderSettings> configMapSettings();

    List<MetricsSource> metricsSources();
}
