package io.kma.doctor.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.kma.api.doctor.Diagnosis;
import io.kma.api.doctor.Finding;

/**
 * Every file the configuration names must be readable by the service's user, not only by the root running the
 * doctor: kubeadm writes its keys as root 0600, a trap that otherwise shows only as a failing service. The fix is
 * never a copy of such a key (kubeadm's client keys are cluster administrators) but the appliance's own identity.
 */
@Component(property = {Diagnosis.NAME + "=files", Diagnosis.ORDER + ":Integer=15"})
public final class ServiceUserFilesDiagnosis implements Diagnosis {

    /** Framework property: the user the service runs as (the package's system user by default). */
    static final String USER_PROPERTY = "kma.doctor.service-user";
    static final String DEFAULT_USER = "kube-metrics-appliance";
    static final String CHECK = "files";

    @Reference
    ConfigurationAdmin configAdmin;

    private String userName = DEFAULT_USER;
    private Accounts accounts = Accounts.system();

    @Activate
    void activate(BundleContext context) {
        String u = context.getProperty(USER_PROPERTY);
        if (u != null && !u.isBlank()) {
            userName = u.trim();
        }
    }

    /** For tests: another user database. */
    void accounts(Accounts a, String user) {
        accounts = a;
        userName = user;
    }

    @Override
    public void examine(Consumer<Finding> report) {
        TreeMap<Path, String> files;
        Optional<Accounts.User> user;
        try {
            files = configuredFiles();
            user = accounts.user(userName);
        } catch (IOException | InvalidSyntaxException e) {
            report.accept(Finding.warn(CHECK, "cannot list the configured files: " + e.getMessage(), null));
            return;
        }
        boolean self = userName.equals(System.getProperty("user.name"));
        if (user.isEmpty() && !self) {
            report.accept(Finding.skip(CHECK, "no user " + userName + " on this host, so no file was checked for it"));
            return;
        }
        int failed = 0;
        for (var e : files.entrySet()) {
            String why;
            try {
                why = self ? (Files.isReadable(e.getKey()) ? null : "cannot read " + e.getKey())
                        : FileAccess.whyUnreadable(user.get(), e.getKey());
            } catch (IOException ex) {
                why = "cannot check " + e.getKey() + ": " + ex.getMessage();
            }
            if (why != null) {
                failed++;
                report.accept(Finding.fail("file " + e.getKey(), userName + " (the service's user) " + why
                        + "; configured as " + e.getValue(), "never copy a root-only key for the service: for a credential,"
                        + " give the appliance its own identity (sudo kube-metrics-appliance identity --approve writes its"
                        + " key 0600 for " + userName + ") and configure that; a certificate or CA file may be made"
                        + " readable: chgrp " + userName + " " + e.getKey() + " && chmod g+r " + e.getKey()));
            }
        }
        if (failed == 0) {
            report.accept(Finding.ok(CHECK, "the " + files.size() + " files the configuration names are readable by "
                    + userName));
        }
    }

    /** Absolute paths of existing regular files in the appliance's configurations, with where each is configured. */
    private TreeMap<Path, String> configuredFiles() throws IOException, InvalidSyntaxException {
        TreeMap<Path, String> files = new TreeMap<>();
        Configuration[] configs = configAdmin.listConfigurations("(service.pid=io.kma.*)");
        if (configs == null) {
            return files;
        }
        for (Configuration c : configs) {
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) {
                continue;
            }
            for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                if (key.startsWith("service.") || key.startsWith("felix.")) {
                    continue;
                }
                for (String v : strings(props.get(key))) {
                    if (v.startsWith("/") && Files.isRegularFile(Path.of(v))) {
                        files.putIfAbsent(Path.of(v), c.getPid() + " " + key);
                    }
                }
            }
        }
        return files;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof String s) {
            out.add(s);
        } else if (value instanceof String[] a) {
            out.addAll(List.of(a));
        } else if (value instanceof Collection<?> c) {
            c.forEach(o -> out.add(String.valueOf(o)));
        }
        return out;
    }
}
