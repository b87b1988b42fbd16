package io.kma.launcher;

import java.nio.file.Path;
import java.util.Map;

/**
 * How to launch the appliance.
 *
 * @param home distribution directory containing {@code bundles/}
 * @param configFile config.yaml; null means the default {@code /etc/kube-metrics-appliance/config.yaml}
 * @param configExplicit true when the file was named by the user and so must exist
 * @param stateDir holds the Felix cache
 * @param deployDir watched by File Install for hot deploys
 * @param extraFrameworkProperties added last, so they override the launcher's framework properties
 */
public record LaunchOptions(Path home, Path configFile, boolean configExplicit, Path stateDir, Path deployDir,
        Map<String, String> extraFrameworkProperties) {

    public static final Path DEFAULT_CONFIG = Path.of("/etc/kube-metrics-appliance/config.yaml");

    public LaunchOptions {
        extraFrameworkProperties = extraFrameworkProperties == null ? Map.of() : Map.copyOf(extraFrameworkProperties);
    }

    /** The configuration file in effect. */
    public Path effectiveConfigFile() {
        return configFile == null ? DEFAULT_CONFIG : configFile;
    }
}
