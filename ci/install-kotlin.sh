#!/usr/bin/env bash
# Installs the Kotlin/JVM toolchain used by `cargo xtask test-kotlin`:
#   * a JDK (Debian `default-jdk-headless`, if `javac`/`java` are missing),
#   * JNA from Debian (`libjna-java`, /usr/share/java/jna.jar),
#   * `kotlinc` with kotlin-stdlib / kotlin-test / kotlinx-coroutines from the
#     npm package `kotlin-compiler`, cached outside the repository.
#
# Idempotent: a second run on the same machine only checks. Must run as root on
# Debian (it calls apt-get). Prints the kotlinc home on its last line.
#
# Environment: TOUCHMARK_TOOLS (default /var/cache/touchmark) is the cache root;
# KOTLIN_COMPILER_VERSION (default 2.4.20) pins the npm package.
set -euo pipefail

# apt-get that waits for another apt/dpkg run (another job on the machine) to finish.
apt_get() {
    local try
    for try in 1 2 3 4 5 6 7 8 9 10; do
        if apt-get -o DPkg::Lock::Timeout=120 "$@"; then return 0; fi
        echo "install: apt-get $* failed (try $try), retrying in 15 s" >&2
        sleep 15
    done
    return 1
}

TOOLS="${TOUCHMARK_TOOLS:-/var/cache/touchmark}"
VERSION="${KOTLIN_COMPILER_VERSION:-2.4.20}"
PREFIX="$TOOLS/kotlin-$VERSION"

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
[ -f /usr/share/java/jna.jar ] || need_apt+=(libjna-java)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "install-kotlin: apt-get install ${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt_get update -q
    apt_get install -y -q --no-install-recommends "${need_apt[@]}"
fi

find_home() {
    # The npm package keeps the compiler distribution somewhere below the prefix;
    # the home is the directory holding bin/kotlinc and lib/kotlin-stdlib.jar.
    local stdlib
    stdlib="$(find "$PREFIX" -path '*/lib/kotlin-stdlib.jar' -print -quit 2>/dev/null || true)"
    [ -n "$stdlib" ] && dirname "$(dirname "$stdlib")"
}

home="$(find_home || true)"
if [ -z "$home" ] || [ ! -x "$home/bin/kotlinc" ]; then
    echo "install-kotlin: npm install kotlin-compiler@$VERSION into $PREFIX" >&2
    mkdir -p "$PREFIX"
    npm install --no-audit --no-fund --prefix "$PREFIX" "kotlin-compiler@$VERSION" >&2
    home="$(find_home || true)"
fi
if [ -z "$home" ] || [ ! -x "$home/bin/kotlinc" ]; then
    echo "install-kotlin: kotlinc not found under $PREFIX after install" >&2
    exit 1
fi
for jar in kotlin-stdlib.jar kotlin-test.jar; do
    [ -f "$home/lib/$jar" ] || { echo "install-kotlin: missing $home/lib/$jar" >&2; exit 1; }
done
ls "$home"/lib/kotlinx-coroutines-core*.jar >/dev/null 2>&1 \
    || { echo "install-kotlin: missing kotlinx-coroutines-core jar in $home/lib" >&2; exit 1; }
ln -sfn "$home" "$TOOLS/kotlin"
echo "$TOOLS/kotlin"
