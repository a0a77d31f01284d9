namespace AmiAudit.Core.Model;

/// <summary>How the node bootstraps: scripts, the URLs they fetch, and how the last boot went.</summary>
public sealed record BootstrapFacts
{
    public List<ScriptFact> Scripts { get; init; } = [];
    public List<UrlFact> Urls { get; init; } = [];
    public CloudInitOutcome? CloudInit { get; init; }
}

public sealed record ScriptFact
{
    /// <summary>Path inside the root.</summary>
    public string Path { get; init; } = "";
    /// <summary>user-data | cloud-init-script | eks-bootstrap | rc-local | unit-exec | other</summary>
    public string Kind { get; init; } = "other";
    public string? Sha256 { get; init; }
    public long Size { get; init; }
    /// <summary>Units whose ExecStart* run this script.</summary>
    public List<string> ReferencedBy { get; init; } = [];
    /// <summary>Units this script enables or starts (systemctl enable/start/restart … lines).</summary>
    public List<string> StartsUnits { get; init; } = [];
}

/// <summary>A URL found in a bootstrap script, already redacted. Never holds a secret.</summary>
public sealed record UrlFact
{
    /// <summary>scheme://host/path — what URLs are compared by (no query, no userinfo).</summary>
    public string Normalized { get; init; } = "";
    /// <summary>The URL as written, with signature/token query values and userinfo replaced by REDACTED.</summary>
    public string Redacted { get; init; } = "";
    public string Scheme { get; init; } = "";
    public string Host { get; init; } = "";
    public string Path { get; init; } = "";
    /// <summary>kubelet | kubectl | containerd | ecs | other</summary>
    public string Purpose { get; init; } = "other";
    /// <summary>For S3 URLs in any of their styles: the bucket and key (see node-facts 5.3).</summary>
    public string? S3Bucket { get; init; }
    public string? S3Key { get; init; }
    /// <summary>Region named by the S3 endpoint (us-west-2, cn-north-1), null for global / s3:// forms.</summary>
    public string? S3Region { get; init; }
    /// <summary>"s3://bucket/key": the one form every S3 URL style of the same object normalises to.</summary>
    public string? S3Uri { get; init; }
    /// <summary>True when the URL still holds a shell variable the script never sets (or a value computed at run time):
    /// a template, whose "host" is not a host — policies must not judge it as a concrete location.</summary>
    public bool Template { get; init; }
    /// <summary>The variable the URL came through (KUBELET_URL), when it was assembled from one.</summary>
    public string? Via { get; init; }
    public string Source { get; init; } = "";
    public int Line { get; init; }
}

public sealed record CloudInitOutcome
{
    /// <summary>done | error | running | not-run | unknown (an outcome file exists but could not be read)</summary>
    public string Status { get; init; } = "not-run";
    public string? Datasource { get; init; }
    public List<string> Errors { get; init; } = [];
    /// <summary>Path inside the root of the file the status was read from.</summary>
    public string? Source { get; init; }
}
