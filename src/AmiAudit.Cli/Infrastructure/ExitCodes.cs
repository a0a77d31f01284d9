namespace AmiAudit.Cli.Infrastructure;

/// <summary>The exit-code contract (docs/exit-codes.md). Only the CLI picks one; never 194 or 3010 (SSM).</summary>
public static class ExitCodes
{
    public const int Passed = 0;
    public const int GateFailed = 1;
    public const int Usage = 2;
    public const int InvalidInput = 3;
    public const int CollectionFailed = 4;
    public const int Internal = 70;
}

/// <summary>Thrown by verbs for input problems; Program maps it to exit 3 and prints every line.</summary>
public sealed class InvalidInputException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    public InvalidInputException(string problem) : this([problem]) { }
}

/// <summary>Thrown by verbs for a bad combination of options; exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);
