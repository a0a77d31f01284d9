namespace AmiAudit.Core.Policies;

/// <summary>A policy or waiver file as the CLI read it: the path is only used in error messages.</summary>
public sealed record PolicySource(string Path, string Text)
{
    /// <summary>
    /// The caller vouches that this exact text already passed schema validation (a built-in policy
    /// whose digest the test suite recorded), so the NJsonSchema pass — ~45 ms of one-time start-up —
    /// is skipped. Every semantic check (operators, regexes, fields, ids) still runs.
    /// </summary>
    public bool SchemaPreverified { get; init; }
}

/// <summary>One load problem, located in the YAML the user wrote (1-based line and column).</summary>
public sealed record PolicyError(string File, int Line, int Column, string Code, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Code}: {Message}";
}

/// <summary>Stable machine codes of <see cref="PolicyError"/>.</summary>
public static class PolicyErrorCodes
{
    public const string YamlSyntax = "yaml-syntax";
    /// <summary>Nested deeper than <see cref="Loading.YamlDocumentReader.MaxDepth"/>, expands through aliases past
    /// <see cref="Loading.YamlDocumentReader.MaxAliasValues"/> values, or holds more than <see cref="Loading.YamlDocumentReader.MaxValues"/>.</summary>
    public const string YamlTooLarge = "yaml-too-large";
    public const string Schema = "schema";
    public const string MissingKey = "missing-key";
    public const string UnknownOperator = "unknown-operator";
    public const string BadArgument = "bad-argument";
    public const string BadRegex = "bad-regex";
    public const string DuplicateId = "duplicate-id";
    public const string UnknownSeverity = "unknown-severity";
    public const string UnknownCollection = "unknown-collection";
    public const string UnknownField = "unknown-field";
    public const string UnknownVar = "unknown-var";
    public const string BadDate = "bad-date";
}
