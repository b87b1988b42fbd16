package io.kma.simulator;

import io.undertow.server.HttpServerExchange;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /simulator/v1/...}: run-time control for tests and the CLI (system:masters only).
 * <pre>
 * GET    /simulator/v1/faults
 * PUT    /simulator/v1/nodes/{node}/fault?mode=timeout|slow|500|401|403|reset|garbage|huge|none
 * POST   /simulator/v1/nodes/{node}/pods                          add a pod (churn)
 * POST   /simulator/v1/nodes/shrink?keep=N                        delete the nodes from index N on, with their pods
 * DELETE /simulator/v1/namespaces/{ns}/pods/{name}                 delete a pod
 * POST   /simulator/v1/namespaces/{ns}/pods/{name}/restart[?container=c0]
 * PUT    /simulator/v1/appliance?url=https://...   DELETE /simulator/v1/appliance
 * PUT    /simulator/v1/appliance?service=NAMESPACE/NAME   route through that Service's Endpoints
 * GET    /simulator/v1/profile
 * </pre>
 */
final class AdminHandler {
    private final Simulator sim;

    AdminHandler(Simulator sim) {
        this.sim = sim;
    }

    void handle(HttpServerExchange ex, String method, String[] seg) throws IOException {
        // seg[0]=simulator seg[1]=v1
        String what = seg.length > 2 ? seg[2] : "";
        try {
            if (what.equals("faults") && method.equals("GET")) {
                Map<String, String> m = new TreeMap<>();
                sim.faults().active().forEach((k, v) -> m.put(k, v.cliName()));
                Http.tree(ex, 200, m);
            } else if (what.equals("nodes") && seg.length == 5 && seg[4].equals("fault") && (method.equals("PUT") || method.equals("POST"))) {
                String mode = Http.param(ex, "mode");
                if (mode == null) {
                    mode = new String(Http.body(ex, 100)).trim();
                }
                FaultMode f = FaultMode.parse(mode);
                sim.faults().set(seg[3], f);
                Http.tree(ex, 200, Map.of("node", seg[3], "mode", f.cliName()));
            } else if (what.equals("nodes") && seg.length == 4 && seg[3].equals("shrink") && method.equals("POST")) {
                String keep = Http.param(ex, "keep");
                int deleted;
                try {
                    deleted = sim.cluster().deleteNodesFrom(Integer.parseInt(keep == null ? "" : keep));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("keep must be a number of nodes, not \"" + keep + "\"");
                }
                Http.tree(ex, 200, Map.of("deleted", deleted, "nodes", sim.cluster().nodeCount()));
            } else if (what.equals("nodes") && seg.length == 5 && seg[4].equals("pods") && method.equals("POST")) {
                SimPod p = sim.cluster().addPod(seg[3]);
                Http.tree(ex, 201, Map.of("namespace", p.namespace, "name", p.name, "node", p.nodeName()));
            } else if (what.equals("namespaces") && seg.length == 6 && seg[4].equals("pods") && method.equals("DELETE")) {
                if (sim.cluster().deletePod(seg[3], seg[5])) {
                    Http.tree(ex, 200, Map.of("deleted", seg[3] + "/" + seg[5]));
                } else {
                    Http.status(ex, 404, "NotFound", "pods \"" + seg[5] + "\" not found");
                }
            } else if (what.equals("namespaces") && seg.length == 7 && seg[6].equals("restart") && method.equals("POST")) {
                SimPod p = sim.cluster().restartContainer(seg[3], seg[5], Http.param(ex, "container"));
                Http.tree(ex, 200, Map.of("restarted", p.key()));
            } else if (what.equals("appliance") && (method.equals("PUT") || method.equals("POST")) && Http.param(ex, "service") != null) {
                String[] ref = Http.param(ex, "service").split("/", 2);
                if (ref.length != 2 || ref[0].isEmpty() || ref[1].isEmpty()) {
                    throw new IllegalArgumentException("service must be NAMESPACE/NAME");
                }
                sim.registerApplianceService(ref[0], ref[1]);
                Http.tree(ex, 200, Map.of("registered", "service " + ref[0] + "/" + ref[1]));
            } else if (what.equals("appliance") && (method.equals("PUT") || method.equals("POST"))) {
                String url = Http.param(ex, "url");
                sim.registerAppliance(URI.create(url));
                Http.tree(ex, 200, Map.of("registered", url));
            } else if (what.equals("appliance") && method.equals("DELETE")) {
                sim.registerAppliance(null);
                Http.tree(ex, 200, Map.of("registered", ""));
            } else if (what.equals("profile") && method.equals("GET")) {
                LoadProfile p = sim.profile();
                Http.tree(ex, 200, Map.of("nodes", p.nodes(), "podsPerNode", p.podsPerNode(), "containersPerPod", p.containersPerPod()));
            } else {
                Http.status(ex, 404, "NotFound", "unknown simulator admin request " + method + " " + ex.getRequestPath());
            }
        } catch (IllegalArgumentException e) {
            Http.status(ex, 400, "BadRequest", e.getMessage());
        }
    }
}
