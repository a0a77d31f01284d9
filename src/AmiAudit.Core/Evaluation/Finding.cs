using System.Text.Json.Serialization;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Evaluation;

/// <summary>pass | fail | waived | skipped (not judgeable, e.g. a live-only fact offline) | error</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<FindingStatus>))]
public enum FindingStatus
{
    Pass,
    Fail,
    Waived,
    Skipped,
    Error,
}

/// <summary>One rule judged against one subject (a unit, a container, a URL…) of one target.</summary>
public sealed record Finding
{
    public string RuleId { get; init; } = "";
    public string Title { get; init; } = "";
    public Severity Severity { get; init; }
    public FindingStatus Status { get; init; }
    public string Policy { get; init; } = "";
    /// <summary>Policy file the rule came from (for SARIF rule metadata and error messages).</summary>
    public string? PolicyFile { get; init; }
    /// <summary>Stable display name of the target (hostname, image id, or root).</summary>
    public string Target { get; init; } = "";
    /// <summary>The item judged, e.g. "ecs.service"; empty for collection-level rules.</summary>
    public string Subject { get; init; } = "";
    /// <summary>sha256(ruleId + target + subject), first 16 hex chars — stable across runs.</summary>
    public string Fingerprint { get; init; } = "";
    /// <summary>One sentence: what was found, in terms of the facts.</summary>
    public string Message { get; init; } = "";
    /// <summary>What the rule expects, rendered from the expect clause.</summary>
    public string Expected { get; init; } = "";
    /// <summary>The actual values of every field the rule looked at (field → JSON-ish text).</summary>
    public SortedDictionary<string, string> Evidence { get; init; } = new(StringComparer.Ordinal);
    /// <summary>File inside the image root that carries the problem (unit file, script), if any.</summary>
    public string? Location { get; init; }
    public int? Line { get; init; }
    public string? Rationale { get; init; }
    public string? Remediation { get; init; }
    public string? WaiverReason { get; init; }
    public string? WaiverOwner { get; init; }
}
