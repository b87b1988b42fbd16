#!/usr/bin/env bash
# Hostile-callers benchmark (issue 10): a legitimate client (GET nodes and pods through the front-proxy identity)
# measured QUIET seconds alone, then HOSTILE seconds while HostileLoad.java runs 500 slowloris connections, 200
# requests/s with random bearer tokens, 100 requests/s with forged identity headers and no certificate, and the
# body trick (Content-Length: 1000000 and one byte, 40 connections every 5 s, each held open 20 s). Prints, for both phases, the
# legitimate client's errors and p50/p99 latency, the TokenReviews sent per second, and the appliance's RSS and
# threads.
#
#   testing/benchmarks/hostile.sh [QUIET=30] [HOSTILE=60] [NODES=20] [PODS=10]
#
# Environment: KMA_DIST (distribution, default assembly/target/kube-metrics-appliance), WORK (default a fresh
# /tmp/kma-hostile.XXXXXX, kept for the logs), SLOWLORIS (500), TOKENS_PER_S (200), FORGED_PER_S (100).
# Everything stays on 127.0.0.0/8 (hostile sources 127.0.0.2-22, the legitimate client 127.0.0.1); every process started here is stopped on exit.
set -euo pipefail

QUIET=${1:-30}
HOSTILE=${2:-60}
NODES=${3:-20}
PODS=${4:-10}
SLOWLORIS=${SLOWLORIS:-500}
TOKENS_PER_S=${TOKENS_PER_S:-200}
FORGED_PER_S=${FORGED_PER_S:-100}

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
DIST=${KMA_DIST:-$root/assembly/target/kube-metrics-appliance}
[ -x "$DIST/bin/kube-metrics-appliance" ] || { echo "no distribution at $DIST; build it with: mvn -B -q install -DskipTests" >&2; exit 1; }
WORK=${WORK:-$(mktemp -d /tmp/kma-hostile.XXXXXX)}
SIM_DIR=$WORK/sim
APP_DIR=$WORK/appliance
mkdir -p "$APP_DIR/state" "$APP_DIR/deploy"
# shellcheck source=lib.sh
. "$here/lib.sh"

SIM_PID= APP_PID= HOSTILE_PID= SAMPLER_PID=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$SAMPLER_PID"; stop_pid "$HOSTILE_PID"; stop_pid "$APP_PID"; stop_pid "$SIM_PID"
    wait 2>/dev/null || true
    log "logs in $WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=$(free_port)
BASE=https://127.0.0.1:$PORT
CURL_MAX_TIME=30
token_reviews() { # reviews sent to kube-apiserver so far (verb create: TokenReviews; SARs too, but the legitimate
    # client is system:masters and needs none, and the hostile requests are refused at authentication)
    { curl_app /metrics || true; } | awk '/^kube_metrics_appliance_apiserver_requests_total\{code="[^"]*",verb="create"\}/ {n+=$2} END {print n+0}'
}

log "work dir $WORK; load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
java -cp "$DIST/lib/simulator/*" io.kma.simulator.Main --dir "$SIM_DIR" --nodes "$NODES" --pods-per-node "$PODS" \
    --appliance-url "$BASE" --exit-with-parent >"$WORK/simulator.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 240); do [ -s "$SIM_DIR/simulator.properties" ] && break; kill -0 "$SIM_PID"; sleep 0.5; done
[ -s "$SIM_DIR/simulator.properties" ] || { echo "simulator not ready" >&2; exit 1; }

cat >"$APP_DIR/config.yaml" <<YAML
kubeconfig: $SIM_DIR/appliance.kubeconfig
metricResolution: 15s
server:
  bindAddress: 127.0.0.1
  securePort: $PORT
  certDir: $APP_DIR/certs
kubelet:
  useNodeStatusPort: true
  preferredAddressTypes: [InternalIP, Hostname]
  certificateAuthority: $SIM_DIR/pki/ca.crt
  clientCertificate: $SIM_DIR/pki/apiserver-kubelet-client.crt
  clientKey: $SIM_DIR/pki/apiserver-kubelet-client.key
authentication:
  requestheaderClientCAFile: $SIM_DIR/pki/front-proxy-ca.crt
  requestheaderAllowedNames: [front-proxy-client]
YAML
KMA_STATE_DIR=$APP_DIR/state KMA_DEPLOY_DIR=$APP_DIR/deploy \
    "$DIST/bin/kube-metrics-appliance" run --config "$APP_DIR/config.yaml" >"$WORK/appliance.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
    kill -0 "$APP_PID" || { tail -20 "$WORK/appliance.log" >&2; exit 1; }
    n=$(windows /apis/metrics.k8s.io/v1beta1/nodes)
    [ "$n" -ge "$NODES" ] && break
    sleep 2
done
log "appliance serves $n of $NODES nodes; javac HostileLoad"
javac -d "$WORK/classes" "$here/HostileLoad.java"

# Appliance RSS (KiB) and threads every second, tagged with the phase in $WORK/phase.
echo quiet >"$WORK/phase"
( while kill -0 "$APP_PID" 2>/dev/null; do
      printf '%s %s %s\n' "$(cat "$WORK/phase")" "$(awk '/^VmRSS:/ {print $2}' /proc/$APP_PID/status)" \
          "$(awk '/^Threads:/ {print $2}' /proc/$APP_PID/status)"
      sleep 1
  done >"$WORK/samples" ) &
SAMPLER_PID=$!

legit() { # phase seconds: GET nodes and pods alternately, one at a time; "code seconds" per line
    local phase=$1 until=$(( $(date +%s) + $2 )) i=0 path
    while [ "$(date +%s)" -lt "$until" ]; do
        if (( i++ % 2 )); then path=/apis/metrics.k8s.io/v1beta1/pods; else path=/apis/metrics.k8s.io/v1beta1/nodes; fi
        curl_app "$path" -o /dev/null -w '%{http_code} %{time_total}\n' 2>/dev/null >>"$WORK/legit.$phase" \
            || echo "000 30" >>"$WORK/legit.$phase"
    done
}

tr0=$(token_reviews)
log "quiet phase: ${QUIET}s"
legit quiet "$QUIET"
tr1=$(token_reviews)
echo hostile >"$WORK/phase"
log "hostile phase: ${HOSTILE}s ($SLOWLORIS slowloris, $TOKENS_PER_S random tokens/s, $FORGED_PER_S forged/s, body trick)"
java -cp "$WORK/classes" HostileLoad "$PORT" "$HOSTILE" "$SLOWLORIS" "$TOKENS_PER_S" "$FORGED_PER_S" >"$WORK/hostile.out" 2>&1 &
HOSTILE_PID=$!
sleep 3 # let the hostile load ramp up
legit hostile $((HOSTILE - 5))
tr2=$(token_reviews)
wait "$HOSTILE_PID" || true
HOSTILE_PID=
stop_pid "$SAMPLER_PID"; SAMPLER_PID=

report() { # phase seconds token-reviews
    local f=$WORK/legit.$1
    local n err p50 p99
    n=$(wc -l <"$f")
    err=$(awk '$1 != 200' "$f" | wc -l)
    p50=$(awk '$1 == 200 {print $2}' "$f" | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.50); if (i<1) i=1; printf "%.3f", a[i]}')
    p99=$(awk '$1 == 200 {print $2}' "$f" | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.3f", a[i]}')
    local rss thr
    rss=$(awk -v p="$1" '$1 == p && $2 > m {m=$2} END {printf "%d", m/1024}' "$WORK/samples")
    thr=$(awk -v p="$1" '$1 == p && $3 > m {m=$3} END {print m+0}' "$WORK/samples")
    printf '%-8s requests %5d  errors %4d  p50 %6ss  p99 %6ss  TokenReviews/s %6.1f  RSS max %5d MiB  threads max %4d\n' \
        "$1" "$n" "$err" "$p50" "$p99" "$(awk "BEGIN {print $3 / $2}")" "$rss" "$thr"
}
echo
echo "hostile.sh: $NODES nodes x $PODS pods, quiet ${QUIET}s then hostile ${HOSTILE}s; $(nproc) cores, load average now $(cut -d' ' -f1-3 /proc/loadavg)"
report quiet "$QUIET" $((tr1 - tr0))
report hostile "$((HOSTILE - 5))" $((tr2 - tr1))
cat "$WORK/hostile.out"
grep -c . "$WORK/appliance.log" | xargs -I{} echo "appliance log: {} lines ($(grep -c WARN "$WORK/appliance.log" || true) WARN)"
