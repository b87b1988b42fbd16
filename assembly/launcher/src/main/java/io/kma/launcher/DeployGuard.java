package io.kma.launcher;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps untrusted jars of the deploy directory from ever running: a resolver hook that leaves a bundle installed
 * from there unresolved (no class of an unresolved bundle can load, so File Install's start fails and nothing runs)
 * when {@link DeployTrust} refuses its file, with one log line per bundle.
 */
final class DeployGuard implements ResolverHookFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DeployGuard.class);

    private final Path deployDir;
    private final DeployTrust trust;
    /** Bundle id → refused; a bundle's content is fixed at install, so one check per bundle is enough. */
    private final Map<Long, Boolean> verdicts = new ConcurrentHashMap<>();

    DeployGuard(Path deployDir, DeployTrust trust) {
        this.deployDir = HotDeploy.normalise(deployDir);
        this.trust = trust;
    }

    /** True when {@code bundle} comes from the deploy directory and its jar may not be loaded. */
    boolean refused(Bundle bundle) {
        return verdicts.computeIfAbsent(bundle.getBundleId(), id -> {
            Path path = HotDeploy.pathOf(bundle.getLocation());
            if (path == null || path.getParent() == null || !deployDir.equals(HotDeploy.normalise(path.getParent()))) {
                return false;
            }
            String why = trust.whyUntrusted(path);
            if (why != null) {
                LOG.error("refusing deploy/{}: {}; it is not loaded", path.getFileName(), why);
            }
            return why != null;
        });
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new ResolverHook() {
            @Override
            public void filterResolvable(Collection<BundleRevision> candidates) {
                candidates.removeIf(r -> refused(r.getBundle()));
            }

            @Override
            public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisionCandidates) {
                // no opinion
            }

            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
                // no opinion
            }

            @Override
            public void end() {
                // nothing held
            }
        };
    }
}
