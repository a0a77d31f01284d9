using AmiAudit.Core.Redaction;

namespace AmiAudit.Aws.Ssm;

/// <summary>Where one instance's run stands. Terminal: everything but <see cref="Pending"/>.</summary>
public enum RunOutcome
{
    Pending,
    Success,
    Failed,
    TimedOut,
    Undeliverable,
    /// <summary>The instance matched the target but is not an SSM managed node (no agent, no instance profile, no route to SSM).</summary>
    NoAgent,
    Cancelled,
}

/// <summary>One instance's result: outcome, SSM's own status words, and the first line of stderr for a failure (redacted).</summary>
public sealed record InstanceRun(string InstanceId, string? AvailabilityZone, RunOutcome Outcome, string Status, string? Detail = null)
{
    public bool IsTerminal => Outcome != RunOutcome.Pending;
}

/// <summary>
/// SSM's invocation Status / StatusDetails (docs: "Understanding command statuses") to an outcome. Status alone is
/// not enough: Undeliverable arrives as Status Failed / TimedOut with StatusDetails Undeliverable, and a terminated
/// instance as Failed / Terminated.
/// </summary>
public static class InvocationStatus
{
    public static RunOutcome Map(string? status, string? details) => (status, details) switch
    {
        (_, "Undeliverable") => RunOutcome.Undeliverable,
        (_, "DeliveryTimedOut" or "ExecutionTimedOut") => RunOutcome.TimedOut,
        ("Success", _) => RunOutcome.Success,
        ("TimedOut", _) => RunOutcome.TimedOut,
        ("Cancelled", _) => RunOutcome.Cancelled,
        ("Failed", _) => RunOutcome.Failed,
        _ => RunOutcome.Pending, // Pending, InProgress, Delayed, Cancelling
    };

    /// <summary>The first non-blank line of stderr, redacted (a failing curl prints its URL, signature and all) and
    /// cut to 200 characters after redaction, so a cut cannot leave half a secret.</summary>
    public static string? FirstLine(string? stderr)
    {
        if (string.IsNullOrWhiteSpace(stderr)) return null;
        var line = stderr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        if (line is null) return null;
        var redacted = Redactor.RedactText(line);
        return redacted.Length > 200 ? redacted[..200] + "…" : redacted;
    }
}
