namespace AmiAudit.Core.Model;

/// <summary>
/// The contract between collecting and judging: everything a policy, diff or score looks at.
/// Plain data, serialised with sorted keys (see <see cref="SnapshotJson"/>); collections are kept
/// sorted by <see cref="SnapshotNormalizer"/> so two collections of the same machine are byte-equal.
/// Adding a fact = adding one record (or one property) here; policies reach it by its JSON path.
/// </summary>
public sealed record Snapshot
{
    /// <summary>Bumped on any breaking change of this shape; readers refuse other majors.</summary>
    public const string CurrentSchema = "amiaudit.snapshot/v1";

    /// <summary>Shape version, "amiaudit.snapshot/v1"; readers refuse others with a clear message.</summary>
    public string Schema { get; init; } = CurrentSchema;
    /// <summary>What was collected: kind, host, image, zone, labels.</summary>
    public TargetInfo Target { get; init; } = new();
    /// <summary>From os-release and the kernel found in the root.</summary>
    public OsInfo? Os { get; init; }
    /// <summary>Every unit file, with enablement as systemctl computes it and (live) runtime state.</summary>
    public SystemdFacts Systemd { get; init; } = new();
    /// <summary>Docker containers on disk and (live) from the Engine API, with restart rates.</summary>
    public List<ContainerFact> Containers { get; init; } = [];
    /// <summary>Bootstrap scripts, the URLs they fetch (redacted) and the cloud-init outcome.</summary>
    public BootstrapFacts Bootstrap { get; init; } = new();
    /// <summary>kubelet and other binaries of interest, with sha256 and size.</summary>
    public List<BinaryFact> Binaries { get; init; } = [];
    /// <summary>Installed packages from the dpkg database (rpm: marked unavailable).</summary>
    public PackageFacts Packages { get; init; } = new();
    /// <summary>Live health probes (memcg, ENA, per-core CPU); absent for an offline image root.</summary>
    public ProbeFacts? Probes { get; init; }
    /// <summary>What a node's logs left on its root (journal, syslog, kernel, ECS, Docker, cloud-init); null when none.</summary>
    public EvidenceFacts? Evidence { get; init; }
    /// <summary>EC2 API facts (instance, AMI, launch template, user data encoding); only for target.kind "ec2".</summary>
    public Ec2Facts? Ec2 { get; init; }
    /// <summary>What each collector could not do: skipped paths, unavailable sources. Never fatal.</summary>
    public List<Diagnostic> Diagnostics { get; init; } = [];
}

public sealed record TargetInfo
{
    /// <summary>image-root | live | ec2 | fixture</summary>
    public string Kind { get; init; } = "image-root";
    public string? Hostname { get; init; }
    public string? ImageId { get; init; }
    public string? InstanceId { get; init; }
    public string? AvailabilityZone { get; init; }
    /// <summary>The root that was read, as the user gave it (informational; never used to re-read).</summary>
    public string? Root { get; init; }
    public SortedDictionary<string, string> Labels { get; init; } = new(StringComparer.Ordinal);
    public DateTimeOffset? CollectedAt { get; init; }
    public string? AmiauditVersion { get; init; }
}

public sealed record OsInfo
{
    public string? Id { get; init; }
    public string? VersionId { get; init; }
    public string? PrettyName { get; init; }
    public string? Kernel { get; init; }
}

public sealed record Diagnostic
{
    /// <summary>Collector that wrote it, e.g. "systemd", "docker", "rootfs".</summary>
    public string Source { get; init; } = "";
    /// <summary>info | warning | error | unavailable</summary>
    public string Level { get; init; } = "warning";
    /// <summary>Stable machine code, e.g. "symlink-escape", "fifo-skipped", "size-capped", "unavailable".</summary>
    public string Code { get; init; } = "";
    public string Message { get; init; } = "";
    /// <summary>Path inside the target root, when the diagnostic is about a file.</summary>
    public string? Path { get; init; }
}
