using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

/// <summary>
/// One comparison usable in <c>where</c>, <c>expect</c> and <c>when</c> (e.g. <c>notIn</c>). Adding an
/// operator = adding one class implementing this: the source generator lists it for the registry, the schema
/// generator asks it for its argument schema, the docs table lists its <see cref="Summary"/>.
/// A fresh instance is made for every use in a policy; <see cref="Validate"/> binds the argument.
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
    IReadOnlyList<OperatorProblem> Validate(JsonNode? argument);

    /// <summary>True when the actual value (null = absent) satisfies the operator.</summary>
    bool Evaluate(JsonNode? actual);

    /// <summary>What the operator wants, for humans: "not in [enabled, enabled-runtime]".</summary>
    string Describe();
}

/// <summary>A load-time problem with an operator argument; <see cref="Code"/> is a <see cref="PolicyErrorCodes"/> value.</summary>
public sealed record OperatorProblem(string Code, string Message);
