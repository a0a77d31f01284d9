#!/usr/bin/env bash
# `amiaudit collect --root R` wall time and max RSS, medians over RUNS, for one or two binaries run
# alternately (so machine-wide drift hits both alike) — e.g. before/after a change:
#   benchmarks/collect-bench.sh [BIN_A [BIN_B]]     (default BIN_A: artifacts/aot/amiaudit, published if missing)
# Roots: examples/dlami-root, and two generated 5,000-unit roots in WORK (default /tmp/amiaudit-collect-bench):
#   units-5000-clean   independent enabled services, exec lines with plain flags (nothing to redact)
#   units-5000-secrets the same, every 10th unit's ExecStart/ExecStartPre carrying a token and a presigned URL
# RUNS (default 11). Needs /usr/bin/time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-11}
work=${WORK:-/tmp/amiaudit-collect-bench}
a=${1:-artifacts/aot/amiaudit}
b=${2:-}
if [ ! -x "$a" ] && [ "$a" = artifacts/aot/amiaudit ]; then
  dotnet publish src/AmiAudit.Cli -c Release -r linux-x64 -p:PublishAot=true --artifacts-path artifacts/aot-build -o artifacts/aot -nologo -v q >/dev/null
fi
mkdir -p "$work"

gen() { # $1 = dir, $2 = every Nth unit carries secrets (0 = none)
  local root=$1 every=$2
  [ -f "$root/.done" ] && return
  rm -rf "$root"; mkdir -p "$root/lib/systemd/system" "$root/etc/systemd/system/multi-user.target.wants" "$root/etc"
  printf 'ID=debian\nVERSION_ID=12\nPRETTY_NAME="bench"\n' > "$root/etc/os-release"
  printf '[Unit]\nDescription=Multi-User System\n' > "$root/lib/systemd/system/multi-user.target"
  for i in $(seq -w 0 4999); do
    local pre="/usr/bin/install -d /var/lib/u$i" exec="/usr/bin/agent-$i --listen 127.0.0.1:$((10000 + 10#$i)) --config /etc/u$i.conf --v=2"
    if [ "$every" -gt 0 ] && [ $((10#$i % every)) -eq 0 ]; then
      local tok; tok=$(printf '%s' "$i" | sha256sum | cut -c1-40)
      pre="/usr/bin/curl -fsSL -o /opt/u$i https://artifacts.example.com/u$i?X-Amz-Credential=AKIAEXAMPLE$i&X-Amz-Signature=$tok"
      exec="$exec --token=ghp_${tok:0:36}"
    fi
    printf '[Unit]\nDescription=Bench unit %s\nAfter=network.target\n[Service]\nExecStartPre=%s\nExecStart=%s\nRestart=always\n[Install]\nWantedBy=multi-user.target\n' \
      "$i" "$pre" "$exec" > "$root/lib/systemd/system/u$i.service"
    ln -s "../../../../lib/systemd/system/u$i.service" "$root/etc/systemd/system/multi-user.target.wants/u$i.service"
  done
  touch "$root/.done"
}
gen "$work/units-5000-clean" 0
gen "$work/units-5000-secrets" 10

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
load=$(cut -d' ' -f1 /proc/loadavg)
echo "load average at start: $load (numbers are noisy above ~1.5); runs: $runs"
for root in examples/dlami-root "$work/units-5000-clean" "$work/units-5000-secrets"; do
  declare -A wall=() rss=()
  for r in $(seq "$runs"); do
    for bin in "$a" $b; do
      /usr/bin/time -f '%e %M' -o "$work/time.txt" "$bin" collect --root "$root" -o "$work/out.json" >/dev/null 2>&1 || true
      read -r t m < "$work/time.txt"
      wall[$bin]+="$t "; rss[$bin]+="$m "
    done
  done
  for bin in "$a" $b; do
    printf '%-28s %-40s median wall %6.3f s  max RSS %5.0f MiB  snapshot %s\n' "$(basename "$root")" "$bin" \
      "$(tr ' ' '\n' <<<"${wall[$bin]}" | grep . | median)" "$(echo "$(tr ' ' '\n' <<<"${rss[$bin]}" | grep . | median) / 1024" | bc -l)" \
      "$(du -h "$work/out.json" | cut -f1)"
  done
done
