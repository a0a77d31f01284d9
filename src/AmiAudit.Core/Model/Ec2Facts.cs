namespace AmiAudit.Core.Model;

/// <summary>
/// What the EC2 API says about one instance (<c>amiaudit collect --ec2</c>, target.kind "ec2"): the instance,
/// the AMI it was launched from, its launch template and how its user data was encoded. Absent for image roots
/// and live nodes. Every string that came from user data or tags went through redaction before it got here.
/// </summary>
public sealed record Ec2Facts
{
    /// <summary>Region the inventory was read from (us-east-1).</summary>
    public string? Region { get; init; }
    public Ec2InstanceFact Instance { get; init; } = new();
    /// <summary>The instance's AMI; null when DescribeImages no longer returns it (deregistered or not shared).</summary>
    public AmiFact? Image { get; init; }
    /// <summary>The launch template the instance was launched from (its aws:ec2launchtemplate:* tags), when there is one.</summary>
    public LaunchTemplateFact? LaunchTemplate { get; init; }
    /// <summary>The launch template version's user data: where it came from and how it was encoded. Its scripts and
    /// URLs are in <c>bootstrap</c>, like an image root's.</summary>
    public UserDataFact? UserData { get; init; }
}

public sealed record Ec2InstanceFact
{
    public string InstanceId { get; init; } = "";
    /// <summary>m6i.large, c5n.18xlarge …</summary>
    public string? InstanceType { get; init; }
    public string? AvailabilityZone { get; init; }
    public string? SubnetId { get; init; }
    public string? VpcId { get; init; }
    /// <summary>pending | running | stopping | stopped | shutting-down | terminated</summary>
    public string? State { get; init; }
    public DateTimeOffset? LaunchTime { get; init; }
    /// <summary>Instance tags (values redacted like script text).</summary>
    public SortedDictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);
    /// <summary>The instance profile ARN.</summary>
    public string? IamInstanceProfile { get; init; }
    public string? Architecture { get; init; }
    public string? PrivateDnsName { get; init; }
    /// <summary>ENA support of the instance type (DescribeInstanceTypes NetworkInfo.EnaSupport):
    /// required | supported | unsupported; null when the type was not described.</summary>
    public string? TypeEnaSupport { get; init; }
}

public sealed record AmiFact
{
    public string ImageId { get; init; } = "";
    public string? Name { get; init; }
    /// <summary>Account id of the owner (137112412989 = amazon).</summary>
    public string? OwnerId { get; init; }
    /// <summary>"amazon", "aws-marketplace" or null for a private account.</summary>
    public string? OwnerAlias { get; init; }
    public DateTimeOffset? CreationDate { get; init; }
    /// <summary>Whole days between <see cref="CreationDate"/> and the collection (target.collectedAt); what "max AMI age" rules read.</summary>
    public int? AgeDays { get; init; }
    public SortedDictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);
    /// <summary>ebs | instance-store</summary>
    public string? RootDeviceType { get; init; }
    public string? RootDeviceName { get; init; }
    /// <summary>legacy-bios | uefi | uefi-preferred; null when the AMI does not say.</summary>
    public string? BootMode { get; init; }
    /// <summary>The AMI's EnaSupport attribute: an instance type that requires ENA does not boot with networking without it.</summary>
    public bool? EnaSupport { get; init; }
    public string? Architecture { get; init; }
    /// <summary>available | pending | failed | deregistered …</summary>
    public string? State { get; init; }
    /// <summary>When the AMI is (or was) deprecated; null when no deprecation is set.</summary>
    public DateTimeOffset? DeprecationTime { get; init; }
    /// <summary>True when <see cref="DeprecationTime"/> is at or before the collection.</summary>
    public bool Deprecated { get; init; }
    public bool? Public { get; init; }
}

public sealed record LaunchTemplateFact
{
    public string Id { get; init; } = "";
    public string? Name { get; init; }
    /// <summary>The version the instance was launched with ("3"; "$Default"/"$Latest" as tagged when that is all the tag says).</summary>
    public string? Version { get; init; }
}

public sealed record UserDataFact
{
    /// <summary>launch-template | instance</summary>
    public string Source { get; init; } = "launch-template";
    /// <summary>Decoded size in bytes (after base64 and gzip layers).</summary>
    public long Size { get; init; }
    /// <summary>sha256 of the decoded bytes: equal user data, equal hash.</summary>
    public string? Sha256 { get; init; }
    /// <summary>The layers peeled off, outermost first: base64, gzip, mime, cloud-config, shell, text, binary.</summary>
    public List<string> Encodings { get; init; } = [];
    /// <summary>Parts found (MIME parts, or 1 for a single document).</summary>
    public int Parts { get; init; }
}
