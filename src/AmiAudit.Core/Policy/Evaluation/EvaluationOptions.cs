using AmiAudit.Core.Evaluation;

namespace AmiAudit.Core.Policies;

public sealed record EvaluationOptions
{
    /// <summary>Injected clock: decides waiver expiry (UTC date).</summary>
    public DateTimeOffset Now { get; init; }
    public Severity? FailOn { get; init; }
    /// <summary>Whether a rule that cannot judge its target fails the gate (default) or is only reported.</summary>
    public OnError OnError { get; init; } = OnError.Fail;
    /// <summary>Display name of the target in findings and fingerprints; empty = hostname, image id, root, "target".</summary>
    public string TargetName { get; init; } = "";
}
