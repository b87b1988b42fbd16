package io.kma.scraper.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID io.kma.scraper, written by the config bundle from config.yaml (docs/DEVELOPING.md). */
@ObjectClassDefinition(name = "Kubelet scraper", description = "Scrapes every selected kubelet's resource metrics each resolution")
@interface ScraperConfig {

    @AttributeDefinition(description = "metricResolution: time between scrape cycles, ms")
    long resolutionMillis() default 15000;

    @AttributeDefinition(description = "kubelet.requestTimeout: deadline of one kubelet request (connect + response), ms")
    long requestTimeoutMillis() default 10000;

    @AttributeDefinition(description = "kubelet.maxConcurrentScrapes: kubelet requests in flight at most")
    int maxConcurrentScrapes() default 256;

    @AttributeDefinition(description = "kubelet.maxResponseBytes: larger kubelet responses fail the node")
    long maxResponseBytes() default 16L * 1024 * 1024;

    @AttributeDefinition(description = "nodeSelector: label selector of the nodes to scrape; empty for all")
    String nodeSelector() default "";

    @AttributeDefinition(description = "kubelet.certificateAuthority: CA bundle that signs kubelet serving certificates")
    String certificateAuthority() default "/etc/kubernetes/pki/ca.crt";

    @AttributeDefinition(description = "kubelet.insecureSkipTLSVerify: do not verify kubelet certificates (insecure)")
    boolean insecureSkipTLSVerify() default false;

    @AttributeDefinition(description = "kubelet.tlsVerification: caOrPin (self-signed kubelet certificates pinned on first "
            + "contact when they name the node) or ca (CA-signed only)")
    String tlsVerification() default "caOrPin";

    @AttributeDefinition(description = "kubelet.pinDirectory: where kubelet certificate pins are kept, one file per node")
    String pinDirectory() default "/var/lib/kube-metrics-appliance/kubelet-pins";

    @AttributeDefinition(name = "addressResolver.target", description = "kubelet.addressResolver: filter selecting the AddressResolver strategy")
    String addressResolver_target() default "(kma.strategy=preferred)";

    @AttributeDefinition(name = "credentials.target", description = "kubelet.auth: filter selecting the KubeletCredentials strategy")
    String credentials_target() default "(kma.strategy=x509)";
}
