package io.kma.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions filtered into the launcher jar at build time. */
final class BuildInfo {

    private BuildInfo() {
    }

    static String version() {
        return load().getProperty("version");
    }

    static String slf4jVersion() {
        return load().getProperty("slf4j.version");
    }

    private static Properties load() {
        Properties props = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the launcher jar");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }
}
