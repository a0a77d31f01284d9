namespace AmiAudit.Testing;

/// <summary>Sample inputs composed in shared/reference/node-facts.md, used by more than one test project.</summary>
public static class NodeFactsSamples
{
    /// <summary>node-facts 7.9 T-EKS-04, zone a: the kubelet URL lives in a variable and is used twice;
    /// the script enables ecs. Ends with a newline, as a file on disk does.</summary>
    public const string EksUserDataZoneA = """
        #!/bin/bash
        set -euo pipefail
        KUBELET_URL="https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet"
        curl -fsSL -o /usr/bin/kubelet "$KUBELET_URL"
        curl -fsSL -o /root/kubelet.sha256 "$KUBELET_URL.sha256"
        chmod +x /usr/bin/kubelet
        /etc/eks/bootstrap.sh my-cluster --kubelet-extra-args '--node-labels=pool=gpu'
        systemctl enable --now ecs

        """;
}
