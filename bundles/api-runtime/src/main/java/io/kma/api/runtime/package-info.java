/**
 * The contracts between the launcher and the bundles: what systemd readiness waits for ({@link io.kma.api.runtime.Readiness}),
 * the subcommands that bundles carry out ({@link io.kma.api.runtime.Command}), and the signals the launcher hands on
 * ({@link io.kma.api.runtime.HandOver} at SIGTERM, {@link io.kma.api.runtime.Reload} at SIGHUP).
 *
 * <p>The launcher lives on the class path, outside the framework, so this package is not in a bundle: its jar is on
 * the launcher's class path and the system bundle exports it ({@code org.osgi.framework.system.packages.extra}, with
 * the version of this jar's {@code Export-Package}). Bundles import it from there, so both sides see the same classes.
 * Only JDK types appear in these signatures, so the export needs no {@code uses} constraints.
 *
 * <p>Register each of these services on its own, never as one more interface of an object that also registers a
 * bundle's own or another API package's class: Felix shows the launcher (the system bundle) only services whose every
 * object class it can load.
 */
@Export
@Version("1.0.0")
package io.kma.api.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
