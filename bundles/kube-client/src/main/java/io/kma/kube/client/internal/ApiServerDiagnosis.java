package io.kma.kube.client.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;

import io.kma.api.doctor.Diagnosis;
import io.kma.api.doctor.Finding;

/**
 * The doctor's kube-apiserver checks: the kubeconfig ({@link KubeconfigCheck}), kube-apiserver's answer to
 * {@code /version}, the RBAC the appliance needs ({@link RbacCheck}), and the APIService
 * {@code v1beta1.metrics.k8s.io} ({@link ApiServiceCheck}). Uses the bundle's own {@link ApiConnection}; every
 * request is bounded by {@link #requestTimeout} ({@link BoundedCalls}), so that a run takes at most about 40 s.
 */
@Component(service = Diagnosis.class, property = {Diagnosis.NAME + "=kube-apiserver", Diagnosis.ORDER + ":Integer=20"})
public final class ApiServerDiagnosis implements Diagnosis {

    static final String KUBECONFIG = "kubeconfig";
    static final String APISERVER = "kube-apiserver";
    static final String RBAC = "RBAC";
    static final String APISERVICE = "APIService v1beta1.metrics.k8s.io";

    /** The user the manifests' RBAC is bound to. */
    static final String USER = "system:kube-metrics-appliance";
    static final String MANIFESTS = "kube-metrics-appliance manifests --hosts <control-plane host names> | kubectl apply -f -";

    @Reference
    ApiConnection connection;

    /** How long to wait for ApiConnection to load the kubeconfig; shorter in tests. */
    Duration kubeconfigWait = Duration.ofSeconds(10);
    /** Bound of each network step (the version request, all RBAC reviews together, the APIService). */
    Duration requestTimeout = Duration.ofSeconds(10);

    /** The four checks in order; without a kubeconfig or an answering kube-apiserver the later ones are skipped. */
    @Override
    public void examine(Consumer<Finding> report) throws InterruptedException {
        ApiClient client = KubeconfigCheck.awaitClient(connection, kubeconfigWait);
        if (client == null) {
            report.accept(KubeconfigCheck.notLoaded(connection, kubeconfigWait));
            skip(report, "needs a working kubeconfig", APISERVER, RBAC, APISERVICE);
            return;
        }
        Kubeconfig kc = client.kubeconfig();
        report.accept(KubeconfigCheck.loaded(kc));
        try (BoundedCalls calls = new BoundedCalls(client, requestTimeout)) {
            Finding apiserver = apiServer(calls, kc);
            report.accept(apiserver);
            if (apiserver.verdict() == Finding.Verdict.FAIL) {
                skip(report, "needs kube-apiserver", RBAC, APISERVICE);
                return;
            }
            report.accept(RbacCheck.run(calls, kc));
            report.accept(ApiServiceCheck.run(calls, kc));
        }
    }

    private static void skip(Consumer<Finding> report, String why, String... checks) {
        for (String c : checks) {
            report.accept(Finding.skip(c, why));
        }
    }

    /**
     * Whether kube-apiserver answers at all. {@code /version} needs no RBAC (the default ClusterRole
     * system:public-info-viewer grants it to everyone), so a failure here is about reaching kube-apiserver, TLS or
     * the credential, and the checks after it would only fail the same way.
     */
    private static Finding apiServer(BoundedCalls calls, Kubeconfig kc) throws InterruptedException {
        long deadline = calls.deadline();
        try {
            JsonNode version = calls.run(deadline, (timeout, tracker) -> calls.client.get("get", "/version", timeout, tracker));
            String git = Json.text(version, "gitVersion");
            return Finding.ok(APISERVER, kc.server() + " answers, Kubernetes " + (git == null ? "(version unknown)" : git));
        } catch (IOException e) {
            RequestProblem p = RequestProblem.classify(e, kc.server(), calls.timeout);
            return Finding.fail(APISERVER, "GET /version: " + p.detail(), p.fix());
        }
    }
}
