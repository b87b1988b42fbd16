package io.kma.kube.client.internal;

import static io.kma.kube.client.internal.ApiServerDiagnosis.APISERVICE;
import static io.kma.kube.client.internal.ApiServerDiagnosis.MANIFESTS;

import java.io.IOException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.kma.api.doctor.Finding;

/**
 * The doctor's APIService check: is {@code v1beta1.metrics.k8s.io} registered and Available. kube-apiserver's
 * aggregator states why not only in the condition's reason and free-text message, so the fix is picked from
 * those.
 */
final class ApiServiceCheck {

    static final String APISERVICE_PATH = "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io";

    static final String FIX_DISCOVERY_UNREACHABLE = "kube-apiserver cannot reach the appliance: check that it runs on "
            + "every control-plane host (systemctl status kube-metrics-appliance), that the Endpoints/EndpointSlice "
            + "metrics-server in kube-system list these hosts' IPs and securePort, that kube-apiserver runs with "
            + "--enable-aggregator-routing=true, and that the firewall allows the port";
    static final String FIX_DISCOVERY_CERTIFICATE = "the APIService's caBundle must sign the appliance's serving "
            + "certificate (manifests --ca-bundle FILE; the certificate needs the SAN metrics-server.kube-system.svc), "
            + "or set insecureSkipTLSVerify: true";
    static final String FIX_DISCOVERY_AUTH = "the appliance rejected kube-apiserver's front-proxy client: set "
            + "authentication.requestheaderClientCAFile to kube-apiserver's --requestheader-client-ca-file and include "
            + "the CN of its --proxy-client-cert-file in authentication.requestheaderAllowedNames (or leave the list empty)";
    static final String FIX_DISCOVERY_SERVICE = "apply the Service from kube-metrics-appliance manifests; its Endpoints "
            + "are written by the running appliances (see the registration lines below), or statically with manifests "
            + "--advertise-address <control-plane IPs> when registration.enabled is false";
    static final String FIX_DISCOVERY_OTHER = "see kubectl describe apiservice v1beta1.metrics.k8s.io and the "
            + "appliance's log (journalctl -u kube-metrics-appliance)";
    static final String FIX_APISERVICE_FORBIDDEN = "check it as an admin: kubectl get apiservice v1beta1.metrics.k8s.io; "
            + "or apply the RBAC from kube-metrics-appliance manifests, which lets the appliance read this one APIService";

    // Both wordings: Go's from kube-apiserver, Java's (ConnectException) from the cluster simulator's aggregator.
    private static final Pattern UNREACHABLE = Pattern.compile(
            "connection refused|no route|timeout|timed out|deadline|dial tcp|i/o timeout|ConnectException|unreachable", Pattern.CASE_INSENSITIVE);
    private static final Pattern CERTIFICATE = Pattern.compile("x509|certificate", Pattern.CASE_INSENSITIVE);
    private static final Pattern AUTH = Pattern.compile("\\b401\\b|\\b403\\b|unauthorized|forbidden",
            Pattern.CASE_INSENSITIVE);

    private ApiServiceCheck() {
    }

    static Finding run(BoundedCalls calls, Kubeconfig kc) throws InterruptedException {
        JsonNode svc;
        try {
            svc = calls.run(calls.deadline(), (timeout, tracker) -> calls.client.get("get", APISERVICE_PATH, timeout,
                    tracker));
        } catch (ApiException e) {
            if (e.code() == 404) {
                return Finding.fail(APISERVICE, "not registered", MANIFESTS);
            }
            if (e.code() == 403) {
                return Finding.warn(APISERVICE, "the appliance's user may not read it", FIX_APISERVICE_FORBIDDEN);
            }
            RequestProblem p = RequestProblem.classify(e, kc.server(), calls.timeout);
            return Finding.fail(APISERVICE, p.detail(), p.fix());
        } catch (IOException e) {
            RequestProblem p = RequestProblem.classify(e, kc.server(), calls.timeout);
            return Finding.fail(APISERVICE, p.detail(), p.fix());
        }
        JsonNode available = null;
        for (JsonNode c : svc.path("status").path("conditions")) {
            if ("Available".equals(Json.text(c, "type"))) {
                available = c;
                break;
            }
        }
        if (available == null) {
            return Finding.fail(APISERVICE, "no Available condition yet", "wait a few seconds and run the doctor again; "
                    + "if it stays, kubectl describe apiservice v1beta1.metrics.k8s.io");
        }
        String status = Json.text(available, "status");
        if ("True".equals(status)) {
            return Finding.ok(APISERVICE, "Available (" + service(svc.path("spec").path("service")) + ")");
        }
        String reason = Json.text(available, "reason");
        String message = Json.text(available, "message");
        reason = reason == null ? "" : reason;
        message = message == null ? "" : message;
        String detail = "Available " + (status == null ? "Unknown" : status)
                + (reason.isEmpty() ? "" : ": " + reason) + (message.isEmpty() ? "" : ": " + FindingText.shorten(message));
        return Finding.fail(APISERVICE, detail, discoveryFix(reason, message));
    }

    /** The fix for an APIService that is not Available, from its condition's reason and message; the first match wins. */
    static String discoveryFix(String reason, String message) {
        if ("FailedDiscoveryCheck".equals(reason) && UNREACHABLE.matcher(message).find()) {
            return FIX_DISCOVERY_UNREACHABLE;
        }
        if (CERTIFICATE.matcher(message).find()) {
            return FIX_DISCOVERY_CERTIFICATE;
        }
        if (AUTH.matcher(message).find()) {
            return FIX_DISCOVERY_AUTH;
        }
        if (reason.equals("ServiceNotFound") || reason.equals("MissingEndpoints") || reason.equals("EndpointsNotFound")) {
            return FIX_DISCOVERY_SERVICE;
        }
        return FIX_DISCOVERY_OTHER;
    }

    private static String service(JsonNode service) {
        if (service.isMissingNode() || service.isNull()) {
            return "served by kube-apiserver itself";
        }
        int port = service.path("port").asInt(443);
        return Json.text(service, "namespace") + "/" + Json.text(service, "name") + ":" + port;
    }
}
