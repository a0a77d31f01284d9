using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

/// <summary>Shared plumbing: keeps the bound argument and offers the common argument checks.</summary>
public abstract class RuleOperatorBase : IRuleOperator
{
    protected JsonNode? Argument { get; private set; }

    /// <summary>The argument after var expansion (for tools that read rules, e.g. named binary paths).</summary>
    public JsonNode? BoundArgument => Argument;

    public abstract string Name { get; }
    public abstract string Summary { get; }
    public abstract JsonObject ArgumentSchema();
    public abstract Judgement Evaluate(JsonNode? actual);
    public abstract string Describe();

    /// <summary>The settings the argument was bound with.</summary>
    protected OperatorSettings Settings { get; private set; } = OperatorSettings.Default;

    public IReadOnlyList<OperatorProblem> Validate(JsonNode? argument) => Validate(argument, OperatorSettings.Default);

    public IReadOnlyList<OperatorProblem> Validate(JsonNode? argument, OperatorSettings settings)
    {
        Settings = settings;
        Argument = argument?.DeepClone();
        var problems = new List<OperatorProblem>();
        Check(Argument, problems);
        return problems;
    }

    /// <summary>Override to check and compile the argument.</summary>
    protected virtual void Check(JsonNode? argument, List<OperatorProblem> problems) { }

    protected void Problem(List<OperatorProblem> problems, string message, string code = PolicyErrorCodes.BadArgument, int? item = null) =>
        problems.Add(new OperatorProblem(code, $"{Name}: {message}", item));

    protected void RequireScalar(JsonNode? argument, List<OperatorProblem> problems)
    {
        if (argument is JsonArray or JsonObject) Problem(problems, "expects a single value (string, number, boolean or null)");
    }

    protected void RequireList(JsonNode? argument, List<OperatorProblem> problems)
    {
        if (argument is not JsonArray a) Problem(problems, "expects a list of values");
        else if (a.Any(x => x is JsonArray or JsonObject)) Problem(problems, "list items must be single values");
    }

    protected void RequireNumber(JsonNode? argument, List<OperatorProblem> problems)
    {
        if (JsonValues.AsNumber(argument) is null) Problem(problems, "expects a number");
    }

    protected void RequireBoolean(JsonNode? argument, List<OperatorProblem> problems)
    {
        if (JsonValues.AsBoolean(argument) is null) Problem(problems, "expects true or false");
    }

    protected IEnumerable<JsonNode?> ArgumentList => Argument as JsonArray ?? (IEnumerable<JsonNode?>)[Argument];
}
