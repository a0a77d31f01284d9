#!/usr/bin/env bash
# Times `amiaudit diff` on generated fleets of 500 and 5,000 snapshots per side (3 runs each, medians),
# with max RSS and CPU seconds (user+sys) from /usr/bin/time -v. Targets (issue 4): 2 × 5,000 ≤ 10 s wall and ≤ 2 GiB; ratio 5,000/500 ≤ 11.
# Usage: benchmarks/diff-bench.sh [WORK_DIR]   (needs /usr/bin/time: apt-get install time)
#   BUILD=aot (default, the shipped NativeAOT binary) or BUILD=jit (the framework-dependent Release build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
work="${1:-$(mktemp -d /tmp/amiaudit-diff-bench.XXXXXX)}"
runs="${RUNS:-3}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1

# Checked before building (the build itself raises the load average): is anything else running?
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN {exit !(l >= 1.5)}'; then echo "warning: load average $load >= 1.5; numbers will be noisy" >&2; fi

dotnet build "$repo/benchmarks/FleetGen" -c Release -v q -nologo >/dev/null
gen="$repo/benchmarks/FleetGen/bin/Release/net10.0/FleetGen"
if [ "${BUILD:-aot}" = jit ]; then
  dotnet build "$repo/src/AmiAudit.Cli" -c Release -v q -nologo >/dev/null
  cli="$repo/src/AmiAudit.Cli/bin/Release/net10.0/amiaudit"
else
  dotnet publish "$repo/src/AmiAudit.Cli" -c Release -r linux-x64 -p:PublishAot=true \
    --artifacts-path "$repo/artifacts/bench/build" -o "$repo/artifacts/bench/amiaudit" -v q -nologo >/dev/null
  cli="$repo/artifacts/bench/amiaudit/amiaudit"
fi
echo "build: ${BUILD:-aot} ($cli)"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A wall rss cpu
for n in 500 5000; do
  dir="$work/fleet-$n"
  [ -d "$dir/b" ] || "$gen" "$dir" "$n"
  size=$(du -sh "$dir" | cut -f1)
  times=(); mems=(); cpus=()
  for r in $(seq "$runs"); do
    set +e
    /usr/bin/time -v -o "$work/time.txt" "$cli" diff "$dir/a" "$dir/b" --format json --output "$work/diff-$n.json"
    rc=$?
    set -e
    [ "$rc" -le 1 ] || { echo "amiaudit diff exited $rc" >&2; cat "$work/time.txt" >&2; exit 1; }
    t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time.txt")
    m=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    c=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ {s+=$2} END {print s}' "$work/time.txt")
    times+=("$t"); mems+=("$m"); cpus+=("$c")
  done
  wall[$n]=$(printf '%s\n' "${times[@]}" | median)
  rss[$n]=$(printf '%s\n' "${mems[@]}" | median)
  cpu[$n]=$(printf '%s\n' "${cpus[@]}" | median)
  printf '%5d per side (%s on disk): median wall %6.2f s, CPU %6.2f s, max RSS %6.0f MiB  [wall per run: %s]\n' \
    "$n" "$size" "${wall[$n]}" "${cpu[$n]}" "$(echo "${rss[$n]} / 1024" | bc -l)" "${times[*]}"
done
ratio=$(echo "${wall[5000]} / ${wall[500]}" | bc -l)
printf 'ratio 5000/500: %.2f (target ≤ 11); 2×5000: %.2f s (target ≤ 10 s), %.0f MiB (target ≤ 2048)\n' \
  "$ratio" "${wall[5000]}" "$(echo "${rss[5000]} / 1024" | bc -l)"
