using AmiAudit.Collectors.Bootstrap;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;
using Amazon.EC2.Model;
using Snapshot = AmiAudit.Core.Model.Snapshot;

namespace AmiAudit.Aws.Ec2;

/// <summary>What the inventory knows about one launch template version's user data, inspected once per version.</summary>
public sealed record LaunchTemplateData(string Id, string? Name, string Version, UserDataInspector.Result? UserData, string? Problem);

/// <summary>
/// One EC2 instance (+ its AMI, instance type and launch template) as a snapshot (target.kind "ec2"). Pure: API
/// records in, snapshot out. Tag values and everything from user data pass redaction here, before the snapshot
/// exists (docs/security.md), so nothing secret can reach S3 or a report.
/// </summary>
public static class SnapshotBuilder
{
    public const string DiagnosticSource = "ec2";

    public static Snapshot Build(Instance instance, Image? image, string? typeEnaSupport, LaunchTemplateData? template, string region, DateTimeOffset now, string? version)
    {
        var diagnostics = new List<Diagnostic>();
        var az = instance.Placement?.AvailabilityZone;
        var imageFact = image is null ? null : Ami(image, now);
        if (image is null && instance.ImageId is { } missing)
            diagnostics.Add(new Diagnostic { Source = DiagnosticSource, Level = "warning", Code = "image-not-found", Message = $"DescribeImages does not return {missing} (deregistered, or not shared with this account)" });

        var bootstrap = new BootstrapFacts();
        UserDataFact? userData = null;
        if (template?.UserData is { } inspected)
        {
            bootstrap = new BootstrapFacts { Scripts = inspected.Scripts, Urls = inspected.Urls };
            userData = inspected.Fact;
            diagnostics.AddRange(inspected.Diagnostics);
        }
        if (template?.Problem is { } problem)
            diagnostics.Add(new Diagnostic { Source = DiagnosticSource, Level = "warning", Code = "launch-template-unavailable", Message = problem });

        return new Snapshot
        {
            Target = new TargetInfo
            {
                Kind = "ec2",
                Hostname = Blank(instance.PrivateDnsName),
                ImageId = instance.ImageId,
                InstanceId = instance.InstanceId,
                AvailabilityZone = az,
                Labels = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["region"] = region },
                CollectedAt = now,
                AmiauditVersion = version,
            },
            // The API sees neither units nor packages: say so, rather than "none installed".
            Systemd = new SystemdFacts { Available = false },
            Packages = new PackageFacts { Available = false },
            Bootstrap = bootstrap,
            Ec2 = new Ec2Facts
            {
                Region = region,
                Instance = new Ec2InstanceFact
                {
                    InstanceId = instance.InstanceId ?? "",
                    InstanceType = instance.InstanceType?.Value,
                    AvailabilityZone = az,
                    SubnetId = Blank(instance.SubnetId),
                    VpcId = Blank(instance.VpcId),
                    State = instance.State?.Name?.Value,
                    LaunchTime = instance.LaunchTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null,
                    Tags = Tags(instance.Tags?.Select(x => (x.Key, x.Value))),
                    IamInstanceProfile = Blank(instance.IamInstanceProfile?.Arn),
                    Architecture = instance.Architecture?.Value,
                    PrivateDnsName = Blank(instance.PrivateDnsName),
                    TypeEnaSupport = typeEnaSupport,
                },
                Image = imageFact,
                LaunchTemplate = template is null ? null : new LaunchTemplateFact { Id = template.Id, Name = template.Name is null ? null : Redactor.RedactText(template.Name), Version = template.Version },
                UserData = userData,
            },
            Diagnostics = diagnostics,
        };
    }

    public static AmiFact Ami(Image image, DateTimeOffset now)
    {
        var created = Date(image.CreationDate);
        var deprecation = Date(image.DeprecationTime);
        return new AmiFact
        {
            ImageId = image.ImageId ?? "",
            Name = image.Name is null ? null : Redactor.RedactText(image.Name),
            OwnerId = Blank(image.OwnerId),
            OwnerAlias = Blank(image.ImageOwnerAlias),
            CreationDate = created,
            AgeDays = created is { } c ? (int)Math.Floor(Math.Max(0, (now - c).TotalDays)) : null,
            Tags = Tags(image.Tags?.Select(x => (x.Key, x.Value))),
            RootDeviceType = image.RootDeviceType?.Value,
            RootDeviceName = Blank(image.RootDeviceName),
            BootMode = Blank(image.BootMode?.Value),
            EnaSupport = image.EnaSupport,
            Architecture = image.Architecture?.Value,
            State = image.State?.Value,
            DeprecationTime = deprecation,
            Deprecated = deprecation is { } d && d <= now,
            Public = image.Public,
        };
    }

    /// <summary>Tag values are free text people paste tokens into: redacted like script text.</summary>
    private static SortedDictionary<string, string> Tags(IEnumerable<(string Key, string Value)>? tags)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in tags ?? [])
        {
            if (k is null) continue;
            // As an assignment, so a tag named like a secret (db-password) is masked by its name as well as its shape.
            var redacted = Redactor.RedactText($"{k}={v}");
            map[k] = redacted.StartsWith(k + "=", StringComparison.Ordinal) ? redacted[(k.Length + 1)..] : Redactor.Mask;
        }
        return map;
    }

    private static DateTimeOffset? Date(string? iso) =>
        DateTimeOffset.TryParse(iso, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

    private static string? Blank(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
