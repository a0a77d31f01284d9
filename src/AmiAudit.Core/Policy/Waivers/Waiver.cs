namespace AmiAudit.Core.Policies;

/// <summary>A signed-off exception: a failing finding of <see cref="Rule"/> becomes Waived until <see cref="Expires"/>.</summary>
public sealed record Waiver
{
    /// <summary>Rule id (glob: <c>*</c>, <c>?</c>).</summary>
    public string Rule { get; init; } = "";
    /// <summary>Glob on the target name; null = every target.</summary>
    public string? Target { get; init; }
    /// <summary>Glob on the finding subject; null = every subject.</summary>
    public string? Subject { get; init; }
    public string Reason { get; init; } = "";
    public string Owner { get; init; } = "";
    /// <summary>Last day (inclusive, UTC) the waiver applies.</summary>
    public DateOnly Expires { get; init; }
    public string File { get; init; } = "";
    public int Line { get; init; }

    public bool IsExpired(DateOnly today) => today > Expires;

    public bool AppliesToTarget(string target) => Target is null || Glob.IsMatch(Target, target);

    public bool Covers(string ruleId, string target, string subject) =>
        Glob.IsMatch(Rule, ruleId) && AppliesToTarget(target) && (Subject is null || Glob.IsMatch(Subject, subject));
}
