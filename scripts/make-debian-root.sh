#!/usr/bin/env bash
# Builds (once) a minimal Debian bookworm root with systemd, used as a real-part fixture for the
# systemd collector truth test. Idempotent: if the marker file exists, the root is left as is.
# Usage: make-debian-root.sh [DIR]   (default /var/cache/amiaudit/debian-bookworm-systemd)
set -euo pipefail

DIR="${1:-/var/cache/amiaudit/debian-bookworm-systemd}"
MIRROR="${AMIAUDIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
MARKER="$DIR/.amiaudit-root-complete"
LOCK="$DIR.lock"

if [[ -f "$MARKER" ]]; then
    echo "debian root ready: $DIR"
    exit 0
fi

if [[ $EUID -ne 0 ]]; then
    echo "make-debian-root.sh: must run as root (debootstrap, chroot)" >&2
    exit 2
fi

mkdir -p "$(dirname "$DIR")"
# Serialize concurrent builders (parallel test runs): the second one waits, then sees the marker.
exec 9>"$LOCK"
flock 9
if [[ -f "$MARKER" ]]; then
    echo "debian root ready: $DIR"
    exit 0
fi

# A half-built root from an interrupted run is not trusted: start over.
rm -rf "$DIR"
debootstrap --variant=minbase bookworm "$DIR" "$MIRROR"

# Keep services from starting inside the chroot while packages install.
printf '#!/bin/sh\nexit 101\n' > "$DIR/usr/sbin/policy-rc.d"
chmod +x "$DIR/usr/sbin/policy-rc.d"
chroot "$DIR" env DEBIAN_FRONTEND=noninteractive apt-get install -y systemd systemd-sysv dbus
chroot "$DIR" apt-get clean
rm -f "$DIR/usr/sbin/policy-rc.d"

date -u +%Y-%m-%dT%H:%M:%SZ > "$MARKER"
echo "debian root ready: $DIR"
