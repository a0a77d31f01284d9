namespace AmiAudit.Collectors.Live.Process;

/// <summary>
/// Runs one external command to completion. The seam every live collector and probe uses for
/// systemctl, journalctl, ethtool …: tests inject canned or namespace-entering runners, and the
/// real runner enforces the timeout and the output cap so a hung or chatty command cannot stall
/// or exhaust the audit. Implementations never throw for a failing command: failure is data.
/// </summary>
public interface IProcessRunner
{
    ProcessResult Run(ProcessRequest request);
}

/// <summary>One command line. Arguments are passed as an argv vector — never through a shell.</summary>
public sealed record ProcessRequest(string FileName, IReadOnlyList<string> Arguments)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public const int DefaultMaxOutputBytes = 16 * 1024 * 1024;

    public TimeSpan Timeout { get; init; } = DefaultTimeout;
    /// <summary>Stdout beyond this is drained and dropped (and <see cref="ProcessResult.OutputTruncated"/> set).</summary>
    public int MaxOutputBytes { get; init; } = DefaultMaxOutputBytes;
    /// <summary>Variables set (or overriding) in the child's environment, e.g. LC_ALL=C, TZ=UTC.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>"systemctl show -p … a.service" — for diagnostics only (arguments are not shell-quoted).</summary>
    public string Display => Arguments.Count == 0 ? FileName : FileName + " " + string.Join(' ', Arguments.Take(8)) + (Arguments.Count > 8 ? " …" : "");
}

public sealed record ProcessResult
{
    /// <summary>Null when the process did not start or was killed on timeout.</summary>
    public int? ExitCode { get; init; }
    public string Stdout { get; init; } = "";
    public string Stderr { get; init; } = "";
    public bool TimedOut { get; init; }
    public bool OutputTruncated { get; init; }
    /// <summary>Why the process could not be started (binary missing, permission denied), else null.</summary>
    public string? StartError { get; init; }
    public TimeSpan Elapsed { get; init; }

    public bool Succeeded => StartError is null && !TimedOut && ExitCode == 0;

    /// <summary>One line explaining a failure, for a diagnostic.</summary>
    public string Describe(ProcessRequest request)
    {
        if (StartError is not null) return $"{request.FileName}: could not start: {StartError}";
        if (TimedOut) return $"{request.Display}: timed out after {request.Timeout.TotalSeconds:0.#} s";
        var err = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return $"{request.Display}: exit {ExitCode}{(err.Length > 0 ? ": " + Truncate(err, 200) : "")}";
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
