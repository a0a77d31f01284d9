#!/usr/bin/env bash
# Installs the real parts the RealParts tests run against (idempotent; used by .ci/run):
#   docker.io         dockerd for the Docker Engine API collector tests
#   busybox-static    a static /bin/busybox to build a tiny image with `docker import` (no registry needed)
#   systemd-container systemd-nspawn, to boot a real systemd for the live systemd collector tests
#   sysstat           mpstat, the reference for the per-core CPU probe
#   debootstrap       builds the Debian root nspawn boots (scripts/make-debian-root.sh)
#   gcc zlib1g-dev    the native linker and libz that `dotnet publish -p:PublishAot=true` links with
#   time              GNU time: peak RSS of a CLI run fed /dev/zero as an input (InputFileTests)
#   logrotate         rotates and gzips real logs for the post-mortem evidence tests
# Only missing packages are installed, so a second run does no network work.
#   install-test-deps.sh --check   exit 0 when everything is installed, 1 when something is missing (no root needed)
# scripts/test.sh runs it (through sudo) before the real-part suite; .ci/run too.
set -euo pipefail

PACKAGES=(docker.io busybox-static systemd-container sysstat debootstrap gcc zlib1g-dev time logrotate)

missing=()
for p in "${PACKAGES[@]}"; do
    # dpkg-query prints "install ok installed" only for a fully installed package.
    if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
        missing+=("$p")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "test deps present: ${PACKAGES[*]}"
    exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
    echo "test deps missing: ${missing[*]}"
    exit 1
fi
if [[ $EUID -ne 0 ]]; then
    echo "install-test-deps.sh: must run as root (apt-get) to install: ${missing[*]}" >&2
    exit 2
fi

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Never start daemons on install: the tests start their own dockerd on a private socket.
policy_rc_created=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_rc_created=1
fi
trap '[[ $policy_rc_created -eq 1 ]] && rm -f /usr/sbin/policy-rc.d' EXIT

apt-get install -y --no-install-recommends "${missing[@]}" || {
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
}
echo "test deps installed: ${missing[*]}"
