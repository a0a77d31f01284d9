namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// The width console output is laid out for, decided once by the composition root and injected through
/// <see cref="CliContext.ConsoleWidth"/> (reporters never ask the console). A terminal's own width when stdout is
/// one; otherwise COLUMNS when set (a pager, `watch`, a CI log that says how wide it is); otherwise 80, so files
/// and pipes stay byte-stable.
/// </summary>
public static class TerminalWidth
{
    public const int Fallback = 80;
    private const int Min = 40, Max = 500;

    /// <param name="stdoutIsTerminal">stdout is a TTY (not redirected).</param>
    /// <param name="windowWidth">The terminal's width (Console.WindowWidth); may throw when there is no terminal.</param>
    public static int Resolve(bool stdoutIsTerminal, Func<int> windowWidth, IReadOnlyDictionary<string, string> environment)
    {
        if (stdoutIsTerminal)
        {
            try
            {
                if (windowWidth() is var w and > 0) return Math.Clamp(w, Min, Max);
            }
            catch (IOException)
            {
                // No terminal after all: fall through to COLUMNS.
            }
        }
        return environment.TryGetValue("COLUMNS", out var columns) && int.TryParse(columns, out var c) && c > 0
            ? Math.Clamp(c, Min, Max)
            : Fallback;
    }
}
