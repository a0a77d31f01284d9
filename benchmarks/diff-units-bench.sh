#!/usr/bin/env bash
# Times `amiaudit diff` of two single snapshots with N units each (N = 10,000, 20,000, 100,000; issue 8 defect 5:
# "diff is quadratic in units per snapshot"), RUNS times each (default 3), and prints medians of wall time,
# CPU (user+sys) and max RSS from /usr/bin/time -v, then the ratio time(100k)/time(10k) (target ≤ 12).
# The snapshots come from `FleetGen --units` (a Requires= chain with a 30 % failure cascade and other
# divergences on side b; see benchmarks/FleetGen/UnitsProgram.cs) and are reused when WORK_DIR holds them.
# Usage: benchmarks/diff-units-bench.sh [WORK_DIR]   (needs /usr/bin/time: apt-get install time)
#   BUILD=jit (default: the framework-dependent Release build) or BUILD=aot (the shipped NativeAOT binary)
#   SIZES="10000 20000 100000" to choose the sizes (the first and last give the ratio); TIMEOUT=seconds per run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
work="${1:-$(mktemp -d /tmp/amiaudit-diff-units.XXXXXX)}"
runs="${RUNS:-3}"
sizes=(${SIZES:-10000 20000 100000})
limit="${TIMEOUT:-1800}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN {exit !(l >= 1.5)}'; then echo "warning: load average $load >= 1.5; wall times will be noisy (compare CPU)" >&2; fi

dotnet build "$repo/benchmarks/FleetGen" -c Release -v q -nologo >/dev/null
gen="$repo/benchmarks/FleetGen/bin/Release/net10.0/FleetGen"
if [ "${BUILD:-jit}" = aot ]; then
  dotnet publish "$repo/src/AmiAudit.Cli" -c Release -r linux-x64 -p:PublishAot=true \
    --artifacts-path "$repo/artifacts/bench/build" -o "$repo/artifacts/bench/amiaudit" -v q -nologo >/dev/null
  cli="$repo/artifacts/bench/amiaudit/amiaudit"
else
  dotnet build "$repo/src/AmiAudit.Cli" -c Release -v q -nologo >/dev/null
  cli="$repo/src/AmiAudit.Cli/bin/Release/net10.0/amiaudit"
fi
echo "build: ${BUILD:-jit} ($cli)"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A wall cpu rss
for n in "${sizes[@]}"; do
  dir="$work/units-$n"
  [ -f "$dir/b/node.json" ] || "$gen" --units "$dir" "$n"
  size=$(du -shL "$dir" | cut -f1)
  times=(); cpus=(); mems=()
  for r in $(seq "$runs"); do
    set +e
    timeout "$limit" /usr/bin/time -v -o "$work/time.txt" "$cli" diff "$dir/a" "$dir/b" --format json --output "$work/diff-$n.json"
    rc=$?
    set -e
    if [ "$rc" -eq 124 ]; then echo "$n units: did not finish within $limit s" >&2; wall[$n]="$limit"; cpu[$n]="$limit"; continue 2; fi
    [ "$rc" -le 1 ] || { echo "amiaudit diff exited $rc" >&2; cat "$work/time.txt" >&2; exit 1; }
    times+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time.txt")")
    cpus+=("$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ {s+=$2} END {print s}' "$work/time.txt")")
    mems+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")")
  done
  wall[$n]=$(printf '%s\n' "${times[@]}" | median)
  cpu[$n]=$(printf '%s\n' "${cpus[@]}" | median)
  rss[$n]=$(printf '%s\n' "${mems[@]}" | median)
  printf '%7d units per snapshot (%s on disk): median wall %7.2f s, CPU %7.2f s, max RSS %6.0f MiB  [wall per run: %s]\n' \
    "$n" "$size" "${wall[$n]}" "${cpu[$n]}" "$(echo "${rss[$n]} / 1024" | bc -l)" "${times[*]}"
done
first="${sizes[0]}"; last="${sizes[-1]}"
printf 'ratio %s/%s: wall %.2f, CPU %.2f (target ≤ 12)\n' "$last" "$first" \
  "$(echo "${wall[$last]} / ${wall[$first]}" | bc -l)" "$(echo "${cpu[$last]} / ${cpu[$first]}" | bc -l)"
