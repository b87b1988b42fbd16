#!/usr/bin/env bash
# Proves that the package baseline (the parent pom's package-baseline profile) catches a breaking API change and
# accepts a properly versioned one. In a scratch copy of the parent pom and bundles/api it builds bundles/api three
# times and checks that `mvn verify`:
#   1. passes on the tree as it is;
#   2. fails, naming the package, after one abstract method is removed from an API interface without a version bump;
#   3. passes again with the same removal once that package's @Version has its major part bumped, with a new API
#      package added too.
# The working tree is never modified. Used by .ci/run; by hand: .ci/baseline-check.sh (about a minute; KEEP=1 keeps
# the scratch copy and its build logs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] && echo "baseline-check: kept $scratch" || rm -rf "$scratch"' EXIT

mkdir -p "$scratch/bundles"
cp "$root/pom.xml" "$scratch/"
# a developer's .mvn/maven.config points Maven at a private local repository: keep using it
[ -d "$root/.mvn" ] && cp -r "$root/.mvn" "$scratch/"
tar -C "$root/bundles" --exclude=target -cf - api | tar -C "$scratch/bundles" -xf -
api=$scratch/bundles/api

passed=0
failed=0
verdict() { # verdict OK|FAIL message
    if [ "$1" = OK ]; then
        passed=$((passed + 1)); echo "baseline-check: ok: $2"
    else
        failed=$((failed + 1)); echo "baseline-check: FAILED: $2"
    fi
}
build() { # build LOGFILE: verify bundles/api alone (tests and fuzzing are not what is checked here)
    (cd "$api" && mvn -B verify -Dmaven.test.skip=true -Dfuzz.skip=true) >"$1" 2>&1
}

# Package versions in the baseline jar's Export-Package (manifest continuation lines joined).
(cd "$scratch" && jar xf "$api/baseline/io.kma.api.jar" META-INF/MANIFEST.MF)
exports=$(tr -d '\r' <"$scratch/META-INF/MANIFEST.MF" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g' \
    | grep '^Export-Package:')

# The victim: the first API interface (by path) with a one-line abstract method whose package still has its
# baseline version (a package already bumped past the baseline may lose a method legitimately).
victim= method= pkg= old=
while IFS= read -r f; do
    grep -q '^public interface' "$f" || continue
    pkginfo=$(dirname "$f")/package-info.java
    pkg=$(sed -n 's/^package \([a-z0-9_.]*\);/\1/p' "$pkginfo")
    old=$(sed -n 's/^@Version("\([0-9]*\.[0-9]*\.[0-9]*\)").*/\1/p' "$pkginfo")
    [ -n "$pkg" ] && [ -n "$old" ] && grep -qF "$pkg;version=\"$old\"" <<<"$exports" || continue
    method=$(grep -m1 -E '^    [A-Za-z][^=;(]* [a-z][A-Za-z0-9_]*\([^)]*\)( throws [^;]+)?;$' "$f" \
        | grep -v -E '^    (default|static|private) ' || true)
    if [ -n "$method" ]; then victim=$f; break; fi
done < <(find "$api/src/main/java" -name '*.java' | sort)
if [ -z "$victim" ]; then
    echo "baseline-check: no API interface with a one-line abstract method in a package at its baseline version" >&2
    exit 1
fi
echo "baseline-check: victim ${victim#"$api"/}: '${method#    }' in $pkg $old"

# 1. unchanged
if build "$scratch/1.log"; then
    verdict OK "the unchanged API passes"
else
    verdict FAIL "the unchanged API fails"; tail -40 "$scratch/1.log"
fi

# 2. method removed, version unchanged
grep -vxF -- "$method" "$victim" >"$scratch/victim" && cat "$scratch/victim" >"$victim"
if grep -qxF -- "$method" "$victim"; then echo "baseline-check: could not remove the method" >&2; exit 1; fi
if build "$scratch/2.log"; then
    verdict FAIL "removing '${method#    }' without a version bump passed"
elif grep -q 'Baseline problems detected' "$scratch/2.log" \
        && grep -qE "^\* $pkg +PACKAGE +MAJOR +$old" "$api/target/baseline/"*.txt; then
    verdict OK "removing '${method#    }' without a version bump fails verify:"
    grep -E '^\*|^ +(MAJOR|MINOR|MICRO|REMOVED|ADDED) ' "$api/target/baseline/"*.txt | head -12
else
    verdict FAIL "verify failed, but not on the baseline of $pkg"; tail -40 "$scratch/2.log"
fi

# 3. the same removal with the major version bumped, and a new API package (as another change may add one)
major=$((${old%%.*} + 1))
sed -i "s/^@Version(\"$old\")/@Version(\"$major.0.0\")/" "$pkginfo"
grep -q "^@Version(\"$major.0.0\")" "$pkginfo" || { echo "baseline-check: could not bump $pkginfo" >&2; exit 1; }
added=$api/src/main/java/io/kma/api/baselinecheck
mkdir -p "$added"
printf '%s\n' '@Export' '@Version("1.0.0")' 'package io.kma.api.baselinecheck;' '' \
    'import org.osgi.annotation.bundle.Export;' 'import org.osgi.annotation.versioning.Version;' \
    >"$added/package-info.java"
printf '%s\n' 'package io.kma.api.baselinecheck;' '' 'public interface Probe {' '    String name();' '}' \
    >"$added/Probe.java"
if build "$scratch/3.log" \
        && grep -qE '^  io\.kma\.api\.baselinecheck +PACKAGE +ADDED' "$api/target/baseline/"*.txt; then
    verdict OK "the same removal with $pkg bumped to $major.0.0, plus a new package, passes"
else
    verdict FAIL "the same removal with $pkg bumped to $major.0.0, plus a new package, fails"; tail -40 "$scratch/3.log"
fi

echo "baseline-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
