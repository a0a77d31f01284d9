#!/usr/bin/env bash
# Coverage-guided fuzzing campaign (not run in CI): AFL++ drives the parsers of one target through
# SharpFuzz-instrumented AmiAudit assemblies. The in-suite CsCheck runs (tests/AmiAudit.Fuzz.Tests)
# sample 10,000 mutations per target; this explores for as long as you let it, guided by coverage.
#   scripts/fuzz.sh list                   the targets (same names as the suite's theory cases)
#   scripts/fuzz.sh TARGET [SECONDS]       fuzz one target (default 600 s); findings under artifacts/fuzz/TARGET
#   scripts/fuzz.sh replay TARGET FILE...  run saved inputs through the suite's contract check
# A crash is an exception the target does not document (see its FuzzTarget.Allowed) or a process
# crash (stack overflow); a hang is an input slower than afl-fuzz -t. Each one becomes a file under
# tests/AmiAudit.Fuzz.Tests/Crashes/TARGET/ (gzip it when large) with its fix: the suite replays them.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

work=artifacts/fuzz
tools=$work/tools
build=$work/build
bin=$work/bin

prepare() {
  if ! command -v afl-fuzz >/dev/null; then
    echo "installing afl++ (Debian) …"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  fi
  if [ ! -x "$tools/sharpfuzz" ]; then
    dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
  fi
  dotnet build tests/AmiAudit.Fuzz.Tests -c Release -o "$build" -nologo -v q >/dev/null
  # Instrument a fresh copy each time: sharpfuzz rewrites assemblies in place and refuses to do it twice.
  rm -rf "$bin"; cp -r "$build" "$bin"
  for a in AmiAudit.Core.dll AmiAudit.Collectors.dll YamlDotNet.dll; do
    "$tools/sharpfuzz" "$bin/$a" >/dev/null
  done
}

case "${1:-}" in
  ""|-h|--help) sed -n 2,11p "$0"; exit 2 ;;
  list) dotnet build tests/AmiAudit.Fuzz.Tests -c Release -o "$build" -nologo -v q >/dev/null
        exec dotnet "$build/AmiAudit.Fuzz.Tests.dll" list ;;
  replay) shift; dotnet build tests/AmiAudit.Fuzz.Tests -c Release -o "$build" -nologo -v q >/dev/null
          exec dotnet "$build/AmiAudit.Fuzz.Tests.dll" replay "$@" ;;
esac

target=$1
seconds=${2:-600}
out=$work/$target
prepare
dotnet "$bin/AmiAudit.Fuzz.Tests.dll" seeds "$target" "$out/seeds" >/dev/null

# dotnet is not an AFL-instrumented binary (SharpFuzz reports coverage itself); no core dumps to wait for.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_AFFINITY=1 AFL_AUTORESUME=1
echo "fuzzing $target for ${seconds}s (findings: $out/findings)"
afl-fuzz -i "$out/seeds" -o "$out/findings" -t 5000 -m none -V "$seconds" \
  -- dotnet "$bin/AmiAudit.Fuzz.Tests.dll" run "$target" > "$out/afl.log" 2>&1 || true

stats=$out/findings/default/fuzzer_stats
if [ -f "$stats" ]; then
  grep -E '^(execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs|run_time) ' "$stats" | tr -s ' '
else
  echo "afl-fuzz did not start; see $out/afl.log"; tail -n 20 "$out/afl.log"; exit 1
fi
shopt -s nullglob
crashes=("$out"/findings/default/crashes/id:*)
hangs=("$out"/findings/default/hangs/id:*)
echo "$target: ${#crashes[@]} crash(es), ${#hangs[@]} hang(s)"
if [ ${#crashes[@]} -gt 0 ]; then
  dotnet "$build/AmiAudit.Fuzz.Tests.dll" replay "$target" "${crashes[@]}" | grep -E '^(FINDING|  )|threw' | head -n 40 || true
fi
if [ ${#hangs[@]} -gt 0 ]; then
  echo "hangs (replay to see whether they are slow or stuck):"; printf '  %s\n' "${hangs[@]}"
fi
