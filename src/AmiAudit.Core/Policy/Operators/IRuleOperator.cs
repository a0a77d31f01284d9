using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

/// <summary>
/// One comparison usable in <c>where</c>, <c>expect</c> and <c>when</c> (e.g. <c>notIn</c>). Adding an
/// operator = adding one class implementing this: the source generator lists it for the registry, the schema
/// generator asks it for its argument schema, the docs table lists its <see cref="Summary"/>.
/// A fresh instance is made for every use in a policy; <see cref="Validate(JsonNode?, OperatorSettings)"/> binds the argument.
/// </summary>
public interface IRuleOperator
{
    /// <summary>The YAML key, e.g. <c>notIn</c>.</summary>
    string Name { get; }

    /// <summary>One line for the docs and the schema description.</summary>
    string Summary { get; }

    /// <summary>JSON schema of the argument as written (before <c>${vars.X}</c> expansion).</summary>
    JsonObject ArgumentSchema();

    /// <summary>Checks and binds the argument (vars already expanded). Runs once, at load.</summary>
    IReadOnlyList<OperatorProblem> Validate(JsonNode? argument, OperatorSettings settings);

    /// <summary><see cref="Validate(JsonNode?, OperatorSettings)"/> with the defaults.</summary>
    IReadOnlyList<OperatorProblem> Validate(JsonNode? argument) => Validate(argument, OperatorSettings.Default);

    /// <summary>Whether the actual value (null = absent) satisfies the operator — or
    /// <see cref="Judgement.Unknown"/> with a reason when the operator cannot tell (a value of a kind it
    /// cannot compare, a backtracking regex that timed out). Never guess: unknown becomes an error finding.</summary>
    Judgement Evaluate(JsonNode? actual);

    /// <summary>What the operator wants, for humans: "not in [enabled, enabled-runtime]".</summary>
    string Describe();
}

/// <summary>A load-time problem with an operator argument; <see cref="Code"/> is a <see cref="PolicyErrorCodes"/> value.</summary>
/// <param name="Item">Index of the offending item when the argument is a list (the error then points at it).</param>
public sealed record OperatorProblem(string Code, string Message, int? Item = null);

/// <summary>Rule-level choices an operator compiles with (set by the loader from the rule).</summary>
public sealed record OperatorSettings
{
    public static readonly OperatorSettings Default = new();

    /// <summary>Engine for regex operators (<c>regexEngine:</c> on the rule).</summary>
    public RegexEngine RegexEngine { get; init; } = RegexEngine.NonBacktracking;
}
