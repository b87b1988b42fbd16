package io.kma.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.function.Function;
import org.osgi.util.promise.Promise;

/**
 * Declarative Services state from the framework's ServiceComponentRuntime, typed: {@link #SYSTEM_PACKAGES} has the
 * system bundle export the DS runtime API (and the promise and function packages its signatures use) from this
 * class path, so Felix SCR, which prefers the system bundle's exports, is wired to the same classes as this test.
 */
final class Components {

    private static final Map<Integer, String> STATES = Map.of(
            ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION, "UNSATISFIED_CONFIGURATION",
            ComponentConfigurationDTO.UNSATISFIED_REFERENCE, "UNSATISFIED_REFERENCE",
            ComponentConfigurationDTO.SATISFIED, "SATISFIED",
            ComponentConfigurationDTO.ACTIVE, "ACTIVE",
            ComponentConfigurationDTO.FAILED_ACTIVATION, "FAILED_ACTIVATION");

    /**
     * Framework property: the DS runtime, its DTOs, promise and function packages, with the versions and uses
     * constraints of the jars on this class path (the same jars the distribution installs as bundles).
     */
    static final Map<String, String> SYSTEM_PACKAGES = Map.of(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
            Stream.of(ServiceComponentRuntime.class, ComponentDescriptionDTO.class, Promise.class, Function.class)
                    .map(Components::exportOf).collect(Collectors.joining(",")));

    private Components() {
    }

    /**
     * @return component name → state of each configuration, or "DISABLED"/"NO_CONFIGURATION"
     */
    static Map<String, String> states(BundleContext ctx) {
        ServiceReference<ServiceComponentRuntime> ref = ctx.getServiceReference(ServiceComponentRuntime.class);
        if (ref == null) {
            throw new IllegalStateException("no ServiceComponentRuntime wired to this class path's "
                    + ServiceComponentRuntime.class.getPackageName() + ": is Felix SCR running, and was the framework "
                    + "started with Components.SYSTEM_PACKAGES?");
        }
        ServiceComponentRuntime scr = ctx.getService(ref);
        try {
            Map<String, String> out = new TreeMap<>();
            for (ComponentDescriptionDTO desc : scr.getComponentDescriptionDTOs()) {
                if (!scr.isComponentEnabled(desc)) {
                    out.put(desc.name, "DISABLED");
                    continue;
                }
                List<String> states = new ArrayList<>();
                for (ComponentConfigurationDTO cfg : scr.getComponentConfigurationDTOs(desc)) {
                    String state = STATES.getOrDefault(cfg.state, String.valueOf(cfg.state));
                    if (cfg.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                        state += unsatisfied(cfg.unsatisfiedReferences);
                    }
                    states.add(state);
                }
                out.put(desc.name, states.isEmpty() ? "NO_CONFIGURATION" : String.join(",", states));
            }
            return out;
        } finally {
            ctx.ungetService(ref);
        }
    }

    private static String unsatisfied(UnsatisfiedReferenceDTO[] refs) {
        StringBuilder sb = new StringBuilder("[");
        for (UnsatisfiedReferenceDTO r : refs) {
            sb.append(r.name).append(' ').append(r.target).append(';');
        }
        return sb.append(']').toString();
    }

    /** The Export-Package clause of {@code c}'s package in the manifest of the jar it comes from. */
    static String exportOf(Class<?> c) {
        String pkg = c.getPackageName();
        try (JarFile jar = new JarFile(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile())) {
            String exports = jar.getManifest().getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            for (String clause : clauses(exports == null ? "" : exports)) {
                if (clause.equals(pkg) || clause.startsWith(pkg + ";")) {
                    return clause;
                }
            }
            throw new IllegalStateException(jar.getName() + " does not export " + pkg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Splits a manifest header at the commas outside quotes. */
    static List<String> clauses(String header) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < header.length(); i++) {
            char ch = header.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                out.add(header.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (start < header.length()) {
            out.add(header.substring(start).trim());
        }
        return out;
    }
}
