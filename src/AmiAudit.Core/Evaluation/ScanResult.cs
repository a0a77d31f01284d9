using AmiAudit.Core.Model;

namespace AmiAudit.Core.Evaluation;

/// <summary>Everything a reporter needs to render a scan; pure data.</summary>
public sealed record ScanResult
{
    public TargetInfo Target { get; init; } = new();
    public string TargetName { get; init; } = "";
    public List<PolicySummary> Policies { get; init; } = [];
    /// <summary>Sorted by severity (desc), rule id, subject.</summary>
    public List<Finding> Findings { get; init; } = [];
    public List<Diagnostic> Diagnostics { get; init; } = [];
    /// <summary>The post-mortem timeline of the snapshot judged (evidence.timeline); empty when its root left no logs.
    /// Console and Markdown show it; it is not part of a finding.</summary>
    public List<TimelineEntry> Timeline { get; init; } = [];
    /// <summary>The gate threshold used; findings at/above it with status Fail fail the gate.</summary>
    public Severity? FailOn { get; init; }
    /// <summary>Whether Error findings fail the gate (<c>--on-error</c>).</summary>
    public OnError OnError { get; init; } = OnError.Fail;

    public int Count(FindingStatus status) => Findings.Count(f => f.Status == status);

    /// <summary>A failure at/above <see cref="FailOn"/>, or (unless <see cref="OnError"/> is Warn) any error.</summary>
    public bool GateFailed => FailedOnSeverity || FailedOnErrors;

    /// <summary>Some Fail finding is at/above <see cref="FailOn"/>.</summary>
    public bool FailedOnSeverity => FailOn is { } t && Findings.Any(f => f.Status is FindingStatus.Fail && f.Severity >= t);

    /// <summary>Some rule could not judge its target and <see cref="OnError"/> is Fail.</summary>
    public bool FailedOnErrors => OnError == OnError.Fail && Findings.Any(f => f.Status is FindingStatus.Error);
}

public sealed record PolicySummary
{
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public string? File { get; init; }
    public int Rules { get; init; }
}
