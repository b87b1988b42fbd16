#!/usr/bin/env bash
# Checks kube-metrics-appliance.service offline, without touching the running system:
#   1. `systemd-analyze verify` must exit 0 AND print nothing (systemd 252 only warns, with exit 0, on unknown
#      keys and bad values);
#   2. `systemd-analyze security --offline=yes` must rate it at most 4.9 ("OK" or better).
#
#   systemd/verify-unit.sh [ROOT]
#
# ROOT: a root the RPM was installed into (e.g. by dnf --installroot); the installed unit is checked there.
# Without ROOT, systemd/kube-metrics-appliance.service from this work tree is checked in a staged root whose
# ExecStart is a placeholder script.
# The check runs in a temporary copy to which this machine's unit files (sysinit.target, ...) are added.
set -euo pipefail

unit=kube-metrics-appliance.service
threshold=49   # tenths: 4.9
here=$(cd "$(dirname "$0")" && pwd -P)
command -v systemd-analyze >/dev/null 2>&1 || { echo "verify-unit.sh: systemd-analyze not found" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kma-unit.XXXXXX")
trap 'rm -rf "$work"' EXIT
vroot=$work/root
if (($#)); then
    [ -f "$1/usr/lib/systemd/system/$unit" ] || { echo "verify-unit.sh: $1/usr/lib/systemd/system/$unit missing" >&2; exit 1; }
    cp -a "$1" "$vroot"
else
    mkdir -p "$vroot/usr/lib/systemd/system" "$vroot/usr/bin" "$vroot/bin"
    cp "$here/$unit" "$vroot/usr/lib/systemd/system/"
    printf '#!/bin/sh\nexit 0\n' >"$vroot/usr/bin/kube-metrics-appliance"
    chmod 0755 "$vroot/usr/bin/kube-metrics-appliance"
    if [ -x /bin/kill ]; then cp /bin/kill "$vroot/bin/kill"; else cp "$vroot/usr/bin/kube-metrics-appliance" "$vroot/bin/kill"; fi
fi
mkdir -p "$vroot/usr/lib/systemd/system"
# sysinit.target, multi-user.target, network-online.target, ... (never overwriting the unit under test)
cp -rn /usr/lib/systemd/system/. "$vroot/usr/lib/systemd/system/" 2>/dev/null || true
cp "$vroot/usr/lib/systemd/system/$unit" "$work/$unit.checked"

rc=0
out=$(systemd-analyze verify --root="$vroot" "$unit" 2>&1) || rc=$?
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
    echo "verify-unit.sh: systemd-analyze verify failed (rc $rc):" >&2
    printf '%s\n' "$out" >&2
    exit 1
fi
echo "systemd-analyze verify: OK (no output)"

rc=0
sec=$(systemd-analyze security --offline=yes --root="$vroot" --threshold=$threshold "$unit" 2>&1) || rc=$?
overall=$(printf '%s\n' "$sec" | grep 'Overall exposure level' || true)
echo "systemd-analyze security: ${overall#→ }"
if [ "$rc" -ne 0 ] || [ -z "$overall" ]; then
    printf '%s\n' "$sec" | grep '✗' >&2 || printf '%s\n' "$sec" >&2
    echo "verify-unit.sh: exposure above 4.9 (rc $rc)" >&2
    exit 1
fi
