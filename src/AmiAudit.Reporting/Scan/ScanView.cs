using System.Globalization;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Reporting.Scan;

/// <summary>
/// Ordering and counting every scan reporter shares, so console, JUnit, SARIF, JSON and Markdown
/// never disagree about what "3 failed" means or which finding comes first.
/// </summary>
public static class ScanView
{
    /// <summary>Severity (critical first), then rule id, target, subject, fingerprint — all ordinal.
    /// Re-sorted here rather than trusting the caller, so output is deterministic by construction.</summary>
    public static IReadOnlyList<Finding> Ordered(IEnumerable<Finding> findings) =>
    [
        .. findings
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.Target, StringComparer.Ordinal)
            .ThenBy(f => f.Subject, StringComparer.Ordinal)
            .ThenBy(f => f.Fingerprint, StringComparer.Ordinal),
    ];

    /// <summary>
    /// Last line of defence for the redaction rule: collectors already redact, but a report is
    /// where a secret would leak to CI logs and PR comments, so every free-text field is passed
    /// through <see cref="Redactor.RedactText"/> again (idempotent; non-secret text is unchanged).
    /// Every reporter calls this first.
    /// </summary>
    public static ScanResult Redacted(ScanResult result) => result with
    {
        TargetName = R(result.TargetName),
        Target = result.Target with { Root = RN(result.Target.Root) },
        Findings = [.. result.Findings.Select(f => f with
        {
            Subject = R(f.Subject),
            Message = R(f.Message),
            Expected = R(f.Expected),
            Evidence = new SortedDictionary<string, string>(
                f.Evidence.ToDictionary(kv => kv.Key, kv => R(kv.Value), StringComparer.Ordinal), StringComparer.Ordinal),
            Location = RN(f.Location),
            Remediation = RN(f.Remediation),
            Rationale = RN(f.Rationale),
            WaiverReason = RN(f.WaiverReason),
        })],
        Diagnostics = [.. result.Diagnostics.Select(d => d with { Message = R(d.Message), Path = RN(d.Path) })],
    };

    private static string R(string text) => Redactor.RedactText(text);
    private static string? RN(string? text) => text is null ? null : Redactor.RedactText(text);

    /// <summary>Severities from critical down to info.</summary>
    public static IReadOnlyList<Severity> SeveritiesDescending { get; } =
        [Severity.Critical, Severity.High, Severity.Medium, Severity.Low, Severity.Info];

    /// <summary>"/lib/systemd/system/ecs.service:12", or null without a location.</summary>
    public static string? LocationText(Finding f) =>
        string.IsNullOrEmpty(f.Location) ? null
        : f.Line is { } line ? $"{f.Location}:{line.ToString(CultureInfo.InvariantCulture)}"
        : f.Location;

    /// <summary>"RULE-ID: title [subject]" — the JUnit test case name, also used by the console.</summary>
    public static string CaseName(Finding f) =>
        string.IsNullOrEmpty(f.Subject) ? $"{f.RuleId}: {f.Title}" : $"{f.RuleId}: {f.Title} [{f.Subject}]";

    /// <summary>"reason (owner: team-x)" for a waived finding.</summary>
    public static string WaiverText(Finding f)
    {
        var reason = string.IsNullOrWhiteSpace(f.WaiverReason) ? "waived" : f.WaiverReason!;
        return string.IsNullOrWhiteSpace(f.WaiverOwner) ? reason : $"{reason} (owner: {f.WaiverOwner})";
    }

    /// <summary>"gate: FAILED at --fail-on high"; with errors the --on-error mode that decided what they do
    /// ("gate: FAILED at --fail-on high, --on-error fail", or "gate: FAILED at --on-error fail" without
    /// --fail-on); null when there is neither a severity gate nor an error.</summary>
    public static string? GateLine(ScanResult result)
    {
        var verdict = result.GateFailed ? "FAILED" : "passed";
        var onError = result.Count(FindingStatus.Error) > 0 ? $"--on-error {result.OnError.ToName()}" : null;
        return (result.FailOn, onError) switch
        {
            ({ } t, null) => $"gate: {verdict} at --fail-on {t.ToName()}",
            ({ } t, { } e) => $"gate: {verdict} at --fail-on {t.ToName()}, {e}",
            (null, { } e) => $"gate: {verdict} at {e}",
            _ => null,
        };
    }
}

/// <summary>Counts by status, and failures by severity.</summary>
public sealed record ScanSummary
{
    public int Total { get; init; }
    public int Failed { get; init; }
    public int Passed { get; init; }
    public int Waived { get; init; }
    public int Skipped { get; init; }
    public int Errors { get; init; }
    /// <summary>Failed findings per severity; every severity present (zero when none).</summary>
    public IReadOnlyDictionary<Severity, int> FailedBySeverity { get; init; } = new Dictionary<Severity, int>();

    public static ScanSummary From(ScanResult result) => new()
    {
        Total = result.Findings.Count,
        Failed = result.Count(FindingStatus.Fail),
        Passed = result.Count(FindingStatus.Pass),
        Waived = result.Count(FindingStatus.Waived),
        Skipped = result.Count(FindingStatus.Skipped),
        Errors = result.Count(FindingStatus.Error),
        FailedBySeverity = ScanView.SeveritiesDescending.ToDictionary(
            s => s, s => result.Findings.Count(f => f.Status == FindingStatus.Fail && f.Severity == s)),
    };

    /// <summary>"1 critical, 2 high" — non-zero severities only, most severe first.</summary>
    public string FailedBreakdown => string.Join(", ",
        ScanView.SeveritiesDescending.Where(s => FailedBySeverity.GetValueOrDefault(s) > 0)
            .Select(s => $"{FailedBySeverity[s].ToString(CultureInfo.InvariantCulture)} {s.ToName()}"));

    /// <summary>"3 failed (1 critical, 2 high), 10 passed, 1 waived, 2 skipped" — errors are
    /// reported separately (<see cref="ErrorNote"/>) because they are not a verdict on the target.</summary>
    public string Sentence
    {
        get
        {
            var failed = Failed > 0 ? $"{N(Failed)} failed ({FailedBreakdown})" : "0 failed";
            return $"{failed}, {N(Passed)} passed, {N(Waived)} waived, {N(Skipped)} skipped";
        }
    }

    /// <summary>"1 rule could not be evaluated", or null when every rule was.</summary>
    public string? ErrorNote => Errors switch
    {
        0 => null,
        1 => "1 rule could not be evaluated",
        _ => $"{N(Errors)} rules could not be evaluated",
    };

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
