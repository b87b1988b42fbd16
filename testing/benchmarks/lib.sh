# Shell helpers shared by the benchmark scripts (sourced, not run): logging, stopping a process, a free port.

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# pid [name]: TERM, up to 10 s, then KILL (logged when a name is given)
stop_pid() {
    local pid=$1 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    [ -z "${2:-}" ] || log "$2 ($pid) did not stop in 10 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

# a TCP port nothing listens on or connects from (random in 20000-31999, 200 tries)
free_port() {
    local p used
    used=$(ss -Htan | awk '{print $4}' | sed 's/.*://' | sort -u)
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 12000))
        grep -qx "$p" <<<"$used" || { echo "$p"; return; }
    done
    echo "no free port" >&2; return 1
}

# path [extra curl args...]: a request to the appliance at $BASE as kubernetes-admin, through the front-proxy client
# certificate of the simulator's PKI in $SIM_DIR; Accept: ${ACCEPT:-application/json}; at most ${CURL_MAX_TIME:-60} s.
# -k: the appliance serves its self-signed certificate, made at its first start in the benchmark's own work directory.
curl_app() {
    local path=$1; shift
    curl -sS -k --max-time "${CURL_MAX_TIME:-60}" \
        --cert "$SIM_DIR/pki/front-proxy-client.crt" --key "$SIM_DIR/pki/front-proxy-client.key" \
        -H 'X-Remote-User: kubernetes-admin' -H 'X-Remote-Group: system:masters' -H "Accept: ${ACCEPT:-application/json}" \
        "$@" "$BASE$path"
}

# Items with a window (metrics) in a metrics.k8s.io JSON list. One line per comma first: `grep -o` printing
# each of 350,000 matches took ~0.8 s of the poll that detects the first full pod list.
windows() {
    { curl_app "$1" 2>/dev/null || true; } | tr , '\n' | { grep -c '"window"' || true; }
}
