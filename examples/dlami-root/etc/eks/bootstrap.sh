#!/usr/bin/env bash
set -o pipefail
set -o nounset
set -o errexit
err_report() { echo "Exited with error on line $1"; }
trap 'err_report $LINENO' ERR
log() { echo >&2 "$(date '+%Y-%m-%dT%H:%M:%S%z')" "[eks-bootstrap]" "$@"; }
log "INFO: starting..."
KUBELET_VERSION=$(kubelet --version | grep -Eo '[0-9]\.[0-9]+\.[0-9]+')
log "INFO: Using kubelet version $KUBELET_VERSION"
systemctl daemon-reload
systemctl enable kubelet
systemctl start kubelet
log "INFO: complete!"
