package io.kma.doctor.internal;

import java.nio.file.Path;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.kma.api.doctor.Diagnosis;
import io.kma.api.doctor.Finding;

/** The kube-apiserver flags of this control-plane host (kubeadm's static-pod manifest, when there is one). */
@Component(property = {Diagnosis.NAME + "=kube-apiserver flags", Diagnosis.ORDER + ":Integer=30"})
public final class ApiServerFlagsDiagnosis implements Diagnosis {

    /** Framework property: the manifest to read instead of kubeadm's ({@code doctor --apiserver-manifest FILE}). */
    static final String MANIFEST_PROPERTY = "kma.doctor.apiserver-manifest";

    private Path manifest;

    @Activate
    void activate(BundleContext context) {
        String p = context.getProperty(MANIFEST_PROPERTY);
        manifest = p == null || p.isBlank() ? ApiServerFlags.KUBEADM_MANIFEST : Path.of(p);
    }

    @Override
    public void examine(Consumer<Finding> report) {
        ApiServerFlags.check(manifest).forEach(report);
    }
}
