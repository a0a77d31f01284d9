namespace AmiAudit.Cli.Infrastructure;

/// <summary>The composition root's injected edges: console streams, environment, clock, base directory.</summary>
public sealed class CliContext
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    public required IReadOnlyDictionary<string, string> Environment { get; init; }
    public required TimeProvider Clock { get; init; }
    /// <summary>Directory of the running binary: built-in policies/ and templates/ live beside it.</summary>
    public required string AppDirectory { get; init; }
    /// <summary>True when stdout is a terminal (colour, progress).</summary>
    public bool Interactive { get; init; }
    /// <summary>Terminal width for console output; 80 when not a terminal so files and CI logs are stable.</summary>
    public int ConsoleWidth { get; init; } = 80;

    /// <summary>SOURCE_DATE_EPOCH (reproducible-builds convention) pins "now" so outputs are byte-stable in tests.</summary>
    public DateTimeOffset Now =>
        Environment.TryGetValue("SOURCE_DATE_EPOCH", out var s) && long.TryParse(s, out var epoch)
            ? DateTimeOffset.FromUnixTimeSeconds(epoch)
            : Clock.GetUtcNow();

    private readonly System.Diagnostics.Stopwatch _since = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>AMIAUDIT_TRACE=1 prints elapsed milliseconds per phase to stderr (how the benchmarks were profiled).</summary>
    public void Trace(string phase)
    {
        if (Environment.ContainsKey("AMIAUDIT_TRACE")) Error.WriteLine($"trace: {_since.Elapsed.TotalMilliseconds,8:F1} ms  {phase}");
    }
}
