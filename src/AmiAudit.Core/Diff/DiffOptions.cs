namespace AmiAudit.Core.Diff;

/// <summary>What the diff compares. Volatile facts (hostnames, instance ids, timestamps, IPs, PIDs) are never
/// flattened into keys in the first place; <see cref="Ignore"/> removes further keys by glob.</summary>
public sealed record DiffOptions
{
    /// <summary>Side names shown in reports (environment names, directories, files).</summary>
    public string NameA { get; init; } = "a";
    public string NameB { get; init; } = "b";

    /// <summary>Key globs to drop: <c>*</c> matches inside one path segment, <c>**</c> across segments,
    /// <c>?</c> one character. Example: <c>package/**</c>, <c>unit/*/restarts</c>.</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>Problems found while loading the sides (corrupt snapshots); copied into the result as data.</summary>
    public IReadOnlyList<LoadProblem> LoadProblems { get; init; } = [];

    /// <summary>A partial divergence needs at least this total-variation distance between the sides …</summary>
    public double PartialMinDistance { get; init; } = 0.1;

    /// <summary>… and a chi-square p-value below this (or a value one side never shows on ≥ 25 % of the other).</summary>
    public double PartialMaxPValue { get; init; } = 0.01;
}
