#!/usr/bin/env bash
# Times loading one policy file of N ordinary rules (default 20,000; issue 8 defect 5: more than ~5,262 plain rules
# were refused as an "alias" bomb) with `amiaudit policy validate FILE` — YAML, schema, operators, regexes, fields —
# RUNS times (default 3), and prints medians of wall time, CPU (user+sys) and max RSS from /usr/bin/time -v.
# Each rule is about 20 YAML values and 330 bytes (where/in, expect/notIn, examples): 20,000 rules ≈ 6.5 MB,
# under the CLI's 8 MiB policy-file cap.
# Usage: benchmarks/policy-load-bench.sh [WORK_DIR]   RULES=N, BUILD=jit (default) | aot
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
work="${1:-$(mktemp -d /tmp/amiaudit-policy-load.XXXXXX)}"
runs="${RUNS:-3}"
rules="${RULES:-20000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN {exit !(l >= 1.5)}'; then echo "warning: load average $load >= 1.5; wall times will be noisy (compare CPU)" >&2; fi

if [ "${BUILD:-jit}" = aot ]; then
  dotnet publish "$repo/src/AmiAudit.Cli" -c Release -r linux-x64 -p:PublishAot=true \
    --artifacts-path "$repo/artifacts/bench/build" -o "$repo/artifacts/bench/amiaudit" -v q -nologo >/dev/null
  cli="$repo/artifacts/bench/amiaudit/amiaudit"
else
  dotnet build "$repo/src/AmiAudit.Cli" -c Release -v q -nologo >/dev/null
  cli="$repo/src/AmiAudit.Cli/bin/Release/net10.0/amiaudit"
fi
echo "build: ${BUILD:-jit} ($cli)"

file="$work/policy-$rules.yaml"
awk -v n="$rules" 'BEGIN {
  print "apiVersion: amiaudit/v1\nkind: Policy\nmetadata: { name: big }\nrules:";
  for (i = 0; i < n; i++) {
    printf "  - id: BIG-%05d\n    title: rule %d\n    severity: low\n    for: systemd.units\n", i, i;
    printf "    where: { name: { in: [a%d.service, b%d.service] } }\n", i, i;
    print  "    expect: { unitFileState: { notIn: [enabled, enabled-runtime] } }";
    print  "    examples: { pass: [ { name: a.service, unitFileState: disabled } ], fail: [ { name: a.service, unitFileState: enabled } ] }";
  }
}' > "$file"
echo "$rules rules: $(du -h "$file" | cut -f1)"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
times=(); cpus=(); mems=()
for r in $(seq "$runs"); do
  set +e
  /usr/bin/time -v -o "$work/time.txt" "$cli" policy validate "$file" > "$work/out.txt" 2>&1
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || { echo "amiaudit policy validate exited $rc:" >&2; head -5 "$work/out.txt" >&2; exit 1; }
  times+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time.txt")")
  cpus+=("$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ {s+=$2} END {print s}' "$work/time.txt")")
  mems+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")")
done
printf 'policy validate, %d rules: median wall %.2f s, CPU %.2f s, max RSS %.0f MiB  [wall per run: %s]\n' "$rules" \
  "$(printf '%s\n' "${times[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
  "$(echo "$(printf '%s\n' "${mems[@]}" | median) / 1024" | bc -l)" "${times[*]}"
