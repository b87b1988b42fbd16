/**
 * {@code kube-metrics-appliance doctor}: bundles contribute {@link io.kma.api.doctor.Diagnosis} services whose
 * {@link io.kma.api.doctor.Finding findings} the doctor prints as OK / WARN / FAIL lines, each failure with
 * the exact fix.
 */
@Export
@Version("1.1.0")
package io.kma.api.doctor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
