#!/bin/sh
# Post-mortem log evidence (issue 9): wall time and peak RSS of `amiaudit collect --root` on a root whose
# /var/log/syslog is 1 GiB (kernel, systemd, ECS and noise lines, ENA resets included) plus a rotated
# syslog.1.gz, side by side with `grep -c ena` over the same 1 GiB file in the same run; RUNS runs each,
# medians and the ratio printed. Budget: ≤ 3 s wall, ≤ 100 MB RSS, ratio ≤ 3.
#   benchmarks/evidence-bench.sh [path/to/amiaudit] [GiB=1] [GZ_MiB=256]      (RUNS=5)
# The file is built from one 4 MiB block of composed lines (node-facts shapes) repeated: the reader's cost
# is per byte and per anchor hit. The mix is a busy Kubernetes node's syslog with ecs.service crash-looping
# every 10 s and ENA resets: 1 line in 50 an event (restart cycle, ENA), 1 in 10 another systemd line
# (mount units deactivated, sessions, scopes — anchor hits that are not events), the rest kernel/daemon noise.
set -eu
BIN=${1:-artifacts/aot/amiaudit}
GIB=${2:-1}
GZMIB=${3:-256}
RUNS=${RUNS:-5}
[ -x "$BIN" ] || { echo "publish first: dotnet publish src/AmiAudit.Cli -c Release -r linux-x64 -p:PublishAot=true --artifacts-path artifacts/aot-build -o artifacts/aot ($BIN missing)"; exit 2; }
ROOT=$(mktemp -d /tmp/amiaudit-evbench-XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/etc" "$ROOT/var/log" "$ROOT/lib/systemd/system"
echo 'ID=ubuntu' > "$ROOT/etc/os-release"
printf '[Unit]\nDescription=Amazon Elastic Container Service - container agent\n[Service]\nExecStart=/usr/libexec/amazon-ecs-init start\n' > "$ROOT/lib/systemd/system/ecs.service"

python3 - "$ROOT/block.txt" <<'PY'
import sys, random
random.seed(9)
out, size, i = [], 0, 0
host = "ip-10-1-2-3"
noise = [
    "kernel: [{u:.6f}] EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode. Quota mode: none.",
    "kernel: [{u:.6f}] IPv6: ADDRCONF(NETDEV_CHANGE): veth{n:x}: link becomes ready",
    "kernel: [{u:.6f}] cni0: port {p}(veth{n:x}) entered forwarding state",
    "kernel: [{u:.6f}] audit: type=1400 audit({u:.3f}:{n}): apparmor=\"STATUS\" operation=\"profile_load\" profile=\"unconfined\" name=\"runc\" pid={n} comm=\"apparmor_parser\"",
    "CRON[{n}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
    "containerd[812]: time=\"2026-03-03T14:02:00.{n}Z\" level=info msg=\"shim disconnected\" id={n:x}{n:x} namespace=moby",
    "dockerd[901]: time=\"2026-03-03T14:02:00.{n}Z\" level=info msg=\"ignoring event\" container={n:x}{n:x} module=libcontainerd namespace=moby topic=/tasks/delete type=\"*events.TaskDelete\"",
    "kubelet[1200]: I0303 14:02:00.{n} 1200 kubelet_getters.go:182] \"Pod status updated\" pod=\"kube-system/aws-node-{n:x}\" status=Running",
    "systemd-networkd[412]: veth{n:x}: Gained IPv6LL",
    "rsyslogd[600]: imuxsock: Acquired UNIX socket '/run/systemd/journal/syslog' (fd 3) from systemd.  [v8.2001.0]",
]
systemd_noise = [
    "systemd[1]: run-containerd-runc-k8s.io-{n:x}{n:x}-runc.{n}.mount: Deactivated successfully.",
    "systemd[1]: Started Session {n} of User ubuntu.",
    "systemd[1]: Started cri-containerd-{n:x}{n:x}.scope - libcontainer container {n:x}{n:x}.",
    "systemd[1]: cri-containerd-{n:x}{n:x}.scope: Consumed 1.{p}s CPU time.",
    "systemd[1]: var-lib-kubelet-pods-{n:x}-volumes-kubernetes.io\\x7eprojected-kube\\x2dapi\\x2daccess.mount: Deactivated successfully.",
]
events = [
    "systemd[1]: ecs.service: Main process exited, code=exited, status=5/NOTINSTALLED",
    "systemd[1]: ecs.service: Failed with result 'exit-code'.",
    "systemd[1]: ecs.service: Scheduled restart job, restart counter is at {c}.",
    "systemd[1]: Started Amazon Elastic Container Service - container agent.",
    "amazon-ecs-init[{n}]: level=info time=2026-03-03T14:02:01Z msg=\"Starting Amazon Elastic Container Service Agent\"",
    "kernel: [{u:.6f}] ena 0000:20:03.0 eth0: TX q 5 is paused for too long (threshold 5000000). Time since last napi 6596000 usec. napi scheduled: 1",
    "kernel: [{u:.6f}] ena 0000:20:03.0 eth0: Trigger reset is on",
    "kernel: [{u:.6f}] ena 0000:20:03.0: Device reset completed successfully, Driver info: Elastic Network Adapter (ENA) v2.11.0g",
]
sec, c = 0, 0
while size < 4 * 1024 * 1024:
    i += 1
    sec += 1
    h, m, s = 14 + (sec // 3600) % 10, (sec // 60) % 60, sec % 60
    stamp = f"Mar  3 {h:02d}:{m:02d}:{s:02d} {host} "
    tmpl = random.choice(events) if i % 50 == 0 else random.choice(systemd_noise) if i % 10 == 0 else random.choice(noise)
    c += 1
    line = stamp + tmpl.format(u=8000 + sec + random.random(), n=random.randrange(1, 1 << 20), p=random.randrange(1, 9), c=c) + "\n"
    out.append(line)
    size += len(line)
open(sys.argv[1], "w").write("".join(out))
PY
# 1 GiB current file, GZ_MiB rotated one (gzip -1: logrotate would use -6; -1 only saves bench set-up time).
n=$((GIB * 256)); : > "$ROOT/var/log/syslog"
i=0; while [ $i -lt $n ]; do cat "$ROOT/block.txt"; i=$((i + 1)); done >> "$ROOT/var/log/syslog"
n=$((GZMIB / 4)); i=0; while [ $i -lt $n ]; do cat "$ROOT/block.txt"; i=$((i + 1)); done | gzip -1 > "$ROOT/var/log/syslog.1.gz"
rm "$ROOT/block.txt"
touch -d '2026-03-04 00:00:00' "$ROOT/var/log/syslog" "$ROOT/var/log/syslog.1.gz"
ls -l "$ROOT/var/log"

python3 - "$RUNS" "$BIN" "$ROOT" <<'PY'
import resource, subprocess, sys, time, statistics, os
runs, bin_, root = int(sys.argv[1]), sys.argv[2], sys.argv[3]
syslog = os.path.join(root, "var/log/syslog")
def measure(cmd):
    # Peak RSS of this child alone: run it under a fresh python so RUSAGE_CHILDREN holds only it.
    # stdout to a pipe, never /dev/null: GNU grep sees /dev/null and stops at the first match (as -q does),
    # which timed "grep -c" at 0.03 s for 1 GiB.
    probe = ("import resource,subprocess,sys,time;t=time.perf_counter();"
             "r=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.PIPE);"
             "w=time.perf_counter()-t;u=resource.getrusage(resource.RUSAGE_CHILDREN);"
             "print(f'{w:.3f} {u.ru_maxrss/1024:.1f} {r.returncode}');sys.stderr.write(r.stderr.decode()[-300:])")
    out = subprocess.run([sys.executable, "-c", probe] + cmd, capture_output=True, text=True)
    w, rss, rc = out.stdout.split()
    if rc != "0" and cmd[0] != "grep": sys.exit(f"{' '.join(cmd)} failed ({rc}): {out.stderr}")
    return float(w), float(rss)
subprocess.run(["cat", syslog], stdout=subprocess.DEVNULL)  # warm the page cache for both
walls, rsss, greps = [], [], []
for _ in range(runs):
    g, _ = measure(["grep", "-c", "ena", syslog])
    # Never --out /dev/null: the atomic write (temp file + rename) would replace the device with a regular file.
    w, r = measure([bin_, "collect", "--root", root, "--out", os.path.join(root, "snapshot.json")])
    greps.append(g); walls.append(w); rsss.append(r)
snap = subprocess.run([bin_, "collect", "--root", root], capture_output=True, text=True).stdout
import json
ev = json.loads(snap).get("evidence", {})
units = {u["name"]: u for u in ev.get("units", [])}
print(f"grep -c ena (1 GiB):      median {statistics.median(greps):.3f} s  runs {' '.join(f'{x:.2f}' for x in greps)}")
print(f"amiaudit collect --root:  median {statistics.median(walls):.3f} s  runs {' '.join(f'{x:.2f}' for x in walls)}")
print(f"peak RSS:                 median {statistics.median(rsss):.1f} MB  max {max(rsss):.1f} MB")
print(f"ratio collect/grep:       {statistics.median(walls) / statistics.median(greps):.2f}")
print(f"evidence: ecs.service restarts {units.get('ecs.service', {}).get('restarts')}, sources " +
      ", ".join(f"{s['path']} {s['bytes']} B {s['status']}" for s in ev.get("sources", [])))
PY
