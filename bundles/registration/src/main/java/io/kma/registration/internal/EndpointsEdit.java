package io.kma.registration.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The change this host makes to the Service's Endpoints {@code subsets}: its own address in the subset of its
 * port (ready in {@code addresses}, not ready in {@code notReadyAddresses}, or absent), and the addresses of dead
 * peers removed. Everything else, peers' entries included, is kept as found; addresses are sorted by IP so that
 * every appliance computes the same object (kube-apiserver's endpoint reconciler does the same).
 */
final class EndpointsEdit {

    private EndpointsEdit() {
    }

    /** Where this host's address goes. */
    enum Own { READY, NOT_READY, ABSENT }

    /**
     * @param subsets the current {@code subsets} (missing or null: none)
     * @param own     this host's address
     * @param state   where it goes
     * @param remove  addresses to drop (dead peers)
     * @return the new {@code subsets}
     */
    static ArrayNode apply(JsonNode subsets, Member own, Own state, Set<Member> remove) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode out = f.arrayNode();
        boolean placed = state == Own.ABSENT;
        for (JsonNode subset : subsets == null ? f.arrayNode() : subsets) {
            if (!subset.isObject()) {
                continue;
            }
            ObjectNode copy = ((ObjectNode) subset).deepCopy();
            int port = httpsPort(subset);
            for (String list : List.of("addresses", "notReadyAddresses")) {
                ArrayNode kept = f.arrayNode();
                for (JsonNode a : subset.path(list)) {
                    Member m = new Member(a.path("ip").asText(""), port);
                    if (!m.equals(own) && !remove.contains(m)) {
                        kept.add(a);
                    }
                }
                copy.set(list, kept);
            }
            if (!placed && isOwnPortSet(subset, own.port())) {
                ((ArrayNode) copy.get(state == Own.READY ? "addresses" : "notReadyAddresses")).addObject().put("ip", own.ip());
                placed = true;
            }
            for (String list : List.of("addresses", "notReadyAddresses")) {
                ArrayNode sorted = sortedByIp((ArrayNode) copy.get(list));
                if (sorted.isEmpty()) {
                    copy.remove(list);
                } else {
                    copy.set(list, sorted);
                }
            }
            if (copy.has("addresses") || copy.has("notReadyAddresses")) {
                out.add(copy);
            }
        }
        if (!placed) {
            ObjectNode subset = out.addObject();
            subset.putArray(state == Own.READY ? "addresses" : "notReadyAddresses").addObject().put("ip", own.ip());
            subset.set("ports", ports(own.port()));
        }
        return out;
    }

    /** Every address listed with a port named https, ready or not. */
    static Set<Member> members(JsonNode subsets) {
        Set<Member> out = new LinkedHashSet<>();
        for (JsonNode subset : subsets == null ? JsonNodeFactory.instance.arrayNode() : subsets) {
            int port = httpsPort(subset);
            if (port <= 0) {
                continue;
            }
            for (String list : List.of("addresses", "notReadyAddresses")) {
                for (JsonNode a : subset.path(list)) {
                    out.add(new Member(a.path("ip").asText(""), port));
                }
            }
        }
        return out;
    }

    /** The ports of this host's subset: exactly what the Service's port {@code https} needs. */
    static ArrayNode ports(int port) {
        ArrayNode ports = JsonNodeFactory.instance.arrayNode();
        ports.addObject().put("name", Registrar.PORT_NAME).put("port", port).put("protocol", "TCP");
        return ports;
    }

    private static boolean isOwnPortSet(JsonNode subset, int port) {
        JsonNode ports = subset.path("ports");
        return ports.size() == 1 && httpsPort(subset) == port
                && ports.get(0).path("protocol").asText("TCP").equals("TCP");
    }

    private static int httpsPort(JsonNode subset) {
        for (JsonNode p : subset.path("ports")) {
            if (p.path("name").asText("").equals(Registrar.PORT_NAME)) {
                return p.path("port").asInt(-1);
            }
        }
        return -1;
    }

    private static ArrayNode sortedByIp(ArrayNode addresses) {
        List<JsonNode> list = new ArrayList<>();
        addresses.forEach(list::add);
        list.sort(Comparator.comparing(a -> a.path("ip").asText("")));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        list.forEach(out::add);
        return out;
    }
}
