package io.kma.config.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Writes PIDs to ConfigAdmin, touching only those whose properties changed so unchanged components keep running. */
final class ConfigurationWriter {

    /** Any bundle (and any later version of it, after a hot deploy) may bind these configurations. */
    private static final String ANY_LOCATION = "?";

    private final ConfigurationAdmin configAdmin;

    ConfigurationWriter(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    /** Returns the PIDs that were written. */
    List<String> write(Map<String, Map<String, Object>> pids) throws IOException {
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : pids.entrySet()) {
            Configuration configuration = configAdmin.getConfiguration(e.getKey(), ANY_LOCATION);
            if (PropertiesComparison.same(configuration.getProperties(), e.getValue())) {
                continue;
            }
            configuration.update(new Hashtable<>(e.getValue()));
            written.add(e.getKey());
        }
        return written;
    }
}
