package io.kma.address.hosts.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.cluster.NodeInfo;
import io.kma.api.config.Pids;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletEndpoint;

/**
 * The {@code hosts} address strategy, for clusters whose node names do not resolve: listed nodes are
 * dialled at their configured address first, with the {@code preferred} strategy's candidates as
 * fallbacks; other nodes get the {@code preferred} candidates only.
 */
@Component(service = AddressResolver.class, configurationPid = Pids.ADDRESS_HOSTS,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = AddressResolver.STRATEGY + "=hosts")
@Designate(ocd = HostsConfiguration.class)
public final class HostsAddressResolver implements AddressResolver {

    private static final Logger LOG = LoggerFactory.getLogger(HostsAddressResolver.class);

    /** The preferred strategy, used as fallback; may come and go (it is a swappable bundle too). */
    @Reference(target = "(" + AddressResolver.STRATEGY + "=preferred)", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile AddressResolver preferred;

    private final AtomicBoolean warnedNoPreferred = new AtomicBoolean();
    private volatile HostsTable table = new HostsTable(Map.of(), 10250, true);

    @Activate
    void activate(HostsConfiguration config) {
        try {
            table = HostsTable.parse(config.hosts(), config.port(), config.useNodeStatusPort());
        } catch (IllegalArgumentException e) {
            // Do not come up with a partial map: without this component the scraper reports no resolver.
            LOG.error("kubelet address map not usable: {}", e.getMessage());
            throw e;
        }
        LOG.info("kubelet addresses from kubelet.hosts: {}", table);
    }

    /** Applied live; a malformed change is refused and the current map kept. */
    @Modified
    void modified(HostsConfiguration config) {
        HostsTable next;
        try {
            next = HostsTable.parse(config.hosts(), config.port(), config.useNodeStatusPort());
        } catch (IllegalArgumentException e) {
            LOG.error("kubelet address map change not applied, keeping {}: {}", table, e.getMessage());
            return;
        }
        if (!next.equals(table)) {
            table = next;
            LOG.info("kubelet addresses from kubelet.hosts changed: {}", next);
        }
    }

    @Override
    public List<KubeletEndpoint> resolve(NodeInfo node) {
        KubeletEndpoint configured = table.endpoint(node);
        AddressResolver fallback = preferred;
        if (fallback == null) {
            if (configured == null && warnedNoPreferred.compareAndSet(false, true)) {
                LOG.warn("no preferred address resolver available: nodes not listed in kubelet.hosts (e.g. {}) get no"
                        + " address until it is back", node.name());
            }
            return configured == null ? List.of() : List.of(configured);
        }
        if (warnedNoPreferred.get()) {
            warnedNoPreferred.set(false);
            LOG.info("preferred address resolver available again");
        }
        List<KubeletEndpoint> candidates = fallback.resolve(node);
        if (candidates == null) {
            candidates = List.of();
        }
        return configured == null ? candidates : HostsTable.withFallbacks(configured, candidates);
    }
}
