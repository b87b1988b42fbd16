/**
 * {@code kube-metrics-appliance doctor}: bundles contribute {@link io.kma.api.doctor.Diagnosis} services whose
 * {@link io.kma.api.doctor.Finding findings} the doctor prints as OK / WARN / FAIL lines, each failure with
 * the exact fix.
 *
 * <p>2.0: AdminGroups (a check, not a contract) left the API; bundles embed it privately ({@code io.kma.shared.x509}).
 */
@Export
@Version("2.0.0")
package io.kma.api.doctor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
