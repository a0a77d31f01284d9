#!/usr/bin/env bash
# Builds (once) a stock Debian bookworm root for the precision test (issue 15): what the built-in
# policies predict will fail at boot is compared with what really fails when systemd-nspawn boots it.
# Idempotent: if the marker file exists the root is left as is; concurrent builders wait on a lock.
#
# Usage: make-stock-root.sh NAME [DIR]      (DIR defaults to /var/cache/amiaudit/debian-NAME)
#   bookworm-stock   debootstrap --variant=minbase + cloud-init docker.io containerd openssh-server
#                    cron rsyslog chrony udev (apt-get install, recommends included, nothing else changed;
#                    systemd-sysv is named too so the root has an init to boot, as every AMI does)
#   bookworm-kernel  bookworm-stock's packages + linux-image-cloud-amd64: a root with a kernel of its
#                    own under /lib/modules and /boot (%v conditions evaluate against it)
#   bookworm-systemd the bare minbase + systemd root of scripts/make-debian-root.sh
#
# Speed: downloaded .debs are kept in /var/cache/amiaudit/debs (debootstrap --cache-dir, and apt's
# archive directory bind-mounted there), so a rebuild downloads nothing that is already there.
set -euo pipefail

name="${1:?usage: make-stock-root.sh bookworm-stock|bookworm-kernel|bookworm-systemd [DIR]}"
here="$(cd "$(dirname "$0")" && pwd)"
case "$name" in
  bookworm-systemd) exec bash "$here/make-debian-root.sh" "${2:-/var/cache/amiaudit/debian-bookworm-systemd}" ;;
  bookworm-stock) extra=() ;;
  bookworm-kernel) extra=(linux-image-cloud-amd64) ;;
  *) echo "make-stock-root.sh: unknown root '$name'" >&2; exit 2 ;;
esac
packages=(systemd-sysv cloud-init docker.io containerd openssh-server cron rsyslog chrony udev "${extra[@]}")

DIR="${2:-/var/cache/amiaudit/debian-$name}"
MIRROR="${AMIAUDIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBS="${AMIAUDIT_DEB_CACHE:-/var/cache/amiaudit/debs}"
MARKER="$DIR/.amiaudit-root-complete"

if [[ -f "$MARKER" ]]; then echo "stock root ready: $DIR"; exit 0; fi
if [[ $EUID -ne 0 ]]; then echo "make-stock-root.sh: must run as root (debootstrap, chroot)" >&2; exit 2; fi

mkdir -p "$(dirname "$DIR")" "$DEBS"
exec 9>"$DIR.lock"
flock 9
if [[ -f "$MARKER" ]]; then echo "stock root ready: $DIR"; exit 0; fi

cleanup() {
  for m in "$DIR/var/cache/apt/archives" "$DIR/proc"; do mountpoint -q "$m" 2>/dev/null && umount -l "$m"; done
  return 0
}
trap cleanup EXIT

start=$(date +%s)
# A half-built root from an interrupted run is not trusted. Its mounts go first (a killed run may have
# left the .deb cache bind-mounted inside it), and rm never crosses into another file system.
cleanup
rm -rf --one-file-system "$DIR"
debootstrap --variant=minbase --cache-dir="$DEBS" bookworm "$DIR" "$MIRROR"
t_boot=$(date +%s)

# Keep services from starting inside the chroot while packages install.
printf '#!/bin/sh\nexit 101\n' >"$DIR/usr/sbin/policy-rc.d"
chmod +x "$DIR/usr/sbin/policy-rc.d"
mkdir -p "$DIR/var/cache/apt/archives"
mount --bind "$DEBS" "$DIR/var/cache/apt/archives"
mount -t proc proc "$DIR/proc"
chroot "$DIR" apt-get update -q
chroot "$DIR" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}"
cleanup
rm -f "$DIR/usr/sbin/policy-rc.d"
rm -rf "$DIR/var/lib/apt/lists/"*_Packages "$DIR/var/lib/apt/lists/"*_Translation-* 2>/dev/null || true

end=$(date +%s)
{ date -u +%Y-%m-%dT%H:%M:%SZ; echo "debootstrap $((t_boot - start)) s, packages $((end - t_boot)) s: ${packages[*]}"; } >"$MARKER"
echo "stock root ready: $DIR (debootstrap $((t_boot - start)) s, packages $((end - t_boot)) s)"
