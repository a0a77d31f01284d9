using System.Text.Json.Serialization;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Diff;

/// <summary>
/// What <c>amiaudit diff</c> found; plain data, serialised with the snapshot conventions (sorted keys,
/// kebab-case enums). The shape is versioned by <see cref="Schema"/>: renaming or removing a field is a new major.
/// </summary>
public sealed record DiffResult
{
    public const string CurrentSchema = "amiaudit.diff/v1";

    public string Schema { get; init; } = CurrentSchema;
    public DiffSide A { get; init; } = new();
    public DiffSide B { get; init; } = new();
    /// <summary>Distinct keys seen on either side (after ignores).</summary>
    public int KeysCompared { get; init; }
    public List<string> Ignore { get; init; } = [];
    /// <summary>Ranked: score descending, then key.</summary>
    public List<Divergence> Divergences { get; init; } = [];
    public List<CausalChain> Chains { get; init; } = [];
    /// <summary>Keys of divergent outcomes (unit/container state, probe bands, cloud-init) no chain explains.</summary>
    public List<string> Unexplained { get; init; } = [];
    public List<LoadProblem> LoadProblems { get; init; } = [];

    [JsonIgnore]
    public bool Identical => Divergences.Count == 0;

    /// <summary>Divergences that count for a gate: consistent or partial, at/above the threshold (noise never gates).</summary>
    public IEnumerable<Divergence> AtOrAbove(Severity threshold) =>
        Divergences.Where(d => d.Class is not DivergenceClass.Noise && d.Severity >= threshold);
}

public sealed record DiffSide
{
    public string Name { get; init; } = "";
    public int Nodes { get; init; }
}

[JsonConverter(typeof(KebabCaseEnumConverter<DivergenceClass>))]
public enum DivergenceClass
{
    /// <summary>Uniform inside each side, different across.</summary>
    Consistent,
    /// <summary>At least one side is mixed, but the distributions differ beyond chance.</summary>
    Partial,
    /// <summary>Variance inside the sides that the other side shows too (within chance).</summary>
    Noise,
}

public sealed record Divergence
{
    public string Key { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Attribute { get; init; } = "";
    public DivergenceClass Class { get; init; }
    public Severity Severity { get; init; }
    /// <summary>consistency × severity weight × health impact, rounded to 3 decimals.</summary>
    public double Score { get; init; }
    /// <summary>Total-variation distance between the two value distributions (0 = same, 1 = disjoint).</summary>
    public double Distance { get; init; }
    /// <summary>Chi-square homogeneity p-value; null for a consistent divergence (no test needed).</summary>
    public double? PValue { get; init; }
    /// <summary>True when the less healthy value (failed, crash-looping, high probe band) is on some side.</summary>
    public bool HealthImpact { get; init; }
    /// <summary>Values on side A, most common first.</summary>
    public List<ValueCount> A { get; init; } = [];
    public List<ValueCount> B { get; init; } = [];
}

public sealed record ValueCount
{
    public string Value { get; init; } = "";
    public int Count { get; init; }
}

/// <summary>
/// One explanation. <see cref="Direction"/> "upstream": the first link is the effect seen on <see cref="Side"/> and
/// each next link is its cause (printed with ←). "downstream": the first link is a cause and each next link an
/// effect (printed with →).
/// </summary>
public sealed record CausalChain
{
    public string Side { get; init; } = "";
    public string Direction { get; init; } = "upstream";
    /// <summary>The chain as one line, e.g. "ecs.service never started ← bootstrap.service failed (exit 1) ← …".</summary>
    public string Summary { get; init; } = "";
    public List<CausalLink> Links { get; init; } = [];
}

public sealed record CausalLink
{
    /// <summary>Primary divergent key of this link.</summary>
    public string Fact { get; init; } = "";
    /// <summary>What the link says on the chain's side, e.g. "bootstrap.service failed (exit 1, \"metric push failed\")".</summary>
    public string Statement { get; init; } = "";
    public string A { get; init; } = "";
    public string B { get; init; } = "";
    /// <summary>Readings and file facts that back the statement.</summary>
    public string Evidence { get; init; } = "";
    /// <summary>How this link connects to the previous one (null on the first link).</summary>
    public string? Relation { get; init; }
    /// <summary>True when <see cref="Relation"/> is a documented mechanism rather than a dependency the facts declare.</summary>
    public bool Heuristic { get; init; }
    /// <summary>Other divergent keys folded into this link (e.g. the script's sha256 next to its URL).</summary>
    public List<string> AlsoDiffers { get; init; } = [];
}

public sealed record LoadProblem
{
    public string Side { get; init; } = "";
    public string Path { get; init; } = "";
    public string Message { get; init; } = "";
}
