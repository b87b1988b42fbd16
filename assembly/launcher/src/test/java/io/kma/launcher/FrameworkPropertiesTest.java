package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FrameworkPropertiesTest {

    @Test
    void launchPropertiesFollowTheOptions() {
        LaunchOptions o = new LaunchOptions(Path.of("/opt/kma"), null, false, Path.of("/var/lib/kma"), Path.of("/var/lib/kma/deploy"), null);
        Map<String, String> p = FrameworkProperties.of(o);
        assertEquals("/var/lib/kma/felix-cache", p.get("org.osgi.framework.storage"));
        assertEquals("onFirstInit", p.get("org.osgi.framework.storage.clean"));
        assertEquals("/etc/kube-metrics-appliance/config.yaml", p.get("kma.config"));
        assertEquals("false", p.get("kma.config.explicit"));
        assertEquals("/var/lib/kma/deploy", p.get("felix.fileinstall.dir"));
        assertEquals("false", p.get("felix.fileinstall.enableConfigSave"));
        assertTrue(p.get(FrameworkProperties.SYSTEM_PACKAGES_EXTRA).contains("org.slf4j.spi;version=2.0.20"));
        // the launcher contracts, with the version bnd wrote into the io.kma.api.runtime jar
        assertTrue(p.get(FrameworkProperties.SYSTEM_PACKAGES_EXTRA).matches(".*,io\\.kma\\.api\\.runtime;version=\"1\\.\\d+\\.\\d+\"(,.*)?"),
                p.get(FrameworkProperties.SYSTEM_PACKAGES_EXTRA));
    }

    @Test
    void extraSystemPackagesAreAddedToTheSlf4jExports() {
        LaunchOptions o = new LaunchOptions(Path.of("/opt/kma"), Path.of("/tmp/c.yaml"), true, Path.of("/tmp/s"), Path.of("/tmp/d"),
                Map.of(FrameworkProperties.SYSTEM_PACKAGES_EXTRA, "io.kma.api.store;version=1.0.0", "felix.fileinstall.poll", "200"));
        Map<String, String> p = FrameworkProperties.of(o);
        assertTrue(p.get(FrameworkProperties.SYSTEM_PACKAGES_EXTRA).startsWith("org.slf4j;version="));
        assertTrue(p.get(FrameworkProperties.SYSTEM_PACKAGES_EXTRA).endsWith(",io.kma.api.store;version=1.0.0"));
        assertEquals("200", p.get("felix.fileinstall.poll"));
        assertEquals("true", p.get("kma.config.explicit"));
    }
}
