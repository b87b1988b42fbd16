#!/usr/bin/env bash
# Scale benchmark: the cluster simulator with NODES nodes x PODS pods x 2 containers, the appliance scraping it
# at a 15 s resolution, and DURATION seconds of steady state. Prints startup times, CPU and RSS of the appliance
# (and of the simulator, apart), the scrape-cycle (tick) duration and the latency of the metrics.k8s.io lists.
#
#   testing/benchmarks/scale.sh [NODES=5000] [PODS=70] [DURATION=120]
#
# Environment:
#   KMA_DIST     the unpacked distribution (default assembly/target/kube-metrics-appliance of this work tree)
#   JAVA_OPTS    JVM options of the appliance (default: the distribution's defaults)
#   SIM_JAVA_OPTS JVM options of the simulator (default -Xmx6g -XX:+UseParallelGC)
#   SIM_WARMUP   1 (default): the simulator runs its TLS handshakes, scrapes and lists until its JIT compiled them
#                before it reports ready (--warm-up), as the Go kubelets and long-running kube-apiserver a metrics
#                server meets are; 0: a cold simulator, whose JIT competes with the appliance's cold start (~12 CPU s of
#                its C2 in the appliance's first 35 s at 5,000 nodes, on the same cores; ~1 s of the first full list).
#                Results before the lead's thirteenth pass had 0
#   WORK         working directory (default a fresh /tmp/kma-scale.XXXXXX; kept for the logs)
#   QUERIES      how many times each list is fetched after the steady state (default 5)
#   WARMUP       unmeasured fetches of each list before those (default 3; JIT warm-up, as the startup wait
#                gives the JSON pod list but not the protobuf one)
#   KUBECTL_RUNS how many times `kubectl top pod -A` is timed through the simulator's aggregator (default 3)
#   JFR=1        records the appliance with JFR during the steady state and prints the hottest frames
#   JFR=lists    records it during the list requests instead
#   JFR=start    records it from its start to the first full pod list (start.jfr) and prints the hottest frames
#   JAVA_OPTS_ADD extra JVM options of the appliance, added after JAVA_OPTS or the distribution's defaults (they
#                reach the JVM through JDK_JAVA_OPTIONS, so the distribution's defaults stay as they are)
#   GC_LOG=1     the appliance logs its collections (-Xlog:gc to gc.log); the cold-start line counts those up to
#                the first full pod list
#   NAMESPACES=N the simulator deals the cluster's pods over N namespaces (pod j of node i in sim-ns-<(i x PODS + j)
#                mod N>); NAMESPACES=NODES gives namespaces of PODS pods each, as a large cluster's are, so that the
#                namespace query shows what one namespace costs in a large cluster. Default: pod j in sim-ns-<j mod 5>,
#                5 namespaces each with a fifth of the pods (70,000 at 5,000 nodes)
#   KUBELET_MODE ports (default: every kubelet on 127.0.0.1, its own port) | loopback-ips (127.1.x.y:10250 each)
#   STARTUP_TIMEOUT seconds allowed for the simulator, and again for the first full pod list (default 420)
#   SETTLE       whole seconds between the first full pod list and the steady-state window (default 5). At 100
#                nodes the TLS record decryption (GHASH, called once per record) reaches C2, and with it its
#                intrinsic, only minutes after start: SETTLE=240 or more measures what a long-running service costs
#   RUN_AS=USER  when run as root: the appliance runs as USER (setpriv), as the packaged service runs as its own user;
#                root never maps a class-data archive (the launcher's rule), a service user does. Its GC log and
#                recordings are then written into WORK/appliance; the hot-deploy directory is WORK/deploy, root's
#   CDS_STATE=DIR with RUN_AS: the appliance's state directory, kept across runs, so that the class-data archive the
#                launcher writes when one run stops is mapped by the next (as every start of a service after the first
#                of its version); default: a fresh one per run, so no archive is mapped
#   SHRINK=N     after the report, deletes every node but N (with their pods) through the simulator's admin API,
#                waits SHRINK_WAIT seconds (default 150: the appliance collects its heap five cycles after the
#                cluster lost over half its containers) and reports the appliance's RSS over the next 30 s
#
# At the first full pod list the script also writes threads-at-full.txt: the appliance's CPU seconds per thread
# (from /proc, names as the kernel keeps them: 15 characters), and per thread name with its numbers after - or a space dropped.
#
# Everything binds to 127.0.0.1. Every process the script starts is stopped when it exits (trap).
set -euo pipefail

NODES=${1:-5000}
PODS=${2:-70}
DURATION=${3:-120}
QUERIES=${QUERIES:-5}
WARMUP=${WARMUP:-3}
KUBECTL_RUNS=${KUBECTL_RUNS:-3}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-420}
SAMPLE_EVERY=5
SETTLE=${SETTLE:-$SAMPLE_EVERY}
KUBELET_MODE=${KUBELET_MODE:-ports}
NAMESPACES=${NAMESPACES:-}

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
DIST=${KMA_DIST:-$root/assembly/target/kube-metrics-appliance}
[ -x "$DIST/bin/kube-metrics-appliance" ] || { echo "no distribution at $DIST; build it with: mvn -B -q install -DskipTests" >&2; exit 1; }
WORK=${WORK:-$(mktemp -d /tmp/kma-scale.XXXXXX)}
mkdir -p "$WORK"
SIM_DIR=$WORK/sim
APP_DIR=$WORK/appliance
# hot deploy: root's, outside the appliance's directory, as the package installs it (the launcher loads nothing from a
# directory that the service user, or a parent it owns, could change; see RUN_AS)
DEPLOY_DIR=$WORK/deploy
mkdir -p "$APP_DIR/state" "$DEPLOY_DIR"
# where the appliance writes its GC log and recordings: its own directory when it runs as another user
APP_OUT=$WORK
[ -n "${RUN_AS:-}" ] && [ "$(id -u)" = 0 ] && APP_OUT=$APP_DIR

# shellcheck source=lib.sh
. "$here/lib.sh"

# --- file descriptors -----------------------------------------------------------------------------------
# Simulator: one listening socket per kubelet + one accepted keep-alive connection per kubelet.
# Appliance: one client connection per kubelet. Plus jars, epoll, logs: ~1,000 spare.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nofile=$(ulimit -n)
need=$((2 * NODES + 1000))
if [ "$nofile" != unlimited ] && [ "$nofile" -lt "$need" ]; then
    echo "ulimit -n is $nofile; $NODES nodes need about $need descriptors in the simulator (2 per node + 1000)." >&2
    echo "The largest NODES that fits is $(((nofile - 1000) / 2))." >&2
    exit 3
fi

# --- cleanup --------------------------------------------------------------------------------------------
SIM_PID=
APP_PID=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$APP_PID" appliance
    stop_pid "$SIM_PID" simulator
    wait 2>/dev/null || true
    log "logs in $WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers --------------------------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
cpu_ticks() { # utime+stime of a pid, in clock ticks
    local s
    s=$(cat "/proc/$1/stat") || return 1
    s=${s##*) }                       # drop "pid (comm) "
    # shellcheck disable=SC2086
    set -- $s
    echo $(( ${12} + ${13} ))         # fields 14 and 15 of the full line
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
now_s() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

PORT=$(free_port)
BASE=https://127.0.0.1:$PORT
ACCEPT_PROTOBUF='application/vnd.kubernetes.protobuf, */*'   # what kubectl top and client-go send
# Age of every served sample at read time: creationTimestamp (the request's time, as upstream) minus
# timestamp, over one JSON pod list; prints "p50 p99 max" in seconds (second resolution, as the API).
sample_ages() {
    curl_app /apis/metrics.k8s.io/v1beta1/pods | python3 -c '
import json, sys
from datetime import datetime
def t(s): return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").timestamp()
ages = sorted(t(i["metadata"]["creationTimestamp"]) - t(i["timestamp"]) for i in json.load(sys.stdin)["items"])
if not ages: print("n/a n/a n/a"); sys.exit()
q = lambda p: ages[min(len(ages) - 1, int(p * len(ages)))]
print("%.0f %.0f %.0f" % (q(0.50), q(0.99), ages[-1]))'
}
log_lines() { wc -l <"$WORK/appliance.log"; }
self_metrics() { # "tick-sum tick-count scrapes-ok scrapes-failed" from the appliance's /metrics
    curl_app /metrics | awk '/^metrics_server_manager_tick_duration_seconds_sum/ {s=$2} /^metrics_server_manager_tick_duration_seconds_count/ {c=$2}
        /^metrics_server_kubelet_request_total\{success="true"\}/ {ok=$2} /^metrics_server_kubelet_request_total\{success="false"\}/ {ko=$2}
        END {printf "%s %s %d %d\n", s+0, c+0, ok, ko}'
}

log "work dir $WORK; $NODES nodes x $PODS pods x 2 containers (kubelet mode $KUBELET_MODE); steady state ${DURATION}s; appliance on $BASE; ulimit -n $nofile"
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# --- simulator ------------------------------------------------------------------------------------------
SIM_JAVA_OPTS=${SIM_JAVA_OPTS:--Xmx6g -XX:+UseParallelGC}
sim_warmup=
sim_namespaces=
[ -n "$NAMESPACES" ] && sim_namespaces="--namespaces $NAMESPACES"
[ "${SIM_WARMUP:-1}" = 1 ] && sim_warmup=--warm-up
t0=$(now_s)
# shellcheck disable=SC2086
java $SIM_JAVA_OPTS -cp "$DIST/lib/simulator/*" io.kma.simulator.Main --dir "$SIM_DIR" --nodes "$NODES" --pods-per-node "$PODS" \
    --kubelet-mode "$KUBELET_MODE" --appliance-url "$BASE" --exit-with-parent $sim_warmup $sim_namespaces >"$WORK/simulator.log" 2>&1 &
SIM_PID=$!
deadline=$(( $(date +%s) + STARTUP_TIMEOUT ))
until [ -s "$SIM_DIR/simulator.properties" ]; do
    kill -0 "$SIM_PID" 2>/dev/null || { tail -20 "$WORK/simulator.log" >&2; echo "simulator died" >&2; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "simulator not ready after ${STARTUP_TIMEOUT}s" >&2; exit 1; }
    sleep 0.5
done
t_sim=$(now_s)
sim_ready=$(calc "$t_sim - $t0" 1)
log "simulator ready in ${sim_ready}s (pid $SIM_PID, RSS $(( $(rss_kib "$SIM_PID") / 1024 )) MiB)"

# --- appliance ------------------------------------------------------------------------------------------
cat >"$APP_DIR/config.yaml" <<EOF
kubeconfig: $SIM_DIR/appliance.kubeconfig
metricResolution: 15s
server:
  bindAddress: 127.0.0.1
  securePort: $PORT
  certDir: $APP_DIR/certs
  shutdownDelay: 0s       # no aggregator to hand over to: stop at once when the benchmark ends
kubelet:
  requestTimeout: 10s
  useNodeStatusPort: true
  preferredAddressTypes: [InternalIP, Hostname]
  certificateAuthority: $SIM_DIR/pki/ca.crt
  clientCertificate: $SIM_DIR/pki/apiserver-kubelet-client.crt
  clientKey: $SIM_DIR/pki/apiserver-kubelet-client.key
authentication:
  requestheaderClientCAFile: $SIM_DIR/pki/front-proxy-ca.crt
  requestheaderAllowedNames: [front-proxy-client]
registration:             # registers itself in the simulated kube-apiserver, as in production (and as demo does)
  allowLoopback: true     # the simulator accepts loopback Endpoints; without this the appliance retries every second
EOF
add_opts=${JAVA_OPTS_ADD:-}
[ "${GC_LOG:-0}" = 1 ] && add_opts="$add_opts -Xlog:gc:file=$APP_OUT/gc.log:uptime"
[ "${JFR:-0}" = start ] && add_opts="$add_opts -XX:StartFlightRecording=name=start,settings=profile,filename=$APP_OUT/start.jfr"
add_opts=${add_opts# }
log "appliance JAVA_OPTS: ${JAVA_OPTS:-(distribution defaults)}${add_opts:+; added: $add_opts}"
state_dir=$APP_DIR/state
as_user=()
app_user="$(id -un)"
app_uid=$(id -u)
if [ -n "${RUN_AS:-}" ] && [ "$app_uid" = 0 ]; then
    app_user=$RUN_AS
    uid=$(id -u "$RUN_AS"); gid=$(id -g "$RUN_AS"); app_uid=$uid
    [ -n "${CDS_STATE:-}" ] && state_dir=$CDS_STATE && mkdir -p "$state_dir" && chown "$uid:$gid" "$state_dir"
    # what the appliance reads (its kubeconfig, kubelet client key, CAs) and writes (its directory: state, certs, GC
    # log, recordings); the work directory and the hot-deploy directory in it stay root's
    chown -R "$uid:$gid" "$APP_DIR"
    chown "$uid:$gid" "$SIM_DIR/appliance.kubeconfig" "$SIM_DIR"/pki/apiserver-kubelet-client.* \
        "$SIM_DIR/pki/ca.crt" "$SIM_DIR/pki/front-proxy-ca.crt"
    chmod a+x "$WORK" "$SIM_DIR" "$SIM_DIR/pki"
    as_user=(setpriv --reuid="$uid" --regid="$gid" --clear-groups)
fi
# as the launcher decides: never for root; otherwise the state directory's archive, or one written at the stop
if [ "$app_uid" = 0 ]; then
    cds_note="none (root maps no class-data archive)"
elif compgen -G "$state_dir/cds/kma-*.jsa" >/dev/null; then
    cds_note="mapped ($(basename "$(ls "$state_dir"/cds/kma-*.jsa | head -1)"), if it matches these jars and JVM)"
else
    cds_note="none mapped; one is written when this run stops"
fi
log "appliance runs as $app_user; class-data archive: $cds_note"
t1=$(now_s)
# JDK_JAVA_OPTIONS only when there is something to add: the java launcher notes it on stderr (one log line)
app_env=(KMA_STATE_DIR="$state_dir" KMA_DEPLOY_DIR="$DEPLOY_DIR")
[ -n "$add_opts" ] && app_env+=(JDK_JAVA_OPTIONS="$add_opts")
"${as_user[@]}" env "${app_env[@]}" \
    "$DIST/bin/kube-metrics-appliance" run --config "$APP_DIR/config.yaml" >"$WORK/appliance.log" 2>&1 &
APP_PID=$!   # the launcher script execs java: same pid
want=$((NODES * PODS))
deadline=$(( $(date +%s) + STARTUP_TIMEOUT ))
t_api=
have=0
full_note=
while :; do
    kill -0 "$APP_PID" 2>/dev/null || { tail -20 "$WORK/appliance.log" >&2; echo "appliance died" >&2; exit 1; }
    if [ "$(date +%s)" -ge "$deadline" ]; then
        [ -n "$t_api" ] || { echo "the API did not answer within ${STARTUP_TIMEOUT}s" >&2; exit 1; }
        have=$(windows /apis/metrics.k8s.io/v1beta1/pods)
        log "pod list has $have of $want pods (node list $nodes_have of $NODES) after ${STARTUP_TIMEOUT}s; measuring anyway"
        full_note="NEVER FULL: $have of $want pods, $nodes_have of $NODES nodes after ${STARTUP_TIMEOUT}s"
        break
    fi
    if [ -z "$t_api" ] && curl_app /apis/metrics.k8s.io/v1beta1 -o /dev/null -f 2>/dev/null; then
        t_api=$(now_s)
        log "API answers after $(calc "$t_api - $t1" 1)s"
    fi
    nodes_have=0
    if [ -n "$t_api" ]; then
        # the node list is small: fetch the (large) pod list only once every node has metrics
        nodes_have=$(windows /apis/metrics.k8s.io/v1beta1/nodes)
    fi
    if [ -n "$t_api" ] && [ "$nodes_have" -lt "$NODES" ]; then
        [ "$nodes_have" = "${nodes_logged:-}" ] || log "node list: $nodes_have of $NODES nodes"
        nodes_logged=$nodes_have
    elif [ -n "$t_api" ]; then
        have=$(windows /apis/metrics.k8s.io/v1beta1/pods)
        [ "$have" -ge "$want" ] && break
        log "pod list: $have of $want pods"
    fi
    # every second: the first full list is seen within a second of it (it was every 3 s, ~1.5 s late on average)
    sleep 1
done
t_full=$(now_s)
# the cold start's cost, taken at once: CPU, threads, collections up to now
cpu_full=$(calc "$(cpu_ticks "$APP_PID") / $clk_tck" 1)
thread_ticks() { # per thread "tid ticks name" (user + system)
    local t s name
    for t in /proc/"$APP_PID"/task/*; do
        s=$(cat "$t/stat" 2>/dev/null) || continue
        name=${s#*(}; name=${name%)*}; s=${s##*) }
        # shellcheck disable=SC2086
        set -- $s
        printf '%s %s %s\n' "${t##*/}" "$(( ${12} + ${13} ))" "$name"
    done
}
threads_at_full() { # per thread "cpu-seconds name", then the same per name with the digits dropped
    thread_ticks | awk -v hz="$clk_tck" '{ n = $0; sub(/^[0-9]+ [0-9]+ /, "", n); printf "%8.2f  %s\n", $2 / hz, n }' \
        | sort -rn >"$WORK/threads.tmp"
    echo "# appliance CPU seconds per thread at the first full pod list ($(cpu_ticks "$APP_PID") ticks in all)"
    cat "$WORK/threads.tmp"
    echo
    echo "# per thread name, numbers after - or a space dropped: seconds, threads"
    awk '{ n = $0; sub(/^ *[0-9.]+  /, "", n); gsub(/-[0-9]+/, "-#", n); gsub(/ [0-9]+/, " #", n); s[n] += $1; c[n]++ }
        END { for (n in s) printf "%8.2f %4d  %s\n", s[n], c[n], n }' "$WORK/threads.tmp" | sort -rn
    rm -f "$WORK/threads.tmp"
}
threads_at_full >"$WORK/threads-at-full.txt"
gc_note="GC_LOG=1 counts collections"
if [ "${GC_LOG:-0}" = 1 ] && [ -f "$APP_OUT/gc.log" ]; then
    cp "$APP_OUT/gc.log" "$WORK/gc-at-full.log"
    gc_young=$(grep -c 'Pause Young' "$WORK/gc-at-full.log" || true)
    gc_full=$(grep -c 'Pause Full' "$WORK/gc-at-full.log" || true)
    gc_note="$gc_young young and $gc_full full collections"
fi
if [ "${JFR:-0}" = start ]; then
    jcmd "$APP_PID" JFR.stop name=start >/dev/null 2>&1 || true
fi
full_after=$(calc "$t_full - $t1" 1)
full_after="${full_after}s"
[ -n "$full_note" ] && full_after="$full_after ($full_note)"
log "first full pod list ($have pods) ${full_after} after the appliance started"

# --- steady state ---------------------------------------------------------------------------------------
# Let one more tick pass after the first full list (JIT, connection set-up), or SETTLE seconds, then measure passively.
if [ "$SETTLE" -gt "$SAMPLE_EVERY" ]; then log "settling ${SETTLE}s before the steady-state window"; fi
if [ "${JFR:-0}" = 1 ]; then
    # JFR's first recording in a JVM throws away compiled code (its event classes are instrumented): started at the
    # window, C2 recompiled the hot scrape path inside it (parseLine, the GCM cipher) and the samples showed the
    # interpreted and C1 versions (GHASH in Java, byte-wise VarHandle reads) at ~0.33 instead of ~0.18 cores. A
    # short throwaway recording here lets that happen during the settle.
    jcmd "$APP_PID" JFR.start name=warm settings=profile duration=5s >/dev/null
fi
sleep "$SETTLE"
if [ "${JFR:-0}" = 1 ]; then
    jcmd "$APP_PID" JFR.start name=scale settings=profile duration="${DURATION}s" filename="$APP_OUT/appliance.jfr" >/dev/null
fi
thread_ticks >"$WORK/threads-steady0.tmp"
read -r tsum0 tcnt0 ok0 ko0 < <(self_metrics)
logs0=$(log_lines)
a_cpu0=$(cpu_ticks "$APP_PID"); s_cpu0=$(cpu_ticks "$SIM_PID"); w0=$(now_s)
a_rss_sum=0; a_rss_max=0; s_rss_sum=0; s_rss_max=0; n=0
end=$(( $(date +%s) + DURATION ))
while [ "$(date +%s)" -lt "$end" ]; do
    kill -0 "$APP_PID" 2>/dev/null || { echo "appliance died during the steady state" >&2; exit 1; }
    a=$(rss_kib "$APP_PID"); s=$(rss_kib "$SIM_PID")
    a_rss_sum=$((a_rss_sum + a)); s_rss_sum=$((s_rss_sum + s)); n=$((n + 1))
    [ "$a" -gt "$a_rss_max" ] && a_rss_max=$a
    [ "$s" -gt "$s_rss_max" ] && s_rss_max=$s
    sleep "$SAMPLE_EVERY"
done
a_cpu1=$(cpu_ticks "$APP_PID"); s_cpu1=$(cpu_ticks "$SIM_PID"); w1=$(now_s)
thread_ticks >"$WORK/threads-steady1.tmp"
read -r tsum1 tcnt1 ok1 ko1 < <(self_metrics)
logs1=$(log_lines)
load_steady=$(cut -d' ' -f1-3 /proc/loadavg)
wall=$(calc "$w1 - $w0" 3)
a_cores=$(calc "($a_cpu1 - $a_cpu0) / $clk_tck / $wall" 3)
s_cores=$(calc "($s_cpu1 - $s_cpu0) / $clk_tck / $wall" 3)
ticks=$(calc "$tcnt1 - $tcnt0" 0)
if [ "$ticks" -gt 0 ]; then tick_avg=$(calc "($tsum1 - $tsum0) / ($tcnt1 - $tcnt0)" 3); else tick_avg=n/a; fi
tick_avg_all=$(calc "$tsum1 / ($tcnt1 > 0 ? $tcnt1 : 1)" 3)
# the window's CPU per thread name (digits after - or a space dropped), in cores; threads born in the window count whole
awk -v hz="$clk_tck" -v wall="$wall" 'NR == FNR { t0[$1] = $2; next }
    { n = $0; sub(/^[0-9]+ [0-9]+ /, "", n); gsub(/-[0-9]+/, "-#", n); gsub(/ [0-9]+/, " #", n)
      c[n] += $2 - ($1 in t0 ? t0[$1] : 0); k[n]++ }
    END { for (n in c) if (c[n] > 0) printf "%7.3f %4d  %s\n", c[n] / hz / wall, k[n], n }' \
    "$WORK/threads-steady0.tmp" "$WORK/threads-steady1.tmp" | sort -rn >"$WORK/threads-steady.txt"
rm -f "$WORK/threads-steady0.tmp" "$WORK/threads-steady1.tmp"
threads_top=$(head -5 "$WORK/threads-steady.txt" | awk '{ n = $0; sub(/^ *[0-9.]+ +[0-9]+  /, "", n); printf "%s%s %s", sep, n, $1; sep = ", " }')
if [ "${JFR:-0}" = 1 ]; then
    sleep 3
    jcmd "$APP_PID" JFR.stop name=scale >/dev/null 2>&1 || true
fi

# --- list latency ---------------------------------------------------------------------------------------
latencies() { # path -> "min median max bytes ttfb-median", QUERIES fetches in a row after WARMUP unmeasured ones
    # ttfb: time to the first byte after the TLS handshake (curl opens a new connection per fetch), i.e. the
    # appliance's own answer time, which a kept-alive client such as kube-apiserver's proxy sees
    local path=$1 i out times=() ttfbs=() bytes=0
    # The startup wait polls the JSON pod list dozens of times, so its code is compiled by the JIT when the
    # measurement starts, while the protobuf list's is not: without a warm-up the first protobuf lists run
    # interpreted and their median says more about the JIT than about the encoding.
    for i in $(seq 1 "$WARMUP"); do
        curl_app "$path" -o /dev/null || true
    done
    for i in $(seq 1 "$QUERIES"); do
        out=$(curl_app "$path" -o /dev/null -w '%{http_code} %{time_total} %{size_download} %{time_appconnect} %{time_starttransfer}')
        set -- $out
        [ "$1" = 200 ] || { echo "GET $path -> $1" >&2; return 1; }
        times+=("$2"); bytes=$3; ttfbs+=("$(calc "$5 - $4" 4)")
    done
    local ttfb
    ttfb=$(printf '%s\n' "${ttfbs[@]}" | sort -n | awk '{t[NR]=$1} END {printf "%.4f", t[int((NR+1)/2)]}')
    printf '%s\n' "${times[@]}" | sort -n | awk -v b="$bytes" -v f="$ttfb" '{t[NR]=$1} END {printf "%.3f %.3f %.3f %d %s\n", t[1], t[int((NR+1)/2)], t[NR], b, f}'
}
if [ "${JFR:-0}" = lists ]; then
    jcmd "$APP_PID" JFR.start name=lists settings=profile filename="$APP_OUT/appliance.jfr" >/dev/null
fi
a_cpu2=$(cpu_ticks "$APP_PID"); q0=$(now_s)
read -r p_min p_med p_max p_bytes p_ttfb < <(latencies /apis/metrics.k8s.io/v1beta1/pods)
q1=$(now_s); a_cpu3=$(cpu_ticks "$APP_PID")
read -r n_min n_med n_max n_bytes n_ttfb < <(latencies /apis/metrics.k8s.io/v1beta1/nodes)
read -r b_min b_med b_max b_bytes b_ttfb < <(ACCEPT=$ACCEPT_PROTOBUF latencies /apis/metrics.k8s.io/v1beta1/pods)
# the simulator's pods: sim-pod-<node>-<j> in namespace sim-ns-<j mod 5>, or sim-ns-<(node x PODS + j) mod NAMESPACES>
# (LoadProfile); sim-pod-1-1 as in earlier results, sim-pod-0-0 when the cluster is too small to have it
if [ "$NODES" -ge 2 ] && [ "$PODS" -ge 2 ]; then one_i=1 one_j=1; else one_i=0 one_j=0; fi
one_pod=sim-pod-$one_i-$one_j
if [ -n "$NAMESPACES" ]; then
    ns_index=$(( (one_i * PODS + one_j) % NAMESPACES ))
    ns_pods=$(( (NODES * PODS - 1 - ns_index) / NAMESPACES + 1 ))
    ns_note="one of $NAMESPACES namespaces: $ns_pods pods; target <= 5 ms"
else
    ns_index=$(( one_j % 5 ))
    ns_note="one of 5 namespaces: NODES x PODS / 5 pods; NAMESPACES=NODES for the 5 ms target's"
fi
first_ns=sim-ns-$ns_index
read -r s_min s_med s_max s_bytes s_ttfb < <(latencies "/apis/metrics.k8s.io/v1beta1/namespaces/$first_ns/pods")
read -r g_min g_med g_max g_bytes g_ttfb < <(latencies "/apis/metrics.k8s.io/v1beta1/namespaces/$first_ns/pods/$one_pod")
# freshness: three pod lists 5 s apart, the worst p99 (and max) age of the served samples
age_p50=0; age_p99=0; age_max=0
for _ in 1 2 3; do
    read -r a50 a99 amax < <(sample_ages)
    [ "$a99" != n/a ] || continue
    [ "$a50" -gt "$age_p50" ] && age_p50=$a50
    [ "$a99" -gt "$age_p99" ] && age_p99=$a99
    [ "$amax" -gt "$age_max" ] && age_max=$amax
    sleep 5
done
# `kubectl top pod -A` end to end: the real kubectl, through the simulated kube-apiserver's aggregator proxy
# (discovery, then the pod list as kubectl asks for it), its table written to /dev/null; KUBECTL_RUNS times
kubectl_top() { # -> "min median max" seconds, or "n/a n/a n/a" when kubectl is missing or fails
    local i t0 t1 times=()
    command -v kubectl >/dev/null || { echo "n/a n/a n/a"; return; }
    for i in $(seq 1 "$KUBECTL_RUNS"); do
        t0=$(now_s)
        kubectl --kubeconfig "$SIM_DIR/admin.kubeconfig" top pod -A >/dev/null 2>"$WORK/kubectl-top.err" \
            || { echo "n/a n/a n/a"; return; }
        t1=$(now_s)
        times+=("$(calc "$t1 - $t0" 3)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{t[NR]=$1} END {printf "%.3f %.3f %.3f\n", t[1], t[int((NR+1)/2)], t[NR]}'
}
read -r k_min k_med k_max < <(kubectl_top)
if [ "${JFR:-0}" = lists ]; then
    jcmd "$APP_PID" JFR.stop name=lists >/dev/null 2>&1 || true
fi
# CPU of one JSON pod list: the appliance's CPU over the WARMUP + QUERIES fetches, less what it spends at its
# steady-state rate (scraping) in the meantime, per fetch
q_cpu=$(calc "(($a_cpu3 - $a_cpu2) / $clk_tck - $a_cores * ($q1 - $q0)) / ($WARMUP + $QUERIES)" 3)
a_rss_q=$(rss_kib "$APP_PID")
pods_end=$(windows /apis/metrics.k8s.io/v1beta1/pods)
nodes_end=$(windows /apis/metrics.k8s.io/v1beta1/nodes)
a_threads=$(awk '/^Threads:/ {print $2}' "/proc/$APP_PID/status")
a_fds=$(ls "/proc/$APP_PID/fd" | wc -l)
s_fds=$(ls "/proc/$SIM_PID/fd" | wc -l)

# --- report ---------------------------------------------------------------------------------------------
a_rss_avg=$(calc "$a_rss_sum / $n / 1024" 0); a_rss_mx=$(calc "$a_rss_max / 1024" 0)
s_rss_avg=$(calc "$s_rss_sum / $n / 1024" 0); s_rss_mx=$(calc "$s_rss_max / 1024" 0)
cat <<EOF

== kube-metrics-appliance scale benchmark, $(date -u +%Y-%m-%dT%H:%MZ) ==
cluster             $NODES nodes x $PODS pods x 2 containers = $want pods${NAMESPACES:+ in $NAMESPACES namespaces}, metricResolution 15s, kubelet mode $KUBELET_MODE
machine             $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average at start $load_start, after steady state $load_steady
appliance JAVA_OPTS ${JAVA_OPTS:-(distribution defaults)}; distribution $DIST; user $app_user, class-data archive: $cds_note
startup             simulator ready ${sim_ready}s; appliance first full pod list ${full_after} after start   (target <= 35 s at 5,000 nodes)
cold start          ${cpu_full} CPU seconds in the appliance at the first full pod list; $gc_note; per thread: threads-at-full.txt
steady state        ${wall}s from ${SETTLE}s after the first full list, $ticks ticks, kubelet scrapes ok $((ok1 - ok0)), failed $((ko1 - ko0)); lists at the end: $pods_end of $want pods, $nodes_end of $NODES nodes
appliance CPU       $a_cores cores = $(calc "$a_cores * 1000 / $NODES" 3) millicores/node   (targets: <= 0.15 cores at 5,000 nodes, <= 0.015 at 100)
CPU by thread       $threads_top cores   (all threads: threads-steady.txt)
appliance RSS       avg $a_rss_avg MiB = $(calc "$a_rss_avg / $NODES" 3) MiB/node, max $a_rss_mx MiB = $(calc "$a_rss_mx / $NODES" 3) MiB/node   (targets: <= 700 MiB at 5,000 nodes, <= 120 at 100, <= 90 idle)
tick duration       avg $tick_avg s in the steady state ($tick_avg_all s over all $(calc "$tcnt1" 0) ticks)   (upstream's meaning: the cycle's scrapes and storing)
GET .../pods        min $p_min s, median $p_med s, max $p_max s, $p_bytes bytes   (JSON; target <= 0.4 s)
GET .../pods proto  min $b_min s, median $b_med s, max $b_max s, $b_bytes bytes   (protobuf; target <= 0.25 s)
GET .../nodes       min $n_min s, median $n_med s, max $n_max s, $n_bytes bytes
GET ns/$first_ns/pods  min $s_min s, median $s_med s, max $s_max s, $s_bytes bytes; after TLS $s_ttfb s   ($ns_note)
GET one pod         min $g_min s, median $g_med s, max $g_max s, $g_bytes bytes; after TLS $g_ttfb s   (target <= 5 ms)
sample age at read  p50 ${age_p50} s, p99 ${age_p99} s, max ${age_max} s over 3 pod lists   (target: one resolution + scrape time)
kubectl top pod -A  min ${k_min} s, median ${k_med} s, max ${k_max} s over ${KUBECTL_RUNS} runs, through the simulator's aggregator   (target <= 2 s at 5,000 nodes)
failed scrapes      $ko0 before the steady state (cold start), $((ko1 - ko0)) during it   (target 0)
log lines           $logs0 before the steady state, $((logs1 - logs0)) during it ($ticks ticks)
per pod list        $q_cpu CPU seconds in the appliance (JSON, beyond its steady-state rate); RSS after the queries $(( a_rss_q / 1024 )) MiB
appliance misc      $a_threads threads, $a_fds file descriptors
simulator           CPU $s_cores cores, RSS avg $s_rss_avg MiB (max $s_rss_mx MiB), $s_fds file descriptors
EOF

if [ -n "${SHRINK:-}" ]; then
    # the cluster shrinks: is the memory the large cluster needed given back?
    sim_api=$(sed -n 's/^apiserver.url=//p' "$SIM_DIR/simulator.properties" | sed 's/\\//g')
    shrunk=$(curl -sS --max-time 120 -X POST --cacert "$SIM_DIR/pki/ca.crt" --cert "$SIM_DIR/pki/admin.crt" \
        --key "$SIM_DIR/pki/admin.key" "$sim_api/simulator/v1/nodes/shrink?keep=$SHRINK")
    r0=$(rss_kib "$APP_PID")
    log "shrink to $SHRINK nodes: $shrunk; appliance RSS $(( r0 / 1024 )) MiB; waiting ${SHRINK_WAIT:-150}s"
    sleep "${SHRINK_WAIT:-150}"
    r_sum=0; r_n=0
    for _ in 1 2 3 4 5 6; do
        r=$(rss_kib "$APP_PID"); r_sum=$((r_sum + r)); r_n=$((r_n + 1)); sleep "$SAMPLE_EVERY"
    done
    nodes_left=$(windows /apis/metrics.k8s.io/v1beta1/nodes)
    echo "after shrink        $NODES -> $SHRINK nodes: appliance RSS avg $(calc "$r_sum / $r_n / 1024" 0) MiB over 30 s, ${SHRINK_WAIT:-150} s after (RSS $(( r0 / 1024 )) MiB when the nodes went); $nodes_left nodes listed"
    # the cluster caches must have followed the DELETED events: a pod cache still at the old size is a leak
    cached=$( { curl_app /metrics 2>/dev/null || true; } | awk '/^kube_metrics_appliance_cluster_cache_objects/ {sub(/.*resource="/, ""); sub(/"}/, ""); printf "%s%s", sep, $0; sep=", "}')
    echo "                    cluster caches after the shrink: ${cached:-unknown} (resource count)"
    grep -h "cluster shrank" "$WORK/appliance.log" || echo "                    (the appliance logged no heap collection)"
fi

jfr_file=$APP_OUT/appliance.jfr
[ "${JFR:-0}" = start ] && jfr_file=$APP_OUT/start.jfr
if [ "${JFR:-0}" != 0 ] && [ -s "$jfr_file" ]; then
    echo
    case $JFR in lists) when="during the list requests" ;; start) when="from the start to the first full pod list" ;; *) when="steady state" ;; esac
    echo "hottest top frames (jdk.ExecutionSample, $when):"
    jfr print --events jdk.ExecutionSample "$jfr_file" | awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print}' \
        | sort | uniq -c | sort -rn | head -25
fi
