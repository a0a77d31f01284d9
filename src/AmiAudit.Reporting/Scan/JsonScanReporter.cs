using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;

namespace AmiAudit.Reporting.Scan;

/// <summary>
/// Machine-readable scan report, schema <c>amiaudit.scan/v1</c>. The shape is spelled out by the
/// private records below (not by <see cref="Finding"/>), so a model change cannot silently change
/// the contract. Keys sorted, nulls omitted, enums as kebab-case names (see <see cref="SnapshotJson"/>).
/// </summary>
internal sealed partial class JsonScanReporter : IScanReporter
{
    public const string Schema = "amiaudit.scan/v1";

    // The snapshot conventions, with source-generated metadata for the report records: reflection-
    // built metadata cost ~40 ms of start-up per `amiaudit scan --format json`.
    private static readonly System.Text.Json.JsonSerializerOptions Options = SnapshotJson.WithContext(ReportJsonContext.Default);

    [System.Text.Json.Serialization.JsonSerializable(typeof(JsonScanDocument))]
    private sealed partial class ReportJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

    public string Format => "json";
    public string FileExtension => ".json";

    public string Render(ScanResult result, ReportContext ctx)
    {
        result = ScanView.Redacted(result);
        var summary = ScanSummary.From(result);
        var doc = new JsonScanDocument
        {
            Tool = new JsonTool { Name = "amiaudit", Version = ctx.ToolVersion },
            GeneratedAt = ctx.GeneratedAt.ToUniversalTime(),
            Target = new JsonTarget
            {
                Name = result.TargetName,
                Kind = result.Target.Kind,
                Hostname = result.Target.Hostname,
                ImageId = result.Target.ImageId,
                InstanceId = result.Target.InstanceId,
                AvailabilityZone = result.Target.AvailabilityZone,
                Root = result.Target.Root,
                Labels = new SortedDictionary<string, string>(result.Target.Labels, StringComparer.Ordinal),
                CollectedAt = result.Target.CollectedAt?.ToUniversalTime(),
            },
            Gate = new JsonGate { FailOn = result.FailOn, OnError = result.OnError, Failed = result.GateFailed },
            Summary = new JsonSummary
            {
                Total = summary.Total,
                Failed = summary.Failed,
                Passed = summary.Passed,
                Waived = summary.Waived,
                Skipped = summary.Skipped,
                Errors = summary.Errors,
                FailedBySeverity = new SortedDictionary<string, int>(
                    summary.FailedBySeverity.ToDictionary(kv => kv.Key.ToName(), kv => kv.Value), StringComparer.Ordinal),
            },
            Policies = [.. result.Policies
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => new JsonPolicy { Name = p.Name, Description = p.Description, File = p.File, Rules = p.Rules })],
            Findings = [.. ScanView.Ordered(result.Findings).Select(ToJson)],
            Diagnostics = [.. result.Diagnostics
                .OrderBy(d => d.Source, StringComparer.Ordinal)
                .ThenBy(d => d.Code, StringComparer.Ordinal)
                .ThenBy(d => d.Path, StringComparer.Ordinal)
                .ThenBy(d => d.Message, StringComparer.Ordinal)],
        };
        return SnapshotJson.SerializeSorted(doc, Options);
    }

    private static JsonFinding ToJson(Finding f) => new()
    {
        RuleId = f.RuleId,
        Title = f.Title,
        Severity = f.Severity,
        Status = f.Status,
        Policy = f.Policy,
        PolicyFile = f.PolicyFile,
        Target = f.Target,
        Subject = f.Subject,
        Fingerprint = f.Fingerprint,
        Message = f.Message,
        Expected = f.Expected,
        Evidence = new SortedDictionary<string, string>(f.Evidence, StringComparer.Ordinal),
        Location = f.Location,
        Line = f.Line,
        Rationale = f.Rationale,
        Remediation = f.Remediation,
        Waiver = f.Status == FindingStatus.Waived || f.WaiverReason is not null || f.WaiverOwner is not null
            ? new JsonWaiver { Reason = f.WaiverReason, Owner = f.WaiverOwner }
            : null,
    };

    private sealed record JsonScanDocument
    {
        public string Schema { get; init; } = JsonScanReporter.Schema;
        public JsonTool Tool { get; init; } = new();
        public DateTimeOffset GeneratedAt { get; init; }
        public JsonTarget Target { get; init; } = new();
        public JsonGate Gate { get; init; } = new();
        public JsonSummary Summary { get; init; } = new();
        public List<JsonPolicy> Policies { get; init; } = [];
        public List<JsonFinding> Findings { get; init; } = [];
        public List<Diagnostic> Diagnostics { get; init; } = [];
    }

    private sealed record JsonTool
    {
        public string Name { get; init; } = "";
        public string Version { get; init; } = "";
    }

    private sealed record JsonTarget
    {
        public string Name { get; init; } = "";
        public string Kind { get; init; } = "";
        public string? Hostname { get; init; }
        public string? ImageId { get; init; }
        public string? InstanceId { get; init; }
        public string? AvailabilityZone { get; init; }
        public string? Root { get; init; }
        public SortedDictionary<string, string> Labels { get; init; } = new(StringComparer.Ordinal);
        public DateTimeOffset? CollectedAt { get; init; }
    }

    private sealed record JsonGate
    {
        /// <summary>Omitted when no gate was set.</summary>
        public Severity? FailOn { get; init; }
        /// <summary>fail: error findings fail the gate; warn: they are only reported.</summary>
        public OnError OnError { get; init; }
        public bool Failed { get; init; }
    }

    private sealed record JsonSummary
    {
        public int Total { get; init; }
        public int Failed { get; init; }
        public int Passed { get; init; }
        public int Waived { get; init; }
        public int Skipped { get; init; }
        public int Errors { get; init; }
        public SortedDictionary<string, int> FailedBySeverity { get; init; } = new(StringComparer.Ordinal);
    }

    private sealed record JsonPolicy
    {
        public string Name { get; init; } = "";
        public string? Description { get; init; }
        public string? File { get; init; }
        public int Rules { get; init; }
    }

    private sealed record JsonFinding
    {
        public string RuleId { get; init; } = "";
        public string Title { get; init; } = "";
        public Severity Severity { get; init; }
        public FindingStatus Status { get; init; }
        public string Policy { get; init; } = "";
        public string? PolicyFile { get; init; }
        public string Target { get; init; } = "";
        public string Subject { get; init; } = "";
        public string Fingerprint { get; init; } = "";
        public string Message { get; init; } = "";
        public string Expected { get; init; } = "";
        public SortedDictionary<string, string> Evidence { get; init; } = new(StringComparer.Ordinal);
        public string? Location { get; init; }
        public int? Line { get; init; }
        public string? Rationale { get; init; }
        public string? Remediation { get; init; }
        public JsonWaiver? Waiver { get; init; }
    }

    private sealed record JsonWaiver
    {
        public string? Reason { get; init; }
        public string? Owner { get; init; }
    }
}
