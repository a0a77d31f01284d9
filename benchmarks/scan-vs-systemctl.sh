#!/usr/bin/env bash
# Whole-process benchmark (issue 2): `amiaudit scan --root R` with all built-in policies versus
# `systemctl --root=R list-unit-files` on the same debootstrap Debian root, interleaved in one run.
# Prints both medians and the ratio (target: ratio <= 0.5).
#   benchmarks/scan-vs-systemctl.sh [ROOT] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-/var/cache/amiaudit/debian-bookworm-systemd}
runs=${2:-21}
[ -d "$root" ] || bash scripts/make-debian-root.sh "$root"
out=artifacts/bench/amiaudit
# The shipped build: NativeAOT (no JIT, no runtime start-up; docs/benchmarks.md has the history:
# JIT 0.92 s -> composite ReadyToRun 0.27 s -> NativeAOT). CLI=/path/to/amiaudit times another
# binary (e.g. an older build, for before/after numbers) without publishing.
if [ -z "${CLI:-}" ]; then
  dotnet publish src/AmiAudit.Cli -c Release -r linux-x64 -p:PublishAot=true \
    --artifacts-path artifacts/bench/build -o "$out" -nologo -v q >/dev/null
fi
bin=${CLI:-$out/amiaudit}
"$bin" scan --root "$root" --format json >/dev/null || true   # warm the page cache for both
systemctl --root="$root" list-unit-files >/dev/null

now() { date +%s%N; }
a=(); s=()
for _ in $(seq "$runs"); do
  t0=$(now); "$bin" scan --root "$root" --format json >/dev/null || true; t1=$(now)
  systemctl --root="$root" list-unit-files --no-pager >/dev/null; t2=$(now)
  a+=($(( (t1 - t0) / 1000 ))); s+=($(( (t2 - t1) / 1000 )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ma=$(median "${a[@]}"); ms=$(median "${s[@]}")
units=$(systemctl --root="$root" list-unit-files --no-legend --no-pager | wc -l)
echo "root: $root ($units unit files), runs: $runs"
echo "amiaudit scan (all built-in policies): median $(awk "BEGIN { printf \"%.3f\", $ma / 1e6 }") s"
echo "systemctl --root list-unit-files:      median $(awk "BEGIN { printf \"%.3f\", $ms / 1e6 }") s"
echo "ratio amiaudit/systemctl: $(awk "BEGIN { printf \"%.2f\", $ma / $ms }") (target <= 0.5)"
