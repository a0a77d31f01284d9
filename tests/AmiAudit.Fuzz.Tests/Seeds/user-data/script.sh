#!/bin/bash
set -o xtrace
export AWS_SECRET_ACCESS_KEY=SECRETKEYVALUE0123456789
PRESIGNED="https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240419%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=SECRETSIG0123456789abcdef"
curl -fsSL -o /usr/bin/kubelet "$PRESIGNED"
kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef
/etc/eks/bootstrap.sh my-cluster --b64-cluster-ca "$B64" --apiserver-endpoint "https://ABC.gr7.us-west-2.eks.amazonaws.com"
systemctl enable --now ecs nvidia-persistenced.service
