using System.Text;

namespace AmiAudit.Cli.Tests;

/// <summary>docs/cli.md is generated from the CLI's own --help, so it cannot drift from the code.</summary>
public class CliDocsTests
{
    [Fact]
    public void Cli_reference_is_current()
    {
        var doc = new StringBuilder();
        doc.Append("# CLI reference\n\nGenerated from `amiaudit … --help` by `CliDocsTests` (AMIAUDIT_UPDATE_GOLDEN=1 regenerates it).\n");
        doc.Append("Exit codes: see [exit-codes.md](exit-codes.md).\n");
        foreach (var verb in Verbs())
        {
            var r = CliHarness.Run([.. verb, "--help"]);
            r.ExitCode.ShouldBe(0, r.Error);
            doc.Append($"\n## amiaudit {string.Join(' ', verb)}\n\n```text\n{r.Out.TrimEnd().Replace("\r\n", "\n", StringComparison.Ordinal)}\n```\n");
        }
        AmiAudit.Testing.GoldenFile.Assert(Path.Combine(CliHarness.RepoRoot, "docs", "cli.md"), doc.ToString());
    }

    private static IEnumerable<string[]> Verbs()
    {
        yield return [];
        var root = AmiAudit.Cli.Program.BuildRoot(new AmiAudit.Cli.Infrastructure.CliContext
        {
            Out = TextWriter.Null, Error = TextWriter.Null, Environment = new Dictionary<string, string>(),
            Clock = TimeProvider.System, AppDirectory = AppContext.BaseDirectory,
        });
        foreach (var c in root.Subcommands.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            yield return [c.Name];
            foreach (var s in c.Subcommands.OrderBy(s => s.Name, StringComparer.Ordinal)) yield return [c.Name, s.Name];
        }
    }
}
