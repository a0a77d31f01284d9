using System.Diagnostics;

namespace AmiAudit.Cli.Tests.NativeAot;

/// <summary>
/// The shipped binary: `amiaudit` published with NativeAOT. scripts/test.sh publishes it once and
/// passes its path in AMIAUDIT_AOT_BIN; run alone, the fixture publishes it into artifacts/aot
/// (about a minute). A missing toolchain fails the tests — it never skips them.
/// </summary>
public sealed class NativeAotBinary
{
    public string Path { get; }

    public NativeAotBinary()
    {
        var given = Environment.GetEnvironmentVariable("AMIAUDIT_AOT_BIN");
        if (!string.IsNullOrEmpty(given))
        {
            File.Exists(given).ShouldBeTrue($"AMIAUDIT_AOT_BIN={given} does not exist");
            Path = given;
            return;
        }
        var output = System.IO.Path.Combine(CliHarness.RepoRoot, "artifacts", "aot");
        var publish = Run("dotnet", CliHarness.RepoRoot, TimeSpan.FromMinutes(10), new Dictionary<string, string>(),
            // Its own artifacts path: publishing into the projects' obj/ (a runtime-specific restore) would make the
            // next `dotnet build` or `dotnet run` rebuild everything.
            "publish", "src/AmiAudit.Cli", "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true",
            "--artifacts-path", System.IO.Path.Combine(CliHarness.RepoRoot, "artifacts", "aot-build"), "-o", output, "-nologo", "-v", "q");
        publish.ExitCode.ShouldBe(0, $"NativeAOT publish failed (needs gcc or clang and zlib1g-dev):\n{publish.Out}\n{publish.Error}");
        Path = System.IO.Path.Combine(output, "amiaudit");
    }

    /// <summary>Runs the binary the way <see cref="CliHarness"/> runs the CLI in-process: same working
    /// directory, the same pinned clock, nothing else from this process's environment.</summary>
    public CliHarness.Outcome Invoke(params string[] args) =>
        Run(Path, Directory.GetCurrentDirectory(), TimeSpan.FromMinutes(2), CliHarness.PinnedEnvironment(), args);

    /// <summary>Runs the binary with exactly <paramref name="env"/> (plus PATH): for live collection, where
    /// the clock must be the real one (dockerd's events are stamped with it).</summary>
    public CliHarness.Outcome InvokeWith(IReadOnlyDictionary<string, string> env, params string[] args) =>
        Run(Path, Directory.GetCurrentDirectory(), TimeSpan.FromMinutes(2), env, args);

    private static CliHarness.Outcome Run(string file, string cwd, TimeSpan timeout, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env.Count > 0)
        {
            psi.Environment.Clear();
            psi.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
            foreach (var (k, v) in env) psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}");
        }
        return new CliHarness.Outcome(p.ExitCode, stdout.Result, stderr.Result);
    }
}
