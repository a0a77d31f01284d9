#!/usr/bin/env bash
# Issue 8, defect 5: `amiaudit collect` on a root whose units form one long Requires= chain
# (u0.service Requires=u1.service … Requires=u<N-1>.service, u0 enabled in multi-user.target).
# Every unit of the chain starts at boot, N hops deep: a full boot path per unit made the snapshot
# O(N²). For N in SIZES (default "1000 5000 20000") it generates the root (reused when present),
# runs `collect --root R -o snapshot.json` RUNS times under /usr/bin/time -v and prints the
# medians of wall time and max RSS, and the snapshot size in bytes per unit.
# Targets: 5,000 units ≤ 1 s and ≤ 200 MB RSS; snapshot size linear in N (bytes/unit flat).
#   benchmarks/systemd-chain-bench.sh [WORK_DIR]
#   SIZES="1000 5000" RUNS=3 BUILD=aot|jit (default aot, the shipped NativeAOT binary)
#   CLI=/path/to/amiaudit skips the build (e.g. to time an older binary for "before" numbers)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
work="${1:-$(mktemp -d /tmp/amiaudit-chain-bench.XXXXXX)}"
runs="${RUNS:-3}"
sizes="${SIZES:-1000 5000 20000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN {exit !(l >= 1.5)}'; then echo "warning: load average $load >= 1.5; numbers will be noisy" >&2; fi

if [ -n "${CLI:-}" ]; then
  cli="$CLI"
elif [ "${BUILD:-aot}" = jit ]; then
  dotnet build "$repo/src/AmiAudit.Cli" -c Release -v q -nologo >/dev/null
  cli="$repo/src/AmiAudit.Cli/bin/Release/net10.0/amiaudit"
else
  dotnet publish "$repo/src/AmiAudit.Cli" -c Release -r linux-x64 -p:PublishAot=true \
    --artifacts-path "$repo/artifacts/bench/build" -o "$repo/artifacts/bench/amiaudit" -v q -nologo >/dev/null
  cli="$repo/artifacts/bench/amiaudit/amiaudit"
fi
echo "binary: $cli"

# The chain root: a few targets, N services, ~100 bytes each.
make_root() { # $1 = dir, $2 = N
  local dir=$1 n=$2 lib=$1/lib/systemd/system etc=$1/etc/systemd/system
  rm -rf "$dir"; mkdir -p "$lib" "$etc/multi-user.target.wants" "$dir/bin"
  printf '#!/bin/sh\nexit 0\n' >"$dir/bin/true"; chmod +x "$dir/bin/true"
  printf '[Unit]\nDescription=Multi-User System\n' >"$lib/multi-user.target"
  ln -s multi-user.target "$lib/default.target"
  awk -v n="$n" -v lib="$lib" 'BEGIN {
    for (i = 0; i < n; i++) {
      f = lib "/u" i ".service"
      printf "[Unit]\nDescription=chain link %d\n", i > f
      if (i + 1 < n) printf "Requires=u%d.service\nAfter=u%d.service\n", i + 1, i + 1 > f
      printf "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n" > f
      close(f)
    }
  }'
  ln -s /lib/systemd/system/u0.service "$etc/multi-user.target.wants/u0.service"
  touch "$dir/.complete"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '%-7s %-10s %-12s %-12s %-14s %s\n' units "unit files" "wall (s)" "max RSS (MB)" "snapshot (B)" "B/unit"
for n in $sizes; do
  root="$work/chain-$n"
  [ -f "$root/.complete" ] || make_root "$root" "$n"
  files=$(du -sb "$root/lib/systemd/system" | cut -f1)
  walls=(); mems=()
  for _ in $(seq "$runs"); do
    set +e
    /usr/bin/time -v -o "$work/time.txt" "$cli" collect --root "$root" -o "$work/snap-$n.json" >/dev/null 2>"$work/err.txt"
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || { echo "collect failed ($rc):"; cat "$work/err.txt"; exit 1; }
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/time.txt")")
    mems+=("$(awk -F': ' '/Maximum resident/ {printf "%.1f", $2 / 1024}' "$work/time.txt")")
  done
  size=$(stat -c %s "$work/snap-$n.json")
  printf '%-7s %-10s %-12s %-12s %-14s %s\n' "$n" "${files}B" "$(printf '%s\n' "${walls[@]}" | median)" \
    "$(printf '%s\n' "${mems[@]}" | median)" "$size" "$((size / n))"
done
echo "work dir: $work"
