#!/usr/bin/env bash
# Test tooling only: installs, upgrades and erases RPMs in a scratch root, never in this machine's own
# /etc, /usr or /var. Uses `dnf --installroot` with a local repository made by createrepo_c; if dnf is not
# available, falls back to `rpm --root` and says so loudly.
#
#   scratch-root.sh install ROOT REPODIR NAME...   createrepo_c REPODIR, then install NAME... into ROOT
#   scratch-root.sh upgrade ROOT REPODIR NAME...   createrepo_c REPODIR again, then upgrade NAME... in ROOT
#   scratch-root.sh erase   ROOT NAME...
#   scratch-root.sh query   ROOT ARGS...           rpm --root ROOT -q ARGS...
set -euo pipefail

cmd=${1:?usage: scratch-root.sh install|upgrade|erase|query ROOT ...}
root=${2:?ROOT missing}
shift 2
case $root in /|"") echo "scratch-root.sh: refusing to work on the real root" >&2; exit 2 ;; esac
mkdir -p "$root"
root=$(cd "$root" && pwd -P)
[ "$root" != / ] || { echo "scratch-root.sh: refusing to work on the real root" >&2; exit 2; }

fallback() {
    echo "!!! WARNING: FALLBACK: $1 -- using 'rpm --root' instead of 'dnf --installroot';" \
         "dependencies are checked by rpm only (no repository resolution)" >&2
    echo "FALLBACK=rpm"
}

dnf_root() {
    dnf -y --installroot="$root" --releasever=1 --noplugins --refresh \
        --setopt=reposdir=/dev/null --setopt=cachedir="$root.dnf-cache" --setopt=install_weak_deps=False \
        --setopt=keepcache=False --nogpgcheck --repofrompath=kma,"file://$repo" --repo=kma "$@"
}

case $cmd in
    install|upgrade)
        repo=${1:?REPODIR missing}
        shift
        repo=$(cd "$repo" && pwd -P)
        if command -v dnf >/dev/null 2>&1 && command -v createrepo_c >/dev/null 2>&1; then
            createrepo_c -q --update "$repo"
            dnf_root "$cmd" "$@"
            echo "INSTALLER=dnf"
        else
            fallback "dnf or createrepo_c not found"
            names=("$@")
            if [ "$cmd" = install ]; then
                # no resolver: install NAME... together with every other package of the repository (the shim)
                for f in "$repo"/*.rpm; do
                    names+=("$(rpm -qp --qf '%{NAME}' "$f" 2>/dev/null)")
                done
                mapfile -t names < <(printf '%s\n' "${names[@]}" | sort -u)
            fi
            files=()
            for name in "${names[@]}"; do
                # the highest version of NAME in REPODIR
                f=$(ls "$repo/$name"-[0-9]*.rpm | sort -V | tail -1)
                files+=("$f")
            done
            if [ "$cmd" = install ]; then rpm --root "$root" -i "${files[@]}"; else rpm --root "$root" -U "${files[@]}"; fi
        fi
        ;;
    erase)
        if command -v dnf >/dev/null 2>&1; then
            dnf -y --installroot="$root" --releasever=1 --noplugins --setopt=reposdir=/dev/null \
                --setopt=cachedir="$root.dnf-cache" --setopt=clean_requirements_on_remove=False remove "$@"
            echo "INSTALLER=dnf"
        else
            fallback "dnf not found"
            rpm --root "$root" -e "$@"
        fi
        ;;
    query)
        rpm --root "$root" -q "$@"
        ;;
    *) echo "scratch-root.sh: unknown command $cmd" >&2; exit 2 ;;
esac
