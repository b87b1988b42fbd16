#!/usr/bin/env bash
# Makes this machine able to run testing/controlplane (as root, Debian/Ubuntu): the packages the test and the kube
# build need, the deb-src entries `apt-get source kubernetes` needs, then the kube binaries (build-kube.sh, cached).
# Idempotent: a second run installs and builds nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" != 0 ]; then
    echo "prepare.sh: run as root: sudo $0" >&2
    exit 1
fi
"$here/install-packages.sh"
# the cache belongs to whoever runs the tests; with sudo that is root's, as in CI
"$here/build-kube.sh"
