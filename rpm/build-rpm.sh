#!/usr/bin/env bash
# Builds kube-metrics-appliance-<version>-<release>.noarch.rpm from the unpacked distribution with rpmbuild
# (Debian/Ubuntu: apt-get install rpm; RHEL/Fedora: dnf install rpm-build).
#
#   rpm/build-rpm.sh [--dist DIR] [--out DIR] [--version V] [--release R]
#
#   --dist     the unpacked distribution (default: assembly/target/kube-metrics-appliance; build it first with
#              mvn -B -q install -DskipTests)
#   --out      where the .rpm goes (default: rpm/target)
#   --version  RPM Version (default: from `bin/kube-metrics-appliance version`; a Maven -SNAPSHOT becomes
#              ~SNAPSHOT so that it sorts before the release, as Fedora's versioning guidelines ask)
#   --release  RPM Release (default: 1)
#
# Prints the path of the built RPM on the last line of stdout.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd -P)
dist=$repo/assembly/target/kube-metrics-appliance
out=$repo/rpm/target
version=
release=1
while (($#)); do
    case $1 in
        --dist) dist=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --version) version=$2; shift 2 ;;
        --release) release=$2; shift 2 ;;
        *) echo "build-rpm.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

command -v rpmbuild >/dev/null 2>&1 || { echo "build-rpm.sh: rpmbuild not found (apt-get install rpm / dnf install rpm-build)" >&2; exit 1; }
for f in bin/kube-metrics-appliance config/config.yaml; do
    [ -f "$dist/$f" ] || { echo "build-rpm.sh: $dist/$f missing; build the distribution first (mvn -B -q install -DskipTests)" >&2; exit 1; }
done
ls "$dist"/lib/*.jar "$dist"/bundles/*.jar >/dev/null 2>&1 || { echo "build-rpm.sh: no jars in $dist/lib or $dist/bundles" >&2; exit 1; }

if [ -z "$version" ]; then
    # "kube-metrics-appliance 0.1.0-SNAPSHOT"
    version=$("$dist/bin/kube-metrics-appliance" version | awk 'NR==1 {print $2}')
    [ -n "$version" ] || { echo "build-rpm.sh: could not read the version from $dist/bin/kube-metrics-appliance version" >&2; exit 1; }
fi
version=${version//-/\~}          # 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT (RPM versions cannot contain '-')
[[ $version =~ ^[A-Za-z0-9._+~^]+$ ]] || { echo "build-rpm.sh: invalid RPM version: $version" >&2; exit 1; }
[[ $release =~ ^[A-Za-z0-9._+~^]+$ ]] || { echo "build-rpm.sh: invalid RPM release: $release" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd -P)
top=$(mktemp -d "${TMPDIR:-/tmp}/kma-rpmbuild.XXXXXX")
trap 'rm -rf "$top"' EXIT
mkdir -p "$top"/{SOURCES,SPECS,BUILD,BUILDROOT,RPMS,SRPMS}

# Stage the distribution without lib/simulator (test tooling for `demo`, not shipped).
src=$top/SOURCES
mkdir -p "$src/dist/bin" "$src/dist/lib" "$src/dist/bundles" "$src/dist/config"
cp -p "$dist/bin/kube-metrics-appliance" "$src/dist/bin/"
cp -p "$dist"/lib/*.jar "$src/dist/lib/"
cp -p "$dist"/bundles/*.jar "$src/dist/bundles/"
cp -p "$dist/config/config.yaml" "$src/dist/config/"
cp -p "$repo/systemd/kube-metrics-appliance.service" "$repo/systemd/kube-metrics-appliance.sysconfig" \
      "$repo/systemd/kube-metrics-appliance.sysusers" "$repo/systemd/kube-metrics-appliance-identity.service" \
      "$repo/systemd/kube-metrics-appliance-identity.timer" "$repo/README.md" "$src/"

rpmbuild -bb --quiet \
    --define "_topdir $top" \
    --define "_rpmdir $out" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "kma_version $version" \
    --define "kma_release $release" \
    --define "_binary_payload w6.gzdio" \
    "$repo/rpm/kube-metrics-appliance.spec" >&2

rpm=$out/kube-metrics-appliance-$version-$release.noarch.rpm
[ -f "$rpm" ] || { echo "build-rpm.sh: rpmbuild did not produce $rpm" >&2; exit 1; }
echo "$rpm"
