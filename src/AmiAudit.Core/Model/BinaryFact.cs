namespace AmiAudit.Core.Model;

public sealed record BinaryFact
{
    public string Path { get; init; } = "";
    /// <summary>kubelet | kubectl | containerd | ecs-init | policy (named by a policy) | other</summary>
    public string Role { get; init; } = "other";
    public bool Exists { get; init; }
    public string? Sha256 { get; init; }
    public long? Size { get; init; }
}

public sealed record PackageFacts
{
    /// <summary>dpkg | rpm | none</summary>
    public string Manager { get; init; } = "none";
    /// <summary>False when a database exists but could not be read (e.g. rpmdb without a reader).</summary>
    public bool Available { get; init; } = true;
    public List<PackageFact> Items { get; init; } = [];
}

public sealed record PackageFact
{
    public string Name { get; init; } = "";
    public string Version { get; init; } = "";
    public string? Architecture { get; init; }
}
