package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** fieldSelector, Accept negotiation and request attributes. */
class RequestParsingTest {

    @Test
    void fieldSelectorKnowsOnlyNameAndNamespace() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldSelector.parse("spec.nodeName=x"));
        assertEquals("\"spec.nodeName\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FieldSelector.parse("metadata.name"));
    }

    @Test
    void fieldSelectorMatchesPodsAndNodes() {
        FieldSelector byName = FieldSelector.parse("metadata.name=web-1");
        assertTrue(byName.matches("web-1", "default"));
        assertFalse(byName.matches("web-2", "default"));
        assertEquals("web-1", byName.requiredName());

        FieldSelector both = FieldSelector.parse("metadata.namespace==kube-system,metadata.name!=dns");
        assertTrue(both.matches("proxy", "kube-system"));
        assertFalse(both.matches("dns", "kube-system"));
        assertFalse(both.matches("proxy", "default"));
        assertNull(both.requiredName());

        // Nodes have no metadata.namespace field: it reads as "", so any non-empty value matches nothing.
        assertFalse(FieldSelector.parse("metadata.namespace=default").matches("node1", null));
        assertTrue(FieldSelector.parse("metadata.namespace!=default").matches("node1", null));
        assertTrue(FieldSelector.parse("").isEverything());
        assertTrue(FieldSelector.parse("metadata.name=a\\,b").matches("a,b", "x"), "escaped comma");
    }

    @Test
    void negotiationPrefersJsonFallbackAndTable() {
        assertEquals(Negotiation.JSON, Negotiation.of(null));
        assertEquals(Negotiation.PROTOBUF, Negotiation.of("application/vnd.kubernetes.protobuf, */*"), "kubectl top, client-go");
        assertEquals(Negotiation.PROTOBUF, Negotiation.of("application/vnd.kubernetes.protobuf,application/json"));
        assertEquals("application/vnd.kubernetes.protobuf", Negotiation.PROTOBUF.contentType());
        assertEquals(Negotiation.JSON, Negotiation.of("application/vnd.kubernetes.protobuf;q=0.9, application/json"));
        assertEquals(Negotiation.JSON, Negotiation.of("application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io"),
                "no protobuf Table, and never 406");
        assertEquals(Negotiation.JSON, Negotiation.of("application/json, application/vnd.kubernetes.protobuf"));
        Negotiation table = Negotiation.of("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
        assertTrue(table.table());
        assertFalse(table.yaml());
        assertEquals("application/json;as=Table;v=v1;g=meta.k8s.io", table.contentType());
        Negotiation yaml = Negotiation.of("application/yaml");
        assertTrue(yaml.yaml());
        assertEquals("application/yaml", yaml.contentType());
        assertFalse(Negotiation.of("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json").table());
        assertFalse(Negotiation.of("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json").table());
    }

    @Test
    void requestAttributesFollowRequestInfo() {
        RequestAttributes list = RequestAttributes.of("GET", "/apis/metrics.k8s.io/v1beta1/nodes", false, null);
        assertTrue(list.resourceRequest());
        assertEquals(List.of("list", "nodes", "", ""), List.of(list.verb(), list.resource(), list.namespace(), list.name()));
        assertEquals("User \"jane\" cannot list resource \"nodes\" in API group \"metrics.k8s.io\" at the cluster scope",
                list.forbiddenMessage("jane"));

        RequestAttributes get = RequestAttributes.of("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods/web", false, null);
        assertEquals(List.of("get", "pods", "ns", "web"), List.of(get.verb(), get.resource(), get.namespace(), get.name()));
        assertEquals("User \"jane\" cannot get resource \"pods\" in API group \"metrics.k8s.io\" in the namespace \"ns\"",
                get.forbiddenMessage("jane"));

        RequestAttributes watch = RequestAttributes.of("GET", "/apis/metrics.k8s.io/v1beta1/pods", true, null);
        assertEquals("watch", watch.verb());

        RequestAttributes narrowed = RequestAttributes.of("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods", false, "web");
        assertEquals("web", narrowed.name());
        assertEquals("", narrowed.pathName());

        RequestAttributes discovery = RequestAttributes.of("GET", "/apis/metrics.k8s.io/v1beta1", false, null);
        assertFalse(discovery.resourceRequest());
        RequestAttributes metrics = RequestAttributes.of("GET", "/metrics", false, null);
        assertEquals("User \"jane\" cannot get path \"/metrics\"", metrics.forbiddenMessage("jane"));
    }

    @Test
    void alwaysAllowPathsAreExactOrStarPrefix() {
        assertTrue(Authorizer.alwaysAllowed("/healthz", List.of("/healthz")));
        assertFalse(Authorizer.alwaysAllowed("/healthz/ping", List.of("/healthz")));
        assertTrue(Authorizer.alwaysAllowed("/readyz/log", List.of("/readyz*")));
    }
}
