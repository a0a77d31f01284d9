#!/usr/bin/env bash
# The project's test command (README line 2, and what .ci/run runs).
#   scripts/test.sh          all tests: the fast suite, then the real-part suite (debootstrap root,
#                            systemd-nspawn, dockerd, kernel memcgs, taskset+mpstat, and the shipped
#                            NativeAOT binary run against the in-process CLI) one project at a time
#   scripts/test.sh --fast   only the fast suite (no real parts), for the edit-test loop
# Ends with one plain line "N passed, N failed, N skipped".
# The full run installs the real parts it needs first (scripts/install-test-deps.sh: idempotent, apt only for what
# is missing, through sudo when not root), so this one command passes on a fresh machine.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
config=${CONFIGURATION:-Debug}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ "${1:-}" != "--fast" ]; then
  deps=scripts/install-test-deps.sh
  if ! bash "$deps" --check >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then bash "$deps"
    elif command -v sudo >/dev/null; then sudo bash "$deps"
    else false; fi || { echo "installing the test dependencies failed (run: sudo $deps)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
  fi
fi

dotnet build AmiAudit.sln -c "$config" -warnaserror -nologo -v q 2>&1 | tail -n 30
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then echo "build failed"; echo "0 passed, 1 failed"; exit 1; fi

run() { # $1 = filter
  dotnet test AmiAudit.sln -c "$config" --no-build --filter "$1" --logger "console;verbosity=minimal" 2>&1 | tee -a "$log"
  return "${PIPESTATUS[0]}"
}
status=0
run "Category!=RealParts" || status=1
if [ "${1:-}" != "--fast" ]; then
  # The binary that ships: NativeAOT, trim and AOT warnings are errors (TreatWarningsAsErrors).
  # NativeAotEquivalenceTests run it beside the in-process CLI; the benchmarks time it.
  # Its own --artifacts-path: a runtime-specific restore into the projects' obj/ would make the next
  # `dotnet build` / `dotnet run` rebuild everything.
  echo "publishing the NativeAOT binary to artifacts/aot …"
  if dotnet publish src/AmiAudit.Cli -c Release -r linux-x64 -p:PublishAot=true --artifacts-path artifacts/aot-build -o artifacts/aot -nologo -v q 2>&1 | tail -n 30 \
     && [ -x artifacts/aot/amiaudit ]; then
    export AMIAUDIT_AOT_BIN="$PWD/artifacts/aot/amiaudit"
  else
    echo "NativeAOT publish failed"; echo "Failed: 1" >> "$log"; status=1
  fi
  # Real parts contend for CPUs and kernel state: run them after the fast suite, projects in sequence.
  for p in tests/*/; do
    grep -rqs 'Category", "RealParts"\|Category","RealParts"' "$p" --include='*.cs' || continue
    # One test at a time: real parts share kernel state (memcg counts, CPUs, dockerd, nspawn).
    dotnet test "$p" -c "$config" --no-build --filter "Category=RealParts" --logger "console;verbosity=minimal" \
      -- xUnit.ParallelizeTestCollections=false 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  done
fi
sum() { grep -Eo "$1: +[0-9]+" "$log" | awk '{ n += $2 } END { print n + 0 }'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
