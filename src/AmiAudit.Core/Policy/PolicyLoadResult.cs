namespace AmiAudit.Core.Policies;

public sealed record PolicyLoadResult
{
    /// <summary>Policies that loaded; when <see cref="Errors"/> is non-empty the CLI must not evaluate them.</summary>
    public IReadOnlyList<Policy> Policies { get; init; } = [];
    /// <summary>Every problem of every file, sorted by file, line, column.</summary>
    public IReadOnlyList<PolicyError> Errors { get; init; } = [];
    /// <summary>Absolute paths named by <c>for: binaries</c> rules (equals / in on <c>path</c>), sorted, so
    /// the collector hashes them even when it would not on its own.</summary>
    public IReadOnlyList<string> NamedPaths { get; init; } = [];

    public bool Ok => Errors.Count == 0;
}
