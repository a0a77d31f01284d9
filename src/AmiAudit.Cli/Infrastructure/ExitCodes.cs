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
    /// <summary>sysexits EX_IOERR: the output could not be written (disk full, read-only, permission, a directory).</summary>
    public const int IoError = 74;
    /// <summary>128 + SIGINT, what a shell reports for a process stopped by Ctrl-C.</summary>
    public const int Interrupted = 130;
    /// <summary>128 + SIGTERM.</summary>
    public const int Terminated = 143;
}

/// <summary>Thrown by verbs for input problems; Program maps it to exit 3 and prints every line.</summary>
public sealed class InvalidInputException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    public InvalidInputException(string problem) : this([problem]) { }
}

/// <summary>Thrown by verbs for a bad combination of options; exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The output could not be written; exit 74 with one line "amiaudit: cannot write OUTPUT: reason".</summary>
public sealed class OutputException(string output, string reason) : Exception($"cannot write {(output.Length == 0 ? "''" : output)}: {reason}")
{
    public string Output { get; } = output;
    public string Reason { get; } = reason;
}
