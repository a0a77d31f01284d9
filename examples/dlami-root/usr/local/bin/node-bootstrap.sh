#!/bin/bash
# Node bootstrap baked into the image (reconstructed from the public incident write-up).
set -euo pipefail
KUBELET_URL="https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet"
curl -fsSL -o /usr/bin/kubelet "$KUBELET_URL"
curl -fsSL -o /root/kubelet.sha256 "$KUBELET_URL.sha256"
sha256sum -c /root/kubelet.sha256
chmod +x /usr/bin/kubelet
/etc/eks/bootstrap.sh ml-training --kubelet-extra-args '--node-labels=pool=gpu'
# push a "node ready" metric; a failure here fails the whole unit (errexit)
curl -fsS -X POST "https://metrics.internal.example.com/push?node=$(hostname)&token=PLACEHOLDER-NOT-A-SECRET"
systemctl enable --now ecs
