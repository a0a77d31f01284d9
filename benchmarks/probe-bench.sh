#!/bin/sh
# Probe cost (issue 3): CPU time (user+sys) of `amiaudit probe --window 0s` with 0 and with N real
# zombie memory cgroups (cgroup v1, root), their ratio, and the 1 Hz sampler's own CPU.
#   benchmarks/probe-bench.sh [path/to/amiaudit] [N=5000]     (RUNS per state per cycle, CYCLES)
# Why cycles: on this VM a ~12 ms process's CPU cost drifts by a third between minutes (two modes,
# ~11 and ~16 ms, independent of memcgs). Zombie state cannot be flipped per run, so the script
# alternates clean / N zombies / drained CYCLES times and compares medians over all runs of each
# state: drift then lands on both sides instead of on one.
set -eu
BIN=${1:-artifacts/aot/amiaudit}
N=${2:-5000}
RUNS=${RUNS:-15}
CYCLES=${CYCLES:-3}
MEMCG=/sys/fs/cgroup/memory
TAG=amiaudit-bench-$$
OUT=$(mktemp -d)
[ -x "$BIN" ] || { echo "publish first: dotnet publish src/AmiAudit.Cli -c Release -r linux-x64 -p:PublishAot=true --artifacts-path artifacts/aot-build -o artifacts/aot ($BIN missing)"; exit 2; }
[ "$(id -u)" = 0 ] && [ -d "$MEMCG" ] || { echo "needs root and cgroup v1 memory at $MEMCG"; exit 2; }

cleanup() {
  rm -f /tmp/$TAG-* 2>/dev/null || true
  for d in "$MEMCG"/$TAG-*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
  rm -rf "$OUT"
}
trap cleanup EXIT

# Appends the CPU ms (user+sys) of RUNS runs of `$BIN probe ARGS` to $OUT/NAME, one per line.
# getrusage(RUSAGE_CHILDREN) rather than /usr/bin/time: its 10 ms steps are coarser than the cost.
sample() {
  name=$1; shift
  python3 - "$RUNS" "$BIN" probe "$@" >>"$OUT/$name" <<'PY'
import resource, subprocess, sys
runs, cmd = int(sys.argv[1]), sys.argv[2:]
for _ in range(runs):
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    a = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{(a.ru_utime - b.ru_utime + a.ru_stime - b.ru_stime) * 1000:.2f}")
PY
}
median() { sort -n "$OUT/$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
dying() { "$BIN" probe memcg --window 0s --format prometheus | awk '/^amiaudit_memcg_dying /{print $2}'; }

"$BIN" probe --window 0s >/dev/null 2>&1 || true   # warm the page cache
c=1
while [ $c -le "$CYCLES" ]; do
  d0=$(dying)
  sample clean --window 0s
  sample clean-memcg memcg --window 0s
  echo "cycle $c: creating $N zombie memcgs (dying now: $d0)…"
  i=0
  while [ $i -lt "$N" ]; do
    d=$MEMCG/$TAG-$i
    mkdir "$d"
    sh -c "echo \$\$ > $d/cgroup.procs; dd if=/dev/zero of=/tmp/$TAG-$i bs=4k count=1 status=none"
    rmdir "$d"
    i=$((i + 1))
  done
  dN=$(dying)
  echo "  dying memcgs: $d0 -> $dN"
  sample loaded --window 0s
  sample loaded-memcg memcg --window 0s
  rm -f /tmp/$TAG-*    # frees their page cache, so the zombies drain before the next cycle
  t=0; while [ "$(dying)" -gt $((d0 + N / 10)) ] && [ $t -lt 30 ]; do sleep 1; t=$((t + 1)); done
  c=$((c + 1))
done

# Sampler cost: the marginal CPU of sampling — a 20 s window minus a 10 s window, over the extra
# 10 s. (A 10 s run minus a 0 s run also counts the one-time costs of a sampled run: the two
# /proc/*/task scans and start-up of code a 0 s run never reaches.)
RUNS=3 sample w0 cpu --window 0s
RUNS=3 sample w10 cpu --window 10s
RUNS=3 sample w20 cpu --window 20s

base=$(median clean); loaded=$(median loaded); m0=$(median clean-memcg); mN=$(median loaded-memcg)
w0=$(median w0); w10=$(median w10); w20=$(median w20)
echo "runs: $RUNS per state per cycle, $CYCLES cycles; N = $N zombie memcgs"
echo "probe --window 0s CPU (median): ${base} ms clean, ${loaded} ms with $N zombies, ratio $(awk "BEGIN { printf \"%.2f\", $loaded / $base }") (targets: <= 50 ms, ratio <= 1.1)"
echo "probe memcg --window 0s CPU (median): ${m0} ms clean, ${mN} ms with $N zombies, ratio $(awk "BEGIN { printf \"%.2f\", $mN / $m0 }")"
echo "cpu probe: ${w0} ms single read, ${w10} ms over 10 s, ${w20} ms over 20 s"
echo "  sampler (marginal, 20 s - 10 s): $(awk "BEGIN { printf \"%.2f\", ($w20 - $w10) / 10000 * 100 }") % of one core (target <= 0.2 %)"
echo "  whole 10 s run over a single read: $(awk "BEGIN { printf \"%.2f\", ($w10 - $w0) / 10000 * 100 }") % of one core"
