using AmiAudit.Reporting.Escaping;

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
    /// <summary>Width for console output and help: the terminal's, else COLUMNS, else 80 (<see cref="TerminalWidth"/>).</summary>
    public int ConsoleWidth { get; init; } = 80;
    /// <summary>SIGINT / SIGTERM: the token verbs check, and the temp files a stop removes.</summary>
    public Interruption Interruption { get; init; } = new();

    /// <summary>SOURCE_DATE_EPOCH (reproducible-builds convention) pins "now" so outputs are byte-stable in tests.</summary>
    public DateTimeOffset Now =>
        Environment.TryGetValue("SOURCE_DATE_EPOCH", out var s) && long.TryParse(s, out var epoch)
            ? DateTimeOffset.FromUnixTimeSeconds(epoch)
            : Clock.GetUtcNow();

    private readonly System.Diagnostics.Stopwatch _since = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>
    /// One line on stderr. Paths, file names and messages in it may come from the host (a file named with an ESC
    /// in a diff folder), so the whole line goes through <see cref="ReportText.Printable"/>: control characters,
    /// bidi overrides and embedded newlines become visible escapes and cannot forge a second line.
    /// Every stderr line of the CLI is written here (CliOutputDisciplineTests holds the sources to it).
    /// </summary>
    public void Diagnostic(string line) => Error.WriteLine(ReportText.Printable(line));

    /// <summary>A progress line on an interactive stderr, redrawn in place; null clears it.</summary>
    public void Progress(string? text)
    {
        if (!Interactive) return;
        Error.Write(text is null ? "\r" + new string(' ', 36) + "\r" : "\r" + ReportText.Printable(text));
    }

    private int _blockLines;

    /// <summary>
    /// A block of progress lines (a live table) on an interactive stderr, redrawn in place; null clears it. The cursor
    /// movement is ours (up N lines, erase below) and goes past the terminal guard, which lets only colour through;
    /// the lines themselves go through the guard like every other byte, each escaped by the caller.
    /// </summary>
    public void ProgressBlock(IReadOnlyList<string>? lines)
    {
        if (!Interactive) return;
        lock (Error)
        {
            var raw = Error is TerminalGuardWriter guard ? guard.Inner : Error;
            Error.Flush();
            if (_blockLines > 0) raw.Write($"\u001b[{_blockLines}A\r\u001b[0J");
            raw.Flush();
            _blockLines = 0;
            if (lines is null) return;
            foreach (var line in lines) Error.Write(ReportText.Printable(line) + "\n");
            Error.Flush();
            _blockLines = lines.Count;
        }
    }

    /// <summary>The same context writing through <see cref="TerminalGuardWriter"/>s (Program.Run does this for every run).</summary>
    public CliContext Guarded() => Out is TerminalGuardWriter ? this : new CliContext
    {
        Out = new TerminalGuardWriter(Out, allowColor: Interactive),
        Error = new TerminalGuardWriter(Error, allowColor: Interactive, allowCarriageReturn: Interactive),
        Environment = Environment,
        Clock = Clock,
        AppDirectory = AppDirectory,
        Interactive = Interactive,
        ConsoleWidth = ConsoleWidth,
        Interruption = Interruption,
    };

    /// <summary>AMIAUDIT_TRACE=1 prints elapsed milliseconds per phase to stderr (how the benchmarks were profiled).</summary>
    public void Trace(string phase)
    {
        if (Environment.ContainsKey("AMIAUDIT_TRACE")) Diagnostic($"trace: {_since.Elapsed.TotalMilliseconds,8:F1} ms  {phase}");
    }
}
