namespace AmiAudit.Fuzz.Engine;

/// <summary>
/// One parser under fuzz: how to feed it bytes, where its seeds come from, and which exceptions are
/// its documented answer to invalid input (the ones its callers catch and turn into a diagnostic or
/// exit 3). Any other exception, a hang or unbounded allocation is a finding.
/// </summary>
public sealed class FuzzTarget
{
    public required string Name { get; init; }

    /// <summary>What it parses, for the docs and failure messages.</summary>
    public required string Parses { get; init; }

    /// <summary>Feeds one input. Must not throw anything but <see cref="Allowed"/>.</summary>
    public required Action<byte[]> Run { get; init; }

    /// <summary>Seed inputs: real files from the repository (fixtures, examples, policies) and Seeds/NAME.</summary>
    public required Func<IReadOnlyList<byte[]>> Seeds { get; init; }

    /// <summary>Exception types that are the documented invalid-input answer (caught by the caller).</summary>
    public IReadOnlyList<Type> Allowed { get; init; } = [];

    /// <summary>Format tokens the mutator inserts (section headers, JSON punctuation, YAML anchors…).</summary>
    public IReadOnlyList<string> Tokens { get; init; } = [];

    /// <summary>Allocation allowed for one input (bytes); the default is generous for a ≤ 1 MiB input.</summary>
    public long MaxAllocatedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Inputs per suite run (the issue asks for ≥ 10,000 per parser).</summary>
    public int Iterations { get; init; } = 10_000;

    public bool IsAllowed(Exception e) => Allowed.Any(t => t.IsInstanceOfType(e));

    public override string ToString() => Name;
}
