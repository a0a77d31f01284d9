namespace AmiAudit.Core.Urls;

/// <summary>
/// What a downloaded URL is for, from its last path segment (and the S3 bucket for ECS): checksums
/// and signatures count as the artifact they check (kubelet.sha256 → kubelet), so an allow-list on
/// kubelet URLs also sees where the checksum came from.
/// </summary>
public static class UrlPurpose
{
    public const string Kubelet = "kubelet";
    public const string Kubectl = "kubectl";
    public const string Containerd = "containerd";
    public const string Ecs = "ecs";
    public const string Other = "other";

    private static readonly string[] CheckSuffixes = [".sha256", ".sha512", ".sha1", ".md5", ".sig", ".asc", ".sha256sum", ".pem"];

    public static string Classify(ParsedUrl url, string? s3Bucket)
    {
        var path = url.Path.TrimEnd('/');
        var segment = path[(path.LastIndexOf('/') + 1)..].ToLowerInvariant();
        foreach (var suffix in CheckSuffixes)
        {
            if (segment.EndsWith(suffix, StringComparison.Ordinal)) { segment = segment[..^suffix.Length]; break; }
        }
        if (segment.Contains('$')) return Other;

        // ECS: amazon-ecs-init-latest.x86_64.rpm, amazon-ecs-agent.tar, ecs-init; or the agent's own buckets.
        if (segment.Contains("ecs-init", StringComparison.Ordinal) || segment.Contains("ecs-agent", StringComparison.Ordinal)
            || (s3Bucket?.StartsWith("amazon-ecs-agent", StringComparison.Ordinal) ?? false))
            return Ecs;
        if (segment.StartsWith("kubectl", StringComparison.Ordinal)) return Kubectl;
        // kubelet, kubelet-1.29.3, and the upstream node tarball that ships kubelet.
        if (segment.StartsWith("kubelet", StringComparison.Ordinal) || segment.StartsWith("kubernetes-node-", StringComparison.Ordinal))
            return Kubelet;
        // containerd, containerd-1.7.13-linux-amd64.tar.gz, containerd.io_1.6.28-1_amd64.deb
        if (segment.StartsWith("containerd", StringComparison.Ordinal)) return Containerd;
        return Other;
    }
}
