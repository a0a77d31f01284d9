#!/usr/bin/env bash
# AWS benchmarks against moto_server on loopback (issue 11), medians of RUNS runs (default 3):
#  1. inventory: `amiaudit collect --ec2 --out DIR` of 2,000 instances (200 reservations of 10, two zones, two
#     launch templates) — wall, max RSS and CPU of amiaudit, and moto's own CPU seconds over the same run
#     (its share of the wall: moto is Python and does most of the work). Targets: ≤ 15 s wall, ≤ 200 MB RSS.
#  2. diff from S3 vs from disk: `amiaudit diff s3://bench/a/ s3://bench/b/` of 1,000 gzipped snapshots per
#     side (FleetGen's fleet, uploaded once), and the same diff of the local folders, in one run. Target ratio ≤ 3.
# Usage: benchmarks/aws-bench.sh [WORK_DIR]   (needs /usr/bin/time, moto_server, python3 with boto3)
#   BUILD=aot (default, the shipped NativeAOT binary) or BUILD=jit; AMIAUDIT=path skips the build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
work="${1:-$(mktemp -d /tmp/amiaudit-aws-bench.XXXXXX)}"
runs="${RUNS:-3}"
instances="${INSTANCES:-2000}"
snapshots="${SNAPSHOTS:-1000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN {exit !(l >= 1.5)}'; then echo "warning: load average $load >= 1.5; numbers will be noisy" >&2; fi

if [ -n "${AMIAUDIT:-}" ]; then
  cli="$AMIAUDIT"
elif [ "${BUILD:-aot}" = jit ]; then
  dotnet build "$repo/src/AmiAudit.Cli" -c Release -v q -nologo >/dev/null
  cli="$repo/src/AmiAudit.Cli/bin/Release/net10.0/amiaudit"
else
  dotnet publish "$repo/src/AmiAudit.Cli" -c Release -r linux-x64 -p:PublishAot=true \
    --artifacts-path "$repo/artifacts/aot-build" -o "$repo/artifacts/aot" -v q -nologo >/dev/null
  cli="$repo/artifacts/aot/amiaudit"
fi
echo "binary: $cli ($(du -h "$cli" | cut -f1))"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null && break; sleep 0.2; done
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_EC2_METADATA_DISABLED=true

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
wall_of() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$1"; }
rss_of() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
cpu_of() { awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ {s+=$2} END {print s}' "$1"; }
# moto's CPU seconds so far (utime + stime of the server process, clock ticks → s).
moto_cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$moto/stat"; }
moto_rss() { awk '/VmRSS/ {print $2}' "/proc/$moto/status"; }

# --- 1. inventory -------------------------------------------------------------------------------------------
python3 - "$instances" <<'EOF'
import base64, sys, boto3
n = int(sys.argv[1])
ec2 = boto3.client("ec2")
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i * 64}.0/18", AvailabilityZone=az)["Subnet"]["SubnetId"] for i, az in enumerate(["us-east-1a", "us-east-1b"])]
stock = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
builder = ec2.run_instances(ImageId=stock, MinCount=1, MaxCount=1, SubnetId=subnets[0])["Instances"][0]["InstanceId"]
image = ec2.create_image(InstanceId=builder, Name="amazon-eks-node-1.29-v20241120")["ImageId"]
ec2.terminate_instances(InstanceIds=[builder])
templates = []
for i, kubelet in enumerate(["1.29.0/2024-01-04", "1.29.3/2024-04-19"]):
    script = f"#!/bin/bash\ncurl -fsSL -o /usr/bin/kubelet https://amazon-eks.s3.us-west-2.amazonaws.com/{kubelet}/bin/linux/amd64/kubelet\nsystemctl enable --now kubelet\n"
    templates.append(ec2.create_launch_template(LaunchTemplateName=f"nodes-{i}", LaunchTemplateData={"ImageId": image, "InstanceType": "m5.large", "UserData": base64.b64encode(script.encode()).decode()})["LaunchTemplate"]["LaunchTemplateId"])
for r in range(n // 10):
    z = r % 2
    ec2.run_instances(LaunchTemplate={"LaunchTemplateId": templates[z], "Version": "1"}, MinCount=10, MaxCount=10, SubnetId=subnets[z],
                      TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "eks:cluster-name", "Value": "bench"}]}])
EOF

times=(); mems=(); cpus=(); motos=()
for r in $(seq "$runs"); do
  rm -rf "$work/inv"
  before=$(moto_cpu)
  /usr/bin/time -v -o "$work/time.txt" "$cli" collect --ec2 --filter tag:eks:cluster-name=bench --out "$work/inv" 2>"$work/inv.err" \
    || { cat "$work/inv.err" "$work/time.txt" >&2; exit 1; }
  after=$(moto_cpu)
  count=$(find "$work/inv" -name '*.json' | wc -l)
  [ "$count" -eq "$instances" ] || { echo "inventory wrote $count snapshots, expected $instances" >&2; exit 1; }
  times+=("$(wall_of "$work/time.txt")"); mems+=("$(rss_of "$work/time.txt")"); cpus+=("$(cpu_of "$work/time.txt")")
  motos+=("$(echo "$after - $before" | bc -l)")
done
iw=$(printf '%s\n' "${times[@]}" | median); ir=$(printf '%s\n' "${mems[@]}" | median)
ic=$(printf '%s\n' "${cpus[@]}" | median); im=$(printf '%s\n' "${motos[@]}" | median)
printf 'inventory of %d instances: median wall %.2f s, amiaudit CPU %.2f s, max RSS %.0f MiB; moto CPU %.2f s (%.0f%% of the wall), moto RSS %.0f MiB  [wall per run: %s]\n' \
  "$instances" "$iw" "$ic" "$(echo "$ir / 1024" | bc -l)" "$im" "$(echo "100 * $im / $iw" | bc -l)" "$(echo "$(moto_rss) / 1024" | bc -l)" "${times[*]}"

# --- 2. diff: s3:// prefixes vs local folders ---------------------------------------------------------------
dotnet build "$repo/benchmarks/FleetGen" -c Release -v q -nologo >/dev/null
fleet="$work/fleet-$snapshots"
[ -d "$fleet/b" ] || "$repo/benchmarks/FleetGen/bin/Release/net10.0/FleetGen" "$fleet" "$snapshots"
python3 - "$fleet" <<'EOF'
import gzip, os, sys, boto3
from concurrent.futures import ThreadPoolExecutor
root = sys.argv[1]
s3 = boto3.client("s3")
s3.create_bucket(Bucket="bench")
def put(args):
    side, name = args
    with open(os.path.join(root, side, name), "rb") as f:
        s3.put_object(Bucket="bench", Key=f"{side}/{name}.gz", Body=gzip.compress(f.read()))
jobs = [(side, name) for side in ("a", "b") for name in sorted(os.listdir(os.path.join(root, side)))]
with ThreadPoolExecutor(8) as pool:
    list(pool.map(put, jobs))
EOF

declare -A dw dr
for kind in local s3; do
  times=(); mems=(); mcpu=(); acpu=()
  for r in $(seq "$runs"); do
    if [ "$kind" = local ]; then set -- "$fleet/a" "$fleet/b"; else set -- s3://bench/a/ s3://bench/b/; fi
    before=$(moto_cpu)
    set +e
    /usr/bin/time -v -o "$work/time.txt" "$cli" diff "$@" --format json --output "$work/diff-$kind.json" 2>"$work/diff.err"
    rc=$?
    set -e
    mcpu+=("$(echo "$(moto_cpu) - $before" | bc -l)"); acpu+=("$(cpu_of "$work/time.txt")")
    [ "$rc" -le 1 ] || { echo "amiaudit diff ($kind) exited $rc" >&2; cat "$work/diff.err" "$work/time.txt" >&2; exit 1; }
    times+=("$(wall_of "$work/time.txt")"); mems+=("$(rss_of "$work/time.txt")")
  done
  dw[$kind]=$(printf '%s\n' "${times[@]}" | median); dr[$kind]=$(printf '%s\n' "${mems[@]}" | median)
  printf 'diff of 2 × %d snapshots from %-5s: median wall %.2f s, amiaudit CPU %.2f s, max RSS %.0f MiB, moto CPU %.2f s  [wall per run: %s]\n' \
    "$snapshots" "$kind" "${dw[$kind]}" "$(printf '%s\n' "${acpu[@]}" | median)" "$(echo "${dr[$kind]} / 1024" | bc -l)" "$(printf '%s\n' "${mcpu[@]}" | median)" "${times[*]}"
done
cmp -s <(grep -v '"generatedAt"' "$work/diff-local.json" | sed 's#s3://bench/##g') <(grep -v '"generatedAt"' "$work/diff-s3.json" | sed 's#s3://bench/##g') \
  || echo "note: the s3 and local diff reports differ beyond side names (see $work/diff-*.json)" >&2
printf 'ratio s3/local: %.2f (target ≤ 3)\n' "$(echo "${dw[s3]} / ${dw[local]}" | bc -l)"
