package io.kma.launcher;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The Felix, SCR and File Install properties of one launch. */
final class FrameworkProperties {

    static final String SYSTEM_PACKAGES_EXTRA = "org.osgi.framework.system.packages.extra";

    private FrameworkProperties() {
    }

    static Map<String, String> of(LaunchOptions o) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("org.osgi.framework.storage", o.stateDir().resolve("felix-cache").toAbsolutePath().toString());
        // Re-extracting every jar at each start keeps the cache from ever disagreeing with bundles/.
        p.put("org.osgi.framework.storage.clean", "onFirstInit");
        // slf4j-api cannot resolve as a bundle on bare Felix (it requires the serviceloader extender), so it
        // lives on the launcher class path and the system bundle exports it (osgi-stack.md §4, fix A).
        String v = BuildInfo.slf4jVersion();
        // The launcher's contracts with the bundles: one copy of these classes, the launcher's (io.kma.api.runtime).
        p.put(SYSTEM_PACKAGES_EXTRA, Stream.concat(Stream.of("org.slf4j", "org.slf4j.spi", "org.slf4j.event", "org.slf4j.helpers")
                .map(pkg -> pkg + ";version=" + v), Stream.of(RuntimeApiExport.clause())).collect(Collectors.joining(",")));
        // Undertow and XNIO reach sun.misc.Unsafe reflectively (direct buffer release) without importing it.
        p.put("org.osgi.framework.bootdelegation", "sun.*,com.sun.*");
        p.put("felix.log.level", "2");
        p.put("ds.loglevel", "warn");

        p.put("kma.config", o.effectiveConfigFile().toAbsolutePath().toString());
        p.put("kma.config.explicit", Boolean.toString(o.configExplicit()));
        p.put("kma.home", o.home().toAbsolutePath().toString());
        p.put("kma.state.dir", o.stateDir().toAbsolutePath().toString());

        if (o.deployDir() != null) {
            fileInstall(p, o);
        }
        o.extraFrameworkProperties().forEach((key, value) -> {
            // Tests add packages (e.g. io.kma.api.*) to share with the framework; the SLF4J and runtime API exports must stay.
            if (key.equals(SYSTEM_PACKAGES_EXTRA) && !value.isBlank()) {
                p.merge(key, value, (ours, theirs) -> ours + "," + theirs);
            } else {
                p.put(key, value);
            }
        });
        return p;
    }

    private static void fileInstall(Map<String, String> p, LaunchOptions o) {
        p.put("felix.fileinstall.dir", o.deployDir().toAbsolutePath().toString());
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        // The deploy directory may be read-only (owned by the package); configuration comes from config.yaml.
        p.put("felix.fileinstall.enableConfigSave", "false");
        p.put("felix.fileinstall.bundles.new.start", "true");
        // Only bundles: configuration has one source, config.yaml; a dropped .cfg would fight the config bundle.
        p.put("felix.fileinstall.filter", ".*\\.jar");
        p.put("felix.fileinstall.log.level", "2");
    }
}
