package io.kma.metrics.api.internal;

import java.nio.charset.StandardCharsets;

/**
 * The /version body in version.Info's shape and the apiserver's indented JSON, built from the bundle version.
 */
final class VersionInfo {

    private VersionInfo() {
    }

    /** @param version bundle version, e.g. 0.1.0.SNAPSHOT or 0.1.0-SNAPSHOT */
    static byte[] json(String version) {
        String git = semver(version);
        String[] parts = git.substring(1).split("[.-]");
        String major = parts.length > 0 ? parts[0] : "";
        String minor = parts.length > 1 ? parts[1] : "";
        String platform = System.getProperty("os.name", "linux").toLowerCase(java.util.Locale.ROOT) + "/"
                + arch(System.getProperty("os.arch", ""));
        String body = "{\n"
                + "  \"major\": \"" + major + "\",\n"
                + "  \"minor\": \"" + minor + "\",\n"
                + "  \"gitVersion\": \"" + git + "\",\n"
                + "  \"gitCommit\": \"\",\n"
                + "  \"gitTreeState\": \"\",\n"
                + "  \"buildDate\": \"\",\n"
                + "  \"goVersion\": \"java" + Runtime.version().feature() + "\",\n"
                + "  \"compiler\": \"javac\",\n"
                + "  \"platform\": \"" + platform + "\"\n"
                + "}\n";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** OSGi 0.1.0.SNAPSHOT (or Maven 0.1.0-SNAPSHOT) → v0.1.0-SNAPSHOT. */
    static String semver(String version) {
        String v = version.startsWith("v") ? version.substring(1) : version;
        String[] parts = v.split("\\.", 4);
        if (parts.length == 4) {
            v = parts[0] + "." + parts[1] + "." + parts[2] + "-" + parts[3];
        }
        return "v" + v;
    }

    private static String arch(String a) {
        switch (a) {
            case "x86_64": case "amd64": return "amd64";
            case "aarch64": return "arm64";
            default: return a;
        }
    }
}
