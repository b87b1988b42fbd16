#!/usr/bin/env bash
# Measures the unpacked distribution against the cluster simulator (lib/simulator): launch -> first 200 on
# /livez, "all bundles started" (launcher log), RSS after 10 s idle, SIGTERM -> exit, size.
# Usage: assembly/measure.sh [runs]. Binds 127.0.0.1 only; stops everything it starts.
set -euo pipefail
dist=$(cd "$(dirname "$0")" && pwd)/target/kube-metrics-appliance
runs=${1:-3}
work=$(mktemp -d /tmp/kma-measure.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
# CPU time (user+system) a process has used, in ms: a start-up figure that does not depend on the machine's load.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14+$15)*1000/hz)}' "/proc/$1/stat"; }
port=$(free_port)

java -cp "$dist/lib/simulator/*" io.kma.simulator.Main --dir "$work/sim" --nodes 10 --pods-per-node 10 \
    --appliance-url "https://127.0.0.1:$port" >"$work/simulator.log" 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true' EXIT
for _ in $(seq 1 900); do [ -f "$work/sim/simulator.properties" ] && break; sleep 0.1; done
[ -f "$work/sim/simulator.properties" ] || { echo "simulator did not start; see $work/simulator.log" >&2; exit 1; }

s=$work/sim
cat > "$work/config.yaml" <<YAML
kubeconfig: $s/appliance.kubeconfig
server: {bindAddress: 127.0.0.1, securePort: $port, certDir: $work/certs}
kubelet:
  useNodeStatusPort: true
  preferredAddressTypes: [InternalIP, Hostname]
  certificateAuthority: $s/pki/ca.crt
  clientCertificate: $s/pki/apiserver-kubelet-client.crt
  clientKey: $s/pki/apiserver-kubelet-client.key
authentication: {requestheaderClientCAFile: $s/pki/front-proxy-ca.crt}
YAML
echo "distribution: $(du -sh "$dist" | cut -f1) unpacked ($(du -sh --exclude=simulator "$dist" | cut -f1) without lib/simulator), $(du -sh "$dist.tar.gz" | cut -f1) tar.gz, $(find "$dist" -name '*.jar' | wc -l) jars"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$runs"); do
    rm -rf "$work/state" "$work/certs"
    t0=$(now_ms)
    KMA_STATE_DIR=$work/state "$dist/bin/kube-metrics-appliance" run --config "$work/config.yaml" >"$work/run$run.log" 2>&1 &
    pid=$!
    livez="" code="" cpu="?"
    deadline=$(( t0 + 60000 ))
    for _ in $(seq 1 3000); do   # at most 60 s
        code=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "https://127.0.0.1:$port/livez" || true)
        if [ "$code" = 200 ]; then
            livez=$(( $(now_ms) - t0 )); cpu=$(cpu_ms "$pid"); break
        fi
        if ! kill -0 "$pid" 2>/dev/null || [ "$(now_ms)" -gt "$deadline" ]; then break; fi
        sleep 0.02
    done
    started=$(grep -o 'bundles started.* in [0-9]* ms' "$work/run$run.log" | grep -o '[0-9]* ms$' || echo "?")
    sleep 10
    rss=$(( $(ps -o rss= -p "$pid") / 1024 ))
    threads=$(ps -o nlwp= -p "$pid" | tr -d ' ')
    t1=$(now_ms); kill -TERM "$pid"; rc=0; wait "$pid" || rc=$?
    stop=$(( $(now_ms) - t1 ))
    echo "run $run: livez 200 after ${livez:-none (last code $code)} ms (${cpu} ms CPU); all bundles started after $started (launcher log); RSS after 10 s idle ${rss} MiB, ${threads} threads; SIGTERM -> exit ${stop} ms, exit code $rc"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); logs: $work"
