using AmiAudit.Cli;
using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Cli.Tests;

/// <summary>Runs the real CLI in-process with captured streams, a pinned clock and a chosen working directory.</summary>
public static class CliHarness
{
    public sealed record Outcome(int ExitCode, string Out, string Error);

    public static readonly DateTimeOffset FixedNow = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static string RepoRoot => AmiAudit.Testing.RepoPaths.Root;

    public static string Example(string name) => Path.Combine(RepoRoot, "examples", name);

    /// <summary>The environment every CLI run in the tests gets: "now" pinned to <see cref="FixedNow"/>.</summary>
    public static IReadOnlyDictionary<string, string> PinnedEnvironment() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["SOURCE_DATE_EPOCH"] = FixedNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static Outcome Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    public static Outcome RunWith(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new Dictionary<string, string>(env, StringComparer.Ordinal);
        foreach (var (k, v) in PinnedEnvironment()) environment[k] = v;
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            Environment = environment,
            Clock = TimeProvider.System,
            AppDirectory = AppContext.BaseDirectory,
            Interactive = false,
        };
        var code = Program.Run(args, context);
        return new Outcome(code, stdout.ToString(), stderr.ToString());
    }
}
