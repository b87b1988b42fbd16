#!/usr/bin/env bash
# Builds kube-apiserver and kube-controller-manager from Debian's `kubernetes` source package (which vendors its Go
# dependencies, so Debian's golang-go builds it offline) and caches them by source version. A no-op when the cache for
# the current source version exists. Installs nothing: `.ci/run` or prepare.sh install golang-go, jq, rsync, dpkg-dev
# and the deb-src entries.
#
# Prints the cache directory (holding kube-apiserver, kube-controller-manager and VERSION) as its last line.
# Environment: KMA_KUBE_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/kube-metrics-appliance)
#              KMA_KUBE_BUILD_DIR  scratch directory for the source tree (default: a temp dir, removed afterwards)
set -euo pipefail

cache_root=${KMA_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-metrics-appliance}
binaries=(kube-apiserver kube-controller-manager)

fail() { echo "build-kube.sh: $*" >&2; exit 1; }

version=$(apt-cache showsrc kubernetes 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n 1)
[ -n "$version" ] || fail "no source package 'kubernetes' known to apt; add deb-src entries and run apt-get update (sudo testing/controlplane/prepare.sh does both)"
cache=$cache_root/kube-$version

complete() { for b in "${binaries[@]}"; do [ -x "$cache/$b" ] || return 1; done; }
if complete; then
    echo "$cache"
    exit 0
fi

for tool in go jq rsync dpkg-source; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' not found; run: sudo testing/controlplane/prepare.sh"
done

work=${KMA_KUBE_BUILD_DIR:-}
if [ -z "$work" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/kma-kube-build.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
cd "$work"
echo "build-kube.sh: fetching kubernetes $version source into $work" >&2
apt-get source -qq "kubernetes=$version" >&2
src=$(find . -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)
[ -n "$src" ] || fail "apt-get source produced no kubernetes-* directory in $work"
cd "$src"

# The same environment as the package's debian/rules: a GOPATH holding k8s.io/kubernetes as a link to the tree (the
# 1.20 build scripts force GOPATH mode, GO111MODULE=off in hack/lib/init.sh, so every dependency comes from the
# package's vendor/ through that link: no network), static binaries, and Go caches and HOME inside the scratch tree.
# `make` runs generated_files itself. Go 1.19 builds 1.20.2 as is; GOTOOLCHAIN=local stops a newer go command from
# fetching another toolchain.
export GOPATH=$PWD/.go GOCACHE=$PWD/.gocache CGO_ENABLED=0 GOTOOLCHAIN=local
mkdir -p .go/src/k8s.io
[ -L .go/src/k8s.io/kubernetes ] || ln -s ../../.. .go/src/k8s.io/kubernetes
start=$(date +%s)
echo "build-kube.sh: make WHAT='cmd/kube-apiserver cmd/kube-controller-manager' (5-15 min on 2 cores)" >&2
HOME=$work make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >&2
echo "build-kube.sh: built in $(( $(date +%s) - start )) s" >&2

staging=$cache_root/.kube-$version.$$
rm -rf "$staging"
mkdir -p "$staging"
for b in "${binaries[@]}"; do
    out=$(find _output -type f -name "$b" -perm -u+x | head -n 1)
    [ -n "$out" ] || fail "make finished but _output has no $b"
    cp "$out" "$staging/$b"
done
echo "$version" > "$staging/VERSION"
# Rename into place so a concurrent or interrupted run never sees a half-filled cache.
rm -rf "$cache"
mv "$staging" "$cache"
echo "$cache"
