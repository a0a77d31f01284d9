#!/bin/sh
# Probe cost: CPU time (user+sys, /usr/bin/time) of `amiaudit probe --window 0s` with 0 and with
# N real zombie memory cgroups (cgroup v1, root), their ratio, and the 1 Hz sampler's own CPU %
# over a 10 s window. Usage: benchmarks/probe-bench.sh [path/to/amiaudit] [N=5000]
set -eu
BIN=${1:-artifacts/aot/amiaudit}
N=${2:-5000}
RUNS=${RUNS:-5}
MEMCG=/sys/fs/cgroup/memory
TAG=amiaudit-bench-$$
[ -x "$BIN" ] || { echo "publish first: dotnet publish src/AmiAudit.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot ($BIN missing)"; exit 2; }
[ "$(id -u)" = 0 ] && [ -d "$MEMCG" ] || { echo "needs root and cgroup v1 memory at $MEMCG"; exit 2; }

cleanup() {
  rm -f /tmp/$TAG-* 2>/dev/null || true
  for d in "$MEMCG"/$TAG-*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
}
trap cleanup EXIT

# median CPU ms (user+sys) of RUNS runs of: $BIN probe ARGS
cpu_ms() {
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f '%U %S' "$BIN" probe "$@" >/dev/null 2>/tmp/$TAG-time || true
    tail -1 /tmp/$TAG-time | awk '{ printf "%d\n", ($1 + $2) * 1000 }'
  done | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

"$BIN" probe --window 0s >/dev/null 2>&1 || true   # warm the page cache
base=$(cpu_ms --window 0s)
dying0=$("$BIN" probe memcg --window 0s --format prometheus | awk '/^amiaudit_memcg_dying /{print $2}')

echo "creating $N zombie memcgs…"
i=0
while [ $i -lt "$N" ]; do
  d=$MEMCG/$TAG-$i
  mkdir "$d"
  sh -c "echo \$\$ > $d/cgroup.procs; dd if=/dev/zero of=/tmp/$TAG-$i bs=4k count=1 status=none"
  rmdir "$d"
  i=$((i + 1))
done
dyingN=$("$BIN" probe memcg --window 0s --format prometheus | awk '/^amiaudit_memcg_dying /{print $2}')
loaded=$(cpu_ms --window 0s)

# Sampler cost: the marginal CPU of sampling — a 20 s window minus a 10 s window, over the extra
# 10 s. (A 10 s run minus a 0 s run also counts the one-time costs of a sampled run: the two
# /proc/*/task scans and start-up of code a 0 s run never reaches.)
w0=$(RUNS=3 cpu_ms cpu --window 0s)
w10=$(RUNS=3 cpu_ms cpu --window 10s)
w20=$(RUNS=3 cpu_ms cpu --window 20s)

echo "dying memcgs: $dying0 -> $dyingN"
echo "probe --window 0s CPU: ${base} ms (0 extra zombies), ${loaded} ms ($N extra zombies), ratio $(awk "BEGIN { printf \"%.2f\", $loaded / $base }")"
echo "cpu probe: ${w0} ms single read, ${w10} ms over 10 s, ${w20} ms over 20 s"
echo "  sampler (marginal, 20 s - 10 s): $(awk "BEGIN { printf \"%.2f\", ($w20 - $w10) / 10000 * 100 }") % of one core (target <= 0.2 %)"
echo "  whole 10 s run over a single read: $(awk "BEGIN { printf \"%.2f\", ($w10 - $w0) / 10000 * 100 }") % of one core"
