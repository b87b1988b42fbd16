package io.kma.itest;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Reads Declarative Services state from the framework's ServiceComponentRuntime. Its classes live
 * inside the framework (the DS API bundle), not on the test class path, so the DTOs are read by
 * reflection.
 */
final class Components {

    private static final Map<Integer, String> STATES = Map.of(1, "UNSATISFIED_CONFIGURATION",
            2, "UNSATISFIED_REFERENCE", 4, "SATISFIED", 8, "ACTIVE", 16, "FAILED_ACTIVATION");

    private Components() {
    }

    /**
     * @return component name → state of each configuration, or "DISABLED"/"NO_CONFIGURATION"
     */
    static Map<String, String> states(BundleContext ctx) throws Exception {
        // getAllServiceReferences: the system bundle does not wire the DS runtime package, so the
        // class-space filtered lookup would hide the service
        ServiceReference<?>[] refs = ctx.getAllServiceReferences("org.osgi.service.component.runtime.ServiceComponentRuntime", null);
        ServiceReference<?> ref = refs == null || refs.length == 0 ? null : refs[0];
        if (ref == null) {
            throw new IllegalStateException("ServiceComponentRuntime is not registered: Felix SCR is not running");
        }
        Object scr = ctx.getService(ref);
        try {
            Map<String, String> out = new TreeMap<>();
            Method descs = find(scr.getClass(), "getComponentDescriptionDTOs");
            Object all = descs.invoke(scr, (Object) new org.osgi.framework.Bundle[0]);
            for (Object desc : (Iterable<?>) all) {
                String name = (String) desc.getClass().getField("name").get(desc);
                Method enabled = find(scr.getClass(), "isComponentEnabled");
                if (!(Boolean) enabled.invoke(scr, desc)) {
                    out.put(name, "DISABLED");
                    continue;
                }
                Object configs = find(scr.getClass(), "getComponentConfigurationDTOs").invoke(scr, desc);
                StringBuilder states = new StringBuilder();
                for (Object cfg : (Iterable<?>) configs) {
                    int state = cfg.getClass().getField("state").getInt(cfg);
                    if (states.length() > 0) {
                        states.append(',');
                    }
                    states.append(STATES.getOrDefault(state, String.valueOf(state)));
                    if (state == 2) {
                        states.append(unsatisfied(cfg));
                    }
                }
                out.put(name, states.length() == 0 ? "NO_CONFIGURATION" : states.toString());
            }
            return out;
        } finally {
            ctx.ungetService(ref);
        }
    }

    private static String unsatisfied(Object cfg) throws Exception {
        Field f = cfg.getClass().getField("unsatisfiedReferences");
        Object arr = f.get(cfg);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Array.getLength(arr); i++) {
            Object ref = Array.get(arr, i);
            sb.append(ref.getClass().getField("name").get(ref)).append(' ')
                    .append(ref.getClass().getField("target").get(ref)).append(';');
        }
        return sb.append(']').toString();
    }

    private static Method find(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                for (Method m : i.getMethods()) {
                    if (m.getName().equals(name)) {
                        return m;
                    }
                }
            }
        }
        throw new IllegalStateException("no method " + name + " on " + c);
    }
}
