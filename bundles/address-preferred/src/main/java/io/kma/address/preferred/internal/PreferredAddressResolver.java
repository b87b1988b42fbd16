package io.kma.address.preferred.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.cluster.NodeInfo;
import io.kma.api.config.Pids;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletEndpoint;

/** The {@code preferred} address strategy: upstream's --kubelet-preferred-address-types, with fallbacks. */
@Component(service = AddressResolver.class, configurationPid = Pids.ADDRESS_PREFERRED,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = AddressResolver.STRATEGY + "=preferred")
@Designate(ocd = PreferredConfiguration.class)
public final class PreferredAddressResolver implements AddressResolver {

    private static final Logger LOG = LoggerFactory.getLogger(PreferredAddressResolver.class);

    private volatile PreferredAddresses addresses = PreferredAddresses.of(
            new String[] {"Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"}, 10250, true);

    @Activate
    void activate(PreferredConfiguration config) {
        addresses = parse(config);
        LOG.info("kubelet addresses by preferred type: {}", addresses);
        warnIfEmpty();
    }

    /** Applied live: the next resolve() uses the new types and port; a bad change keeps the old ones. */
    @Modified
    void modified(PreferredConfiguration config) {
        PreferredAddresses next;
        try {
            next = parse(config);
        } catch (IllegalArgumentException e) {
            LOG.error("kubelet address configuration not applied, keeping {}: {}", addresses, e.getMessage());
            return;
        }
        if (!next.equals(addresses)) {
            addresses = next;
            LOG.info("kubelet addresses by preferred type changed: {}", next);
            warnIfEmpty();
        }
    }

    private static PreferredAddresses parse(PreferredConfiguration config) {
        return PreferredAddresses.of(config.preferredAddressTypes(), config.port(), config.useNodeStatusPort());
    }

    private void warnIfEmpty() {
        if (addresses.types().isEmpty()) {
            LOG.warn("kubelet.preferredAddressTypes is empty: no node address qualifies, no kubelet can be scraped");
        }
    }

    @Override
    public List<KubeletEndpoint> resolve(NodeInfo node) {
        return addresses.resolve(node);
    }
}
