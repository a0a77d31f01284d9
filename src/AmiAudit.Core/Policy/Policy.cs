using AmiAudit.Core.Evaluation;

namespace AmiAudit.Core.Policies;

/// <summary>One loaded, validated policy document (a <c>kind: Policy</c> YAML document).</summary>
public sealed record Policy
{
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    /// <summary>Path of the file it came from (as given in <see cref="PolicySource.Path"/>).</summary>
    public string File { get; init; } = "";
    /// <summary>Variables after overrides: each a list (a scalar var is a one-item list).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Vars { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public IReadOnlyList<PolicyRule> Rules { get; init; } = [];
}

public sealed record PolicyRule
{
    public string Id { get; init; } = "";
    public string Title { get; init; } = "";
    public Severity Severity { get; init; }
    public string? Rationale { get; init; }
    public string? Remediation { get; init; }
    /// <summary>Dotted path of the collection in the snapshot JSON, e.g. <c>systemd.units</c>.</summary>
    public string For { get; init; } = "";
    public Condition? Where { get; init; }
    public Condition? Expect { get; init; }
    /// <summary>Guard on the whole snapshot; when false the rule is Skipped (not judgeable).</summary>
    public Condition? When { get; init; }
    public string? SubjectField { get; init; }
    public string? LocationField { get; init; }
    public CountBound? Count { get; init; }
    /// <summary>Engine for the rule's regexes (<c>regexEngine:</c>); linear-time unless the rule opts out.</summary>
    public Operators.RegexEngine RegexEngine { get; init; } = Operators.RegexEngine.NonBacktracking;
    public IReadOnlyList<System.Text.Json.Nodes.JsonNode?> PassExamples { get; init; } = [];
    public IReadOnlyList<System.Text.Json.Nodes.JsonNode?> FailExamples { get; init; } = [];
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Fields of the item that the rule reads and that only a live collection fills.</summary>
    public IReadOnlyList<string> LiveOnlyExpectFields { get; init; } = [];
    public string Policy { get; init; } = "";
    public string File { get; init; } = "";
    public int Line { get; init; }
}

/// <summary>Bounds (inclusive) on a number of items.</summary>
public sealed record CountBound(long? Min, long? Max)
{
    public bool Holds(long n) => (Min is not { } min || n >= min) && (Max is not { } max || n <= max);

    public string Describe() => (Min, Max) switch
    {
        ({ } a, { } b) when a == b => $"exactly {a}",
        ({ } a, { } b) => $"between {a} and {b}",
        ({ } a, null) => $"at least {a}",
        (null, { } b) => $"at most {b}",
        _ => "any number",
    };
}
