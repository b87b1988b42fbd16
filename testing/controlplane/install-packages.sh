#!/usr/bin/env bash
# Installs (as root, Debian/Ubuntu) what testing/controlplane needs and adds deb-src entries for `apt-get source`.
# Used by prepare.sh and by .ci/run. Idempotent: installs only what is missing, adds the entries only once.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
updated=
update() { [ -n "$updated" ] || { apt-get update -q; updated=1; }; }

# deb-src entries: a copy of the deb822 sources with Types: deb-src (or of the one-line sources.list)
if ! apt-cache showsrc kubernetes >/dev/null 2>&1 || [ -z "$(apt-cache showsrc kubernetes 2>/dev/null)" ]; then
    if [ -f /etc/apt/sources.list.d/debian.sources ] && ! grep -qs '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources; then
        sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > /etc/apt/sources.list.d/debian-src.sources
    elif [ -f /etc/apt/sources.list ] && ! grep -qs '^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/*.list; then
        sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/kma-deb-src.list
    fi
    update
fi

missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v dpkg-source >/dev/null 2>&1 || missing+=(dpkg-dev)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v make >/dev/null 2>&1 || missing+=(make)
if ((${#missing[@]})); then
    update
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
