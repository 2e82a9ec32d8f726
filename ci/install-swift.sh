#!/usr/bin/env bash
# Installs the Swift toolchain used by `cargo xtask test-swift`: a Debian trixie
# chroot (debootstrap, minbase) with `swiftlang` (Swift 6.0, XCTest included)
# and libc6-dev, cached outside the repository.
#
# Idempotent: when the chroot already has a working swiftc this only checks.
# Must run as root on Debian. Prints the chroot path on its last line.
#
# Environment: TOUCHMARK_TOOLS (default /var/cache/touchmark) is the cache root;
# the chroot lives in $TOUCHMARK_TOOLS/swift-trixie.
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
ROOT="$TOOLS/swift-trixie"
STAMP="$ROOT/.touchmark-swift-ready"
SUITE="${SWIFT_DEBIAN_SUITE:-trixie}"

if [ "$(id -u)" != 0 ]; then
    echo "install-swift: must run as root (debootstrap, chroot)" >&2
    exit 1
fi

if [ -f "$STAMP" ] && [ -x "$ROOT/usr/bin/swiftc" ]; then
    echo "$ROOT"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! command -v debootstrap >/dev/null 2>&1; then
    apt_get update -q
    apt_get install -y -q debootstrap
fi

mkdir -p "$TOOLS"
if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    # A half-made chroot from an interrupted run is started afresh.
    rm -rf "$ROOT.partial"
    echo "install-swift: debootstrap $SUITE into $ROOT (takes a few minutes)" >&2
    # Use the host's Debian mirror (the one apt is configured with).
    mirror=""
    if [ -f /etc/apt/sources.list ]; then
        mirror="$(sed -n 's/^deb \(http[^ ]*\) .*/\1/p' /etc/apt/sources.list | head -n1 || true)"
    fi
    if [ -z "$mirror" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
        mirror="$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources | head -n1 || true)"
    fi
    debootstrap --variant=minbase "$SUITE" "$ROOT.partial" ${mirror:+"$mirror"} >&2
    rm -rf "$ROOT"
    mv "$ROOT.partial" "$ROOT"
fi

cleanup() { umount "$ROOT/proc" 2>/dev/null || true; }
trap cleanup EXIT
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends swiftlang libc6-dev >&2
chroot "$ROOT" /usr/bin/swiftc --version >&2
chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get clean
touch "$STAMP"
echo "$ROOT"
