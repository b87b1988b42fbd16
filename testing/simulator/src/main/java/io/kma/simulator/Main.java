package io.kma.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * CLI. {@code Main --dir DIR [options]} runs the simulator until SIGTERM;
 * {@code Main fault|register|churn --dir DIR ...} drives a running one through its admin API.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("org.jboss.logging.provider", "slf4j");
        try {
            if (args.length > 0 && args[0].equals("kubelets")) {
                ClusterKubelets.command(new ArrayDeque<>(List.of(args).subList(1, args.length)));
                return;
            }
            if (args.length > 0 && !args[0].startsWith("-")) {
                System.exit(subcommand(args[0], new ArrayDeque<>(List.of(args).subList(1, args.length))));
            }
            run(new ArrayDeque<>(List.of(args)));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static String usage() {
        return """
                usage: Main --dir DIR [--nodes N] [--pods-per-node P] [--containers-per-pod C]
                            [--namespaces N] (the pods dealt over N namespaces; default: pod j in sim-ns-<j mod 5>)
                            [--kubelet-mode ports|loopback-ips] [--kubelet-ip-base 127.1.0.0] [--kubelet-cert-ip-sans]
                            [--kubelet-self-signed-certs]
                            [--apiserver-port 0] [--appliance-url https://127.0.0.1:4443]
                            [--aggregator-insecure-skip-tls-verify | --aggregator-ca-file F]
                            [--slow-millis 3000] [--watch-history 10000] [--exit-with-parent]
                            [--warm-up]      (TLS, scrapes and lists served until the JIT compiled them, before ready)
                            [--jdk-crypto]   (default: ECDSA and x25519 on Bouncy Castle, nearer Go kubelets' cost)
                       Main fault    --dir DIR --node sim-node-1 --mode timeout|slow|500|401|403|reset|garbage|huge|none
                       Main register --dir DIR --url https://127.0.0.1:4443   (--url none unregisters)
                       Main churn    --dir DIR (--add-pod NODE | --delete-pod NS/NAME | --restart NS/NAME[/CONTAINER])
                       Main kubelets --server URL --ca-cert F --ca-key F --client-cert F --client-key F --address IP
                                     [--nodes 2] [--first-port 10250]   (kubelets for a real kube-apiserver)""";
    }

    private static String value(Deque<String> args, String flag) {
        String v = args.poll();
        if (v == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return v;
    }

    static SimulatorOptions parse(Deque<String> args) {
        Path dir = null;
        SimulatorOptions.Builder b = SimulatorOptions.builder(Path.of("."));
        Deque<String> rest = new ArrayDeque<>();
        while (!args.isEmpty()) {
            String a = args.poll();
            String inline = null;
            if (a.startsWith("--") && a.contains("=")) {
                inline = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            }
            if (inline != null) {
                args.addFirst(inline);
            }
            switch (a) {
                case "--dir" -> dir = Path.of(value(args, a));
                case "--nodes" -> b.nodes(Integer.parseInt(value(args, a)));
                case "--pods-per-node" -> b.podsPerNode(Integer.parseInt(value(args, a)));
                case "--containers-per-pod" -> b.containersPerPod(Integer.parseInt(value(args, a)));
                case "--namespaces" -> b.namespaces(Integer.parseInt(value(args, a)));
                case "--kubelet-mode" -> {
                    String m = value(args, a);
                    b.kubeletMode(switch (m) {
                        case "ports" -> SimulatorOptions.KubeletMode.PORTS;
                        case "loopback-ips" -> SimulatorOptions.KubeletMode.LOOPBACK_IPS;
                        default -> throw new IllegalArgumentException("--kubelet-mode must be ports or loopback-ips, not " + m);
                    });
                }
                case "--kubelet-ip-base" -> b.kubeletIpBase(value(args, a));
                case "--kubelet-port" -> b.kubeletPort(Integer.parseInt(value(args, a)));
                case "--kubelet-cert-ip-sans" -> b.kubeletCertIpSans(true);
                case "--kubelet-self-signed-certs" -> b.kubeletSelfSignedCerts(true);
                case "--warm-up" -> b.warmUp(true);
                case "--apiserver-port" -> b.apiserverPort(Integer.parseInt(value(args, a)));
                case "--appliance-url" -> b.applianceUrl(URI.create(value(args, a)));
                case "--aggregator-insecure-skip-tls-verify" -> b.aggregatorInsecureSkipTlsVerify(true);
                case "--aggregator-ca-file" -> b.aggregatorCaFile(Path.of(value(args, a)));
                case "--slow-millis" -> b.slowMillis(Long.parseLong(value(args, a)));
                case "--watch-history" -> b.watchHistory(Integer.parseInt(value(args, a)));
                case "--exit-with-parent", "--jdk-crypto" -> rest.add(a);
                case "--jdk-ecdsa-verify" -> rest.add("--jdk-crypto"); // the flag's name before x25519 and signing
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir is required");
        }
        args.addAll(rest);
        SimulatorOptions o = b.build();
        return new SimulatorOptions(dir, o.nodes(), o.podsPerNode(), o.containersPerPod(), o.namespaces(), o.kubeletMode(), o.kubeletIpBase(),
                o.kubeletPort(), o.kubeletCertIpSans(), o.apiserverPort(), o.applianceUrl(), o.aggregatorInsecureSkipTlsVerify(),
                o.aggregatorCaFile(), o.slowMillis(), o.watchHistory(), o.watchBookmarkSeconds(), o.watchDefaultTimeoutSeconds(),
                o.availabilityCheckSeconds(), o.proxyTimeoutSeconds(), o.kubeletIoThreads(), o.kubeletSelfSignedCerts(), o.warmUp());
    }

    private static void run(Deque<String> args) throws IOException {
        SimulatorOptions options = parse(args);
        boolean exitWithParent = args.contains("--exit-with-parent");
        if (!args.contains("--jdk-crypto")) {
            GoSpeedCrypto.install();
        }
        // the parent as of now: if it dies while we start, we must not adopt init as "parent"
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Simulator sim = Simulator.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        System.out.println("simulator ready: " + sim.apiserverUrl());
        System.out.flush();
        if (exitWithParent) {
            Thread watchdog = new Thread(() -> {
                while (parent != null && parent.isAlive()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                LOG.info("parent process gone; exiting");
                System.exit(0);
            }, "parent-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int subcommand(String cmd, Deque<String> args) throws IOException {
        Path dir = null;
        String node = null;
        String mode = null;
        String url = null;
        String addPod = null;
        String deletePod = null;
        String restart = null;
        while (!args.isEmpty()) {
            String a = args.poll();
            switch (a) {
                case "--dir" -> dir = Path.of(value(args, a));
                case "--node" -> node = value(args, a);
                case "--mode" -> mode = value(args, a);
                case "--url" -> url = value(args, a);
                case "--add-pod" -> addPod = value(args, a);
                case "--delete-pod" -> deletePod = value(args, a);
                case "--restart" -> restart = value(args, a);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir is required");
        }
        URI api = SimClients.apiserverUrl(dir);
        String method;
        String path;
        switch (cmd) {
            case "fault" -> {
                if (node == null || mode == null) {
                    throw new IllegalArgumentException("fault needs --node and --mode");
                }
                FaultMode.parse(mode);
                method = "PUT";
                path = "/simulator/v1/nodes/" + node + "/fault?mode=" + enc(mode);
            }
            case "register" -> {
                if (url == null) {
                    throw new IllegalArgumentException("register needs --url (or --url none)");
                }
                method = url.equals("none") ? "DELETE" : "PUT";
                path = "/simulator/v1/appliance" + (url.equals("none") ? "" : "?url=" + enc(url));
            }
            case "churn" -> {
                if (addPod != null) {
                    method = "POST";
                    path = "/simulator/v1/nodes/" + addPod + "/pods";
                } else if (deletePod != null) {
                    String[] p = deletePod.split("/");
                    method = "DELETE";
                    path = "/simulator/v1/namespaces/" + p[0] + "/pods/" + p[1];
                } else if (restart != null) {
                    String[] p = restart.split("/");
                    method = "POST";
                    path = "/simulator/v1/namespaces/" + p[0] + "/pods/" + p[1] + "/restart" + (p.length > 2 ? "?container=" + enc(p[2]) : "");
                } else {
                    throw new IllegalArgumentException("churn needs --add-pod, --delete-pod or --restart");
                }
            }
            default -> throw new IllegalArgumentException("unknown command " + cmd);
        }
        HttpClient client = SimClients.admin(dir);
        HttpRequest req = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            System.out.println(r.body().trim());
            return r.statusCode() < 300 ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
