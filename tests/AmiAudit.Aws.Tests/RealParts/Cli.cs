using System.Diagnostics;
using AmiAudit.Cli;
using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Aws.Tests.RealParts;

/// <summary>The real CLI: in-process (captured streams, injected environment) or the built binary as a child process.</summary>
public static class Cli
{
    public sealed record Outcome(int ExitCode, string Out, string Error, TimeSpan Elapsed);

    public static Outcome Run(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            Environment = env,
            Clock = TimeProvider.System,
            AppDirectory = AppContext.BaseDirectory,
            Interactive = false,
        };
        var watch = Stopwatch.StartNew();
        var code = Program.Run(args, context);
        return new Outcome(code, stdout.ToString(), stderr.ToString(), watch.Elapsed);
    }

    /// <summary>The built amiaudit: the published NativeAOT binary when scripts/test.sh made one (AMIAUDIT_AOT_BIN),
    /// else the apphost built next to the tests.</summary>
    public static string Binary =>
        System.Environment.GetEnvironmentVariable("AMIAUDIT_AOT_BIN") is { Length: > 0 } b && File.Exists(b) ? b : Path.Combine(AppContext.BaseDirectory, "amiaudit");

    /// <summary>Runs a program with exactly <paramref name="env"/> (plus PATH and DOTNET_ROOT), nothing inherited.</summary>
    public static Outcome Exec(string file, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment.Clear();
        foreach (var name in new[] { "PATH", "DOTNET_ROOT", "DOTNET_CLI_HOME" })
            if (System.Environment.GetEnvironmentVariable(name) is { } v) start.Environment[name] = v;
        foreach (var (k, v) in env) start.Environment[k] = v;
        var watch = Stopwatch.StartNew();
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException($"{file} did not finish"); }
        return new Outcome(p.ExitCode, output, err.GetAwaiter().GetResult(), watch.Elapsed);
    }
}
