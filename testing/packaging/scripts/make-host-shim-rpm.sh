#!/usr/bin/env bash
# Test tooling only. Builds kma-test-host-shim-1-1.noarch.rpm: the few things an RHEL base system would give a
# scratch root, so that `dnf --installroot` can install the real kube-metrics-appliance RPM and run its
# scriptlets there on a Debian CI machine:
#   - Provides: java-17-headless (the test runs the launcher with the host's java, outside the root),
#     shadow-utils and /bin/sh;
#   - this machine's /bin/sh, getent, groupadd, useradd and kill with their shared libraries (found with ldd),
#     so that %pre really creates the service account inside the root;
#   - a minimal /etc/passwd, group, shadow, gshadow and login.defs.
#
#   make-host-shim-rpm.sh OUTDIR
# Prints the path of the RPM on the last line of stdout.
set -euo pipefail

out=${1:?usage: make-host-shim-rpm.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
top=$(mktemp -d "${TMPDIR:-/tmp}/kma-shim.XXXXXX")
trap 'rm -rf "$top"' EXIT
stage=$top/stage
mkdir -p "$stage"

files=()
add() { # add HOSTPATH [ROOTPATH]: copy a file (dereferenced) into the stage at ROOTPATH (default: same path)
    local src=$1 dst=${2:-$1}
    [ -e "$stage$dst" ] && return 0
    mkdir -p "$stage$(dirname "$dst")"
    cp -L "$src" "$stage$dst"
    files+=("$dst")
}
add_binary() { # add_binary ROOTPATH NAME...: the first of NAME found on this machine, with its libraries
    local dst=$1 bin=
    shift
    for name in "$@"; do
        bin=$(type -P "$name" 2>/dev/null || true)
        [ -n "$bin" ] && break
    done
    [ -n "$bin" ] || { echo "make-host-shim-rpm.sh: none of $* found on this machine" >&2; exit 1; }
    add "$bin" "$dst"
    # ldd lines: "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
    local lib
    for lib in $(ldd "$bin" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
        add "$lib"
    done
}

export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
add_binary /bin/sh dash sh
add_binary /usr/bin/getent getent
add_binary /usr/sbin/groupadd groupadd
add_binary /usr/sbin/useradd useradd
if type -P kill >/dev/null 2>&1; then
    add_binary /usr/bin/kill kill
else # no procps here: the shell's builtin does the same for ExecReload=/bin/kill -HUP $MAINPID
    mkdir -p "$stage/usr/bin"
    printf '#!/bin/sh\nkill "$@"\n' >"$stage/usr/bin/kill"
    chmod 0755 "$stage/usr/bin/kill"
    files+=(/usr/bin/kill)
fi
mkdir -p "$stage/bin" "$stage/etc"
ln -s ../usr/bin/kill "$stage/bin/kill"
files+=(/bin/kill)

printf 'root:x:0:0:root:/root:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\n' >"$stage/etc/group"
printf 'root:*:19000:0:99999:7:::\n' >"$stage/etc/shadow"
printf 'root:*::\n' >"$stage/etc/gshadow"
printf 'SYS_UID_MIN 101\nSYS_UID_MAX 999\nSYS_GID_MIN 101\nSYS_GID_MAX 999\nUID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\n' \
    >"$stage/etc/login.defs"
chmod 0600 "$stage/etc/shadow" "$stage/etc/gshadow"
files+=(/etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/login.defs)

{
    cat <<'SPEC'
Name:      kma-test-host-shim
Version:   1
Release:   1
Summary:   Test only: stands in for an RHEL base system and Java runtime in a scratch root
License:   LicenseRef-Test-Only
BuildArch: noarch
AutoReqProv: no
Provides:  java-17-headless
Provides:  shadow-utils
Provides:  /bin/sh
%global __os_install_post %{nil}
%global debug_package %{nil}
%global _binaries_in_noarch_packages_terminate_build 0
%description
Test only (testing/packaging): host binaries and a minimal /etc for dnf --installroot.
%install
cp -a %{stage}/. %{buildroot}/
%files
%dev(c, 1, 3) %attr(0666,root,root) /dev/null
SPEC
    for f in "${files[@]}"; do
        case $f in
            /etc/shadow|/etc/gshadow) echo "%config(noreplace) %attr(0600,root,root) $f" ;;
            /etc/*) echo "%config(noreplace) $f" ;;
            *) echo "$f" ;;
        esac
    done
} >"$top/shim.spec"

rpmbuild -bb --quiet \
    --define "_topdir $top/rpmbuild" \
    --define "_rpmdir $out" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "stage $stage" \
    --define "_binary_payload w1.gzdio" \
    "$top/shim.spec" >&2
echo "$out/kma-test-host-shim-1-1.noarch.rpm"
