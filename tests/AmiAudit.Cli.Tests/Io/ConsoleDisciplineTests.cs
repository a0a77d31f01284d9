using System.Text.RegularExpressions;
using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Reporting.Escaping;

namespace AmiAudit.Cli.Tests.Io;

/// <summary>
/// The classes of bug are closed by construction: one writer for outputs, one reader for user-named files, one
/// escaping function for stderr lines, and a guard on the console writers. These tests hold the sources and the
/// mechanisms to that.
/// </summary>
public class ConsoleDisciplineTests
{
    private static IEnumerable<(string File, string Text)> CliSources() =>
        Directory.EnumerateFiles(Path.Combine(CliHarness.RepoRoot, "src", "AmiAudit.Cli"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(CliHarness.RepoRoot, f), File.ReadAllText(f)));

    [Fact]
    public void Stderr_lines_go_through_CliContext_Diagnostic()
    {
        // Raw writes to stderr only where the text is ours and already escaped: the Diagnostic/Progress helpers
        // themselves and the AMIAUDIT_DEBUG stack trace.
        var raw = CliSources()
            .SelectMany(s => Regex.Matches(s.Text, @"\.Error\.Write(Line)?\(").Select(m => (s.File, Line: s.Text[..m.Index].Count(c => c == '\n') + 1)))
            .Where(h => h.File is not ("src/AmiAudit.Cli/Infrastructure/CliContext.cs" or "src/AmiAudit.Cli/Program.cs"))
            .ToList();
        raw.ShouldBeEmpty();
    }

    [Fact]
    public void Files_are_read_and_written_only_through_InputFile_and_OutputFile()
    {
        var direct = CliSources()
            // Interruption renames the temp file OutputFile registered with it (under the stop's lock).
            .Where(s => !s.File.StartsWith("src/AmiAudit.Cli/Infrastructure/Io/", StringComparison.Ordinal) && s.File != "src/AmiAudit.Cli/Infrastructure/Interruption.cs")
            .SelectMany(s => Regex.Matches(s.Text, @"(?<![\w.])File\.(ReadAll\w*|ReadLines|OpenRead|OpenHandle|Open|WriteAll\w*|Create|Move|Copy|AppendAll\w*)\(|new FileStream\(|new StreamReader\(")
                .Select(m => $"{s.File}: {m.Value}"))
            .ToList();
        direct.ShouldBeEmpty();
    }

    [Fact]
    public void The_guard_shows_controls_and_lets_only_colour_through()
    {
        var sink = new StringWriter();
        using (var guard = new TerminalGuardWriter(sink, allowColor: true))
        {
            guard.Write("\u001b[1mbold\u001b[0m ");
            guard.Write("\u001b[2J\u001b]0;title\u0007 \u001b[");   // clear screen, OSC title, and an ESC split across writes
            guard.Write("31m red\u001b[0m\r\u007f\u009b\u202e\tok\n");
        }
        sink.ToString().ShouldBe("\u001b[1mbold\u001b[0m \\u001b[2J\\u001b]0;title\\u0007 \u001b[31m red\u001b[0m\\r\\u007f\\u009b\\u202e\tok\n");
    }

    [Fact]
    public void Without_colour_the_guard_lets_no_escape_through()
    {
        var sink = new StringWriter();
        var guard = new TerminalGuardWriter(sink, allowColor: false, allowCarriageReturn: true);
        guard.Write("\u001b[31mred\u001b[0m\rprogress\n");
        guard.Flush();
        sink.ToString().ShouldBe("\\u001b[31mred\\u001b[0m\rprogress\n");
    }

    [Fact]
    public void A_pending_escape_at_the_end_is_shown_on_flush()
    {
        var sink = new StringWriter();
        var guard = new TerminalGuardWriter(sink, allowColor: true);
        guard.Write("tail\u001b[3");
        guard.Flush();
        sink.ToString().ShouldBe("tail\\u001b[3");
    }

    [Fact]
    public void InputFile_caps_what_is_read_not_what_stat_says()
    {
        // /proc files report st_size 0 yet have content: a cap on st_size alone would let them through whole.
        Should.Throw<InputFileException>(() => InputFile.ReadAllBytes("/proc/self/status", 64)).Reason.ShouldBe("larger than 64 bytes");
        InputFile.ReadAllText("/proc/self/status", 1 << 20).ShouldContain("Name:");
    }
}
